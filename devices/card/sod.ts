/**
 * EF.SOD: tag 77 wrapping a CMS ContentInfo(SignedData) whose encapsulated content is an ICAO
 * LDSSecurityObject (Doc 9303 part 10, 4.6.2):
 *
 *   LDSSecurityObject ::= SEQUENCE { version INTEGER (v0), hashAlgorithm AlgorithmIdentifier,
 *                                    dataGroupHashValues SEQUENCE OF DataGroupHash }
 *   DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }
 *
 * eContentType id-icao-mrtd-security-ldsSecurityObject (2.23.136.1.1.1); signed attributes
 * contentType, signingTime, messageDigest; one SignerInfo, identified by issuer and serial, and the
 * document signer's certificate carried in `certificates`.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as x509 from '@peculiar/x509';
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { decodeSingle, encodeTlv } from './tlv.ts';
import { DG_TAG } from './profile.ts';

export const OID_LDS_SECURITY_OBJECT = '2.23.136.1.1.1';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

let engineReady = false;
/** pkijs and @peculiar/x509 both keep a global crypto provider; point both at Node's webcrypto once. */
export function ensureCryptoEngine(): void {
  if (engineReady) return;
  const c = webcrypto as unknown as Crypto;
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: c }));
  x509.cryptoProvider.set(c);
  engineReady = true;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));
}

const ab = (u: Uint8Array): ArrayBuffer => u.slice().buffer as ArrayBuffer;

export interface LdsSecurityObject { hashAlgorithm: string; hashes: Map<number, Uint8Array> }

export function encodeLdsSecurityObject(hashes: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const groups = [...hashes.entries()].sort((a, b) => a[0] - b[0]);
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_SHA256 })] }),
      new asn1js.Sequence({
        value: groups.map(([n, h]) => new asn1js.Sequence({ value: [new asn1js.Integer({ value: n }), new asn1js.OctetString({ valueHex: ab(h) })] })),
      }),
    ],
  });
  return new Uint8Array(seq.toBER());
}

/** Parses DER that must be exactly one ASN.1 object; asn1js reports failure through offset -1. */
function fromDer(der: Uint8Array): asn1js.AsnType | null {
  const r = asn1js.fromBER(ab(der));
  if (r.offset === -1 || r.offset !== der.length) return null;
  return r.result;
}

export function decodeLdsSecurityObject(der: Uint8Array): Result<LdsSecurityObject> {
  const bad = (m: string) => fail('MALFORMED_SOD', `LDSSecurityObject: ${m}`);
  const root = fromDer(der);
  if (!(root instanceof asn1js.Sequence)) return bad('not a DER SEQUENCE');
  const [version, alg, list] = root.valueBlock.value;
  if (!(version instanceof asn1js.Integer) || version.valueBlock.valueDec !== 0) return bad('version must be 0');
  if (!(alg instanceof asn1js.Sequence)) return bad('hashAlgorithm missing');
  const algOid = alg.valueBlock.value[0];
  if (!(algOid instanceof asn1js.ObjectIdentifier)) return bad('hashAlgorithm has no OID');
  if (!(list instanceof asn1js.Sequence)) return bad('dataGroupHashValues missing');
  const hashes = new Map<number, Uint8Array>();
  for (const item of list.valueBlock.value) {
    if (!(item instanceof asn1js.Sequence)) return bad('DataGroupHash is not a SEQUENCE');
    const [n, h] = item.valueBlock.value;
    if (!(n instanceof asn1js.Integer) || !(h instanceof asn1js.OctetString)) return bad('DataGroupHash needs INTEGER and OCTET STRING');
    const dg = n.valueBlock.valueDec;
    if (dg < 1 || dg > 16) return bad(`data group number ${dg}`);
    if (hashes.has(dg)) return bad(`DG${dg} listed twice`);
    hashes.set(dg, new Uint8Array(h.valueBlock.valueHexView));
  }
  return ok({ hashAlgorithm: algOid.valueBlock.toString(), hashes });
}

export interface SignSodParams {
  /** Data group number -> the data group file's full bytes. */
  dataGroups: ReadonlyMap<number, Uint8Array>;
  signerCert: x509.X509Certificate;
  signerKey: CryptoKey;
  signingTime?: Date;
}

/** Builds EF.SOD (77 wrapper included) over SHA-256 hashes of the given data groups. */
export async function signSod(p: SignSodParams): Promise<Uint8Array> {
  ensureCryptoEngine();
  const hashes = new Map<number, Uint8Array>();
  for (const [n, bytes] of p.dataGroups) hashes.set(n, await sha256(bytes));
  const lds = encodeLdsSecurityObject(hashes);
  const cert = pkijs.Certificate.fromBER(ab(new Uint8Array(p.signerCert.rawData)));
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
  });
  signerInfo.signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: OID_LDS_SECURITY_OBJECT })] }),
      new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: p.signingTime ?? new Date() })] }),
      new pkijs.Attribute({ type: OID_MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: ab(await sha256(lds)) })] }),
    ],
  });
  const signed = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_LDS_SECURITY_OBJECT, eContent: new asn1js.OctetString({ valueHex: ab(lds) }) }),
    signerInfos: [signerInfo],
    certificates: [cert],
  });
  await signed.sign(p.signerKey, 0, 'SHA-256');
  const ci = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signed.toSchema(true) });
  return encodeTlv(DG_TAG.SOD, new Uint8Array(ci.toSchema().toBER()));
}

export interface ParsedSod {
  signedData: pkijs.SignedData;
  lds: LdsSecurityObject;
  /** The encapsulated LDSSecurityObject bytes, as signed. */
  ldsDer: Uint8Array;
  signerCertDer: Uint8Array;
}

export function parseSod(bytes: Uint8Array): Result<ParsedSod> {
  const bad = (m: string) => fail('MALFORMED_SOD', `EF.SOD: ${m}`);
  const outer = decodeSingle(bytes, DG_TAG.SOD);
  if (!outer.ok) return bad(outer.message);
  try {
    const root = fromDer(outer.value.value);
    if (!root) return bad('content is not one DER object');
    const ci = new pkijs.ContentInfo({ schema: root });
    if (ci.contentType !== OID_SIGNED_DATA) return bad(`content type ${ci.contentType} is not SignedData`);
    const sd = new pkijs.SignedData({ schema: ci.content });
    if (sd.encapContentInfo.eContentType !== OID_LDS_SECURITY_OBJECT) return bad(`eContentType ${sd.encapContentInfo.eContentType} is not an LDSSecurityObject`);
    const econtent = sd.encapContentInfo.eContent;
    if (!econtent) return bad('no encapsulated content');
    const ldsDer = new Uint8Array(econtent.getValue());
    const lds = decodeLdsSecurityObject(ldsDer);
    if (!lds.ok) return lds;
    if (sd.signerInfos.length !== 1) return bad(`${sd.signerInfos.length} signer infos, expected 1`);
    const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    if (certs.length !== 1) return bad(`${certs.length} certificates, expected the document signer's only`);
    return ok({ signedData: sd, lds: lds.value, ldsDer, signerCertDer: new Uint8Array(certs[0]!.toSchema().toBER()) });
  } catch (e) {
    // pkijs throws on schema mismatches; this is the boundary where that becomes a result.
    return bad(e instanceof Error ? e.message : String(e));
  }
}

