/**
 * Test-card factory: a test CSCA and document signer made at run time, a signed card for a test
 * resident, and tampered variants for the refusal paths. Used by tests, the bench and the demo.
 * Nothing here is for production keys.
 */
import 'reflect-metadata';
import { webcrypto, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as x509 from '@peculiar/x509';
import { PNG } from 'pngjs';
import { CardError } from './errors.ts';
import type { Result } from './errors.ts';
import { encodeCom, encodeDg1, encodeDg2, encodeDg3, encodeDg7 } from './profile.ts';
import type { Biodata, Fingerprints, ImageBytes } from './profile.ts';
import { ensureCryptoEngine, signSod } from './sod.ts';
import type { CardFiles } from './files.ts';
import type { TrustAnchor } from './passive-auth.ts';

const EC: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALG: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface TestPki {
  csca: { cert: x509.X509Certificate; der: Uint8Array; pem: string; keys: CryptoKeyPair };
  ds: { cert: x509.X509Certificate; der: Uint8Array; keys: CryptoKeyPair };
}

export async function createTestPki(opts: { name?: string } = {}): Promise<TestPki> {
  ensureCryptoEngine();
  const label = opts.name ?? 'KTP-el Test';
  const cscaKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const csca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `C=ID, O=${label}, CN=${label} CSCA`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys: cscaKeys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(cscaKeys.publicKey),
    ],
  });
  const dsKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ds = await x509.X509CertificateGenerator.create({
    serialNumber: '0a01',
    subject: `C=ID, O=${label}, OU=Document Signer, CN=${label} DS 1`,
    issuer: csca.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 1095 * DAY),
    publicKey: dsKeys.publicKey,
    signingKey: cscaKeys.privateKey,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(cscaKeys.publicKey),
    ],
  });
  return {
    csca: { cert: csca, der: new Uint8Array(csca.rawData), pem: csca.toString('pem'), keys: cscaKeys },
    ds: { cert: ds, der: new Uint8Array(ds.rawData), keys: dsKeys },
  };
}

/** Small deterministic PRNG so a resident's images are the same on every run. */
function prng(seed: string): () => number {
  let s = createHash('sha256').update(seed).digest().readUInt32BE(0) || 1;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A passport-style portrait: plain background, an oval face and shoulders, with sensor-like noise
 * so the PNG lands near `targetBytes` (real DG2 images are 15-20 KB).
 */
export function generateFaceImage(seed: string, targetBytes = 20_000): Uint8Array {
  const w = 96;
  const h = 120;
  const draw = (noise: number) => {
    const rnd = prng(seed);
    const png = new PNG({ width: w, height: h, colorType: 2 });
    const skin = [190 + Math.floor(rnd() * 40), 140 + Math.floor(rnd() * 40), 110 + Math.floor(rnd() * 30)];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const fx = (x - w / 2) / 30;
        const fy = (y - 50) / 40;
        const inFace = fx * fx + fy * fy <= 1;
        const inBody = y > 92 && Math.abs(x - w / 2) < 10 + (y - 92) * 1.6;
        const eye = Math.abs(y - 44) < 3 && (Math.abs(x - 36) < 5 || Math.abs(x - 60) < 5);
        const base = eye ? [40, 30, 30] : inFace ? skin : inBody ? [30, 40, 90] : [200, 30, 30];
        const i = (y * w + x) * 4;
        for (let c = 0; c < 3; c++) png.data[i + c] = Math.max(0, Math.min(255, base[c]! + Math.floor((rnd() - 0.5) * noise)));
        png.data[i + 3] = 255;
      }
    }
    return new Uint8Array(PNG.sync.write(png, { colorType: 2 }));
  };
  // Noise amplitude found by bisection: image size grows monotonically with it.
  let lo = 0;
  let hi = 256;
  let best = draw(hi);
  for (let k = 0; k < 7; k++) {
    const mid = (lo + hi) / 2;
    const img = draw(mid);
    if (img.length < targetBytes) lo = mid; else { hi = mid; best = img; }
  }
  return best;
}

/** A handwritten-looking signature stroke on white, grayscale PNG. */
export function generateSignatureImage(seed: string): Uint8Array {
  const w = 300;
  const h = 100;
  const rnd = prng(`sig:${seed}`);
  const png = new PNG({ width: w, height: h, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.alloc(w * h, 255);
  const a = 15 + rnd() * 15;
  const f1 = 0.03 + rnd() * 0.04;
  const f2 = 0.1 + rnd() * 0.1;
  for (let x = 20; x < w - 20; x++) {
    const y = Math.round(h / 2 + a * Math.sin(x * f1) + 8 * Math.sin(x * f2 + 1));
    for (let d = -1; d <= 1; d++) if (y + d >= 0 && y + d < h) png.data[(y + d) * w + x] = 20;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

export function datasetsDir(): URL {
  const env = process.env.KTP_DATASETS;
  if (env) return new URL(`file://${env.endsWith('/') ? env : `${env}/`}`);
  return new URL('../../../shared/datasets/', import.meta.url);
}

/** SecuGen ISO/IEC 19794-2 templates from FVC2002 DB1_B, named like "101_1". */
export async function loadFingerprints(opts: { rightIndex?: string; leftIndex?: string; dir?: URL } = {}): Promise<Fingerprints> {
  const dir = opts.dir ?? new URL('fvc2002/DB1_B/', datasetsDir());
  const load = async (name: string) => new Uint8Array(await readFile(new URL(`${name}.iso`, dir)));
  return { rightIndex: await load(opts.rightIndex ?? '101_1'), leftIndex: await load(opts.leftIndex ?? '102_1') };
}

export function testBiodata(overrides: Partial<Biodata> = {}): Biodata {
  return {
    nik: '3171234567890001',
    name: 'SITI NURHALIZA',
    placeOfBirth: 'JAKARTA',
    dateOfBirth: '1990-08-17',
    sex: 'PEREMPUAN',
    bloodType: 'O',
    address: 'JL. MERDEKA NO. 17',
    rtRw: '003/005',
    village: 'GAMBIR',
    district: 'GAMBIR',
    religion: 'ISLAM',
    maritalStatus: 'KAWIN',
    occupation: 'KARYAWAN SWASTA',
    citizenship: 'WNI',
    validUntil: 'SEUMUR HIDUP',
    cardSerial: 'KTP0000000001',
    province: 'DKI JAKARTA',
    regency: 'JAKARTA PUSAT',
    issueDate: '2024-01-15',
    ...overrides,
  };
}

export interface TestResident {
  biodata: Biodata;
  face: ImageBytes;
  signature: ImageBytes;
  fingerprints: Fingerprints;
}

function unwrap(r: Result<Uint8Array>): Uint8Array {
  if (!r.ok) throw new CardError(r);
  return r.value;
}

/** Encodes a resident's data groups and signs the SOD; throws CardError on invalid contents. */
export async function buildCardFiles(resident: TestResident, signer: { cert: x509.X509Certificate; key: CryptoKey }): Promise<CardFiles> {
  const dg1 = unwrap(encodeDg1(resident.biodata));
  const dg2 = unwrap(encodeDg2(resident.face));
  const dg3 = unwrap(encodeDg3(resident.fingerprints));
  const dg7 = unwrap(encodeDg7(resident.signature));
  const sod = await signSod({ dataGroups: new Map([[1, dg1], [2, dg2], [3, dg3], [7, dg7]]), signerCert: signer.cert, signerKey: signer.key });
  return { com: encodeCom(), dg1, dg2, dg3, dg7, sod };
}

export interface TestCardSet {
  pki: TestPki;
  /** Trust list that accepts `good` (the test CSCA, DER). */
  trust: TrustAnchor[];
  resident: TestResident;
  good: CardFiles;
  tampered: {
    /** DG1 edited after signing: DG_HASH_MISMATCH (dg 1). */
    changedDg: CardFiles;
    /** SOD signed with a key that is not the document signer's: SOD_SIGNATURE_INVALID. */
    badSignature: CardFiles;
    /** Validly signed under another CSCA: UNTRUSTED_SIGNER. */
    unknownCa: CardFiles;
    /** DG2 cut to half its length: FILE_TRUNCATED (dg 2). */
    truncated: CardFiles;
  };
}

export interface TestCardOptions {
  biodata?: Partial<Biodata>;
  /** Template names in fvc2002/DB1_B, default right "101_1", left "102_1". */
  rightIndex?: string;
  leftIndex?: string;
  faceBytes?: number;
  /** Reuse a PKI across cards (cheaper, and one trust list for many residents). */
  pki?: TestPki;
}

export async function createTestResident(opts: TestCardOptions = {}): Promise<TestResident> {
  const biodata = testBiodata(opts.biodata);
  const fpOpts: { rightIndex?: string; leftIndex?: string } = {};
  if (opts.rightIndex) fpOpts.rightIndex = opts.rightIndex;
  if (opts.leftIndex) fpOpts.leftIndex = opts.leftIndex;
  return {
    biodata,
    face: { format: 'png', bytes: generateFaceImage(biodata.nik, opts.faceBytes ?? 20_000) },
    signature: { format: 'png', bytes: generateSignatureImage(biodata.nik) },
    fingerprints: await loadFingerprints(fpOpts),
  };
}

export async function createTestCardSet(opts: TestCardOptions = {}): Promise<TestCardSet> {
  const pki = opts.pki ?? (await createTestPki());
  const resident = await createTestResident(opts);
  const good = await buildCardFiles(resident, { cert: pki.ds.cert, key: pki.ds.keys.privateKey });

  const changedDg1 = unwrap(encodeDg1({ ...resident.biodata, name: `${resident.biodata.name} X` }));
  const rogueKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const badSignature = await buildCardFiles(resident, { cert: pki.ds.cert, key: rogueKeys.privateKey });
  const otherPki = await createTestPki({ name: 'Unknown Test' });
  const unknownCa = await buildCardFiles(resident, { cert: otherPki.ds.cert, key: otherPki.ds.keys.privateKey });

  return {
    pki,
    trust: [pki.csca.der],
    resident,
    good,
    tampered: {
      changedDg: { ...good, dg1: changedDg1 },
      badSignature,
      unknownCa,
      truncated: { ...good, dg2: good.dg2.slice(0, Math.floor(good.dg2.length / 2)) },
    },
  };
}
