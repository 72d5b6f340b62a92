/**
 * Passive authentication (ICAO Doc 9303 part 11, 5.1): the SOD's signature verifies under the
 * document signer's key, the document signer chains to a CSCA in the caller's trust list, and
 * every data group read hashes to the value the SOD lists. Any failure names its reason.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { equalBytes, fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { ensureCryptoEngine, OID_SHA256, parseSod, sha256 } from './sod.ts';

/** A trusted country-signing CA certificate, DER bytes or PEM text. */
export type TrustAnchor = Uint8Array | string;

export interface SodInfo {
  valid: true;
  signerSubject: string;
  signerSerial: string;
  issuerSubject: string;
  hashAlgorithm: 'SHA-256';
  dataGroups: number[];
  signingTime?: string;
}

export interface PassiveAuthInput {
  sod: Uint8Array;
  /** Data group number -> full file bytes as read from the card. */
  dataGroups: ReadonlyMap<number, Uint8Array>;
  trust: readonly TrustAnchor[];
  /** Time at which certificates must be valid; default now. */
  at?: Date;
}

function loadAnchor(a: TrustAnchor): x509.X509Certificate | null {
  try {
    return new x509.X509Certificate(typeof a === 'string' ? a : a.slice());
  } catch {
    return null;
  }
}

export async function passiveAuthentication(input: PassiveAuthInput): Promise<Result<SodInfo>> {
  ensureCryptoEngine();
  const parsed = parseSod(input.sod);
  if (!parsed.ok) return parsed;
  const { signedData, lds, signerCertDer } = parsed.value;
  if (lds.hashAlgorithm !== OID_SHA256) return fail('MALFORMED_SOD', `hash algorithm ${lds.hashAlgorithm} is not supported (SHA-256 only)`);

  // 1. The signature over the signed attributes, and the messageDigest attribute over the content.
  try {
    const r = await signedData.verify({ signer: 0, checkChain: false, extendedMode: true });
    if (r.signatureVerified !== true) return fail('SOD_SIGNATURE_INVALID', `SOD signature does not verify under the document signer's key${r.message ? `: ${r.message}` : ''}`);
  } catch (e) {
    return fail('SOD_SIGNATURE_INVALID', `SOD signature does not verify: ${e instanceof Error ? e.message : String(e)}`);
  }

  // 2. Document signer -> trusted CSCA.
  let ds: x509.X509Certificate;
  try {
    ds = new x509.X509Certificate(signerCertDer.slice());
  } catch (e) {
    return fail('MALFORMED_SOD', `document signer certificate unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
  const at = input.at ?? new Date();
  if (at < ds.notBefore || at > ds.notAfter) return fail('UNTRUSTED_SIGNER', `document signer "${ds.subject}" is not valid on ${at.toISOString()}`);
  const anchors = input.trust.map(loadAnchor);
  if (anchors.some((a) => a === null)) return fail('UNTRUSTED_SIGNER', 'the trust list holds an unreadable certificate');
  let issuer: x509.X509Certificate | undefined;
  for (const csca of anchors as x509.X509Certificate[]) {
    if (csca.subject !== ds.issuer) continue;
    if (await ds.verify({ publicKey: csca, signatureOnly: true })) { issuer = csca; break; }
  }
  if (!issuer) return fail('UNTRUSTED_SIGNER', `document signer "${ds.subject}" (issuer "${ds.issuer}") does not chain to a trusted CSCA`);
  if (at < issuer.notBefore || at > issuer.notAfter) return fail('UNTRUSTED_SIGNER', `CSCA "${issuer.subject}" is not valid on ${at.toISOString()}`);
  const bc = issuer.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) return fail('UNTRUSTED_SIGNER', `trusted certificate "${issuer.subject}" is not a CA`);

  // 3. Every data group against the SOD, both ways.
  for (const [dg, bytes] of [...input.dataGroups].sort((a, b) => a[0] - b[0])) {
    const expected = lds.hashes.get(dg);
    if (!expected) return fail('DG_HASH_MISMATCH', `DG${dg} is not covered by the SOD`, { dg });
    if (!equalBytes(await sha256(bytes), expected)) return fail('DG_HASH_MISMATCH', `DG${dg} does not match its hash in the SOD`, { dg });
  }
  for (const dg of lds.hashes.keys()) {
    if (!input.dataGroups.has(dg)) return fail('DG_MISSING', `DG${dg} is listed in the SOD but was not read`, { dg });
  }

  const info: SodInfo = {
    valid: true,
    signerSubject: ds.subject,
    signerSerial: ds.serialNumber,
    issuerSubject: ds.issuer,
    hashAlgorithm: 'SHA-256',
    dataGroups: [...lds.hashes.keys()].sort((a, b) => a - b),
  };
  const st = signedData.signerInfos[0]?.signedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.5')?.values[0];
  if (st && 'toDate' in st && typeof st.toDate === 'function') info.signingTime = (st.toDate() as Date).toISOString();
  return ok(info);
}
