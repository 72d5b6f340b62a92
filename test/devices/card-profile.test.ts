import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createTestCardSet, passiveAuthentication, decodeDg1, encodeDg1, decodeDg2, decodeDg3, encodeDg3, decodeDg7, decodeCom,
  parseSod, decodeLdsSecurityObject, encodeLdsSecurityObject, encodeTlv, testBiodata, loadFingerprints, DG_TAG, fromHex,
} from '../../devices/card/index.ts';
import type { CardFiles, TestCardSet } from '../../devices/card/index.ts';

let set: TestCardSet;
const dgs = (f: CardFiles) => new Map([[1, f.dg1], [2, f.dg2], [3, f.dg3], [7, f.dg7]]);

test.before(async () => { set = await createTestCardSet(); });

test('DG1 biodata round trips, including "SEUMUR HIDUP" and a dated validity', () => {
  for (const validUntil of ['SEUMUR HIDUP', '2030-12-31']) {
    const bio = testBiodata({ validUntil, name: 'BUDI SANTOSO' });
    const enc = encodeDg1(bio);
    assert.ok(enc.ok);
    if (!enc.ok) return;
    const dec = decodeDg1(enc.value);
    assert.equal(dec, { ok: true, value: bio });
  }
});

test('DG1: invalid biodata refused on encode; malformed DG1 refused on decode', () => {
  const e = encodeDg1(testBiodata({ nik: '12345' }));
  assert.is(e.ok, false);
  if (!e.ok) assert.is(e.code, 'INVALID_CONTENTS');
  const noNik = encodeTlv(DG_TAG.DG1, [encodeTlv(0xdf02, new TextEncoder().encode('X'))]);
  const badUtf8 = encodeTlv(DG_TAG.DG1, [encodeTlv(0xdf01, Uint8Array.of(0xff, 0xfe))]);
  const dup = encodeTlv(DG_TAG.DG1, [encodeTlv(0xdf02, Uint8Array.of(0x41)), encodeTlv(0xdf02, Uint8Array.of(0x41))]);
  for (const bad of [noNik, badUtf8, dup, fromHex('6105DF0101'), fromHex('75020000'), new Uint8Array(0), set.good.dg1.subarray(0, 40)]) {
    const r = decodeDg1(bad);
    assert.is(r.ok, false);
    if (!r.ok) { assert.is(r.code, 'MALFORMED_DG'); assert.is(r.dg, 1); }
  }
});

test('DG2/DG7 images: format checked against the bytes; face image is about 20 KB', () => {
  const face = decodeDg2(set.good.dg2);
  assert.ok(face.ok);
  if (face.ok) { assert.is(face.value.format, 'png'); assert.ok(face.value.bytes.length > 15_000 && face.value.bytes.length < 25_000); }
  assert.ok(decodeDg7(set.good.dg7).ok);
  const lying = encodeTlv(DG_TAG.DG2, [encodeTlv(0x80, Uint8Array.of(1)), encodeTlv(0x5f2e, set.resident.face.bytes)]);
  const r = decodeDg2(lying);
  assert.is(r.ok, false);
  if (!r.ok) { assert.is(r.code, 'MALFORMED_DG'); assert.is(r.dg, 2); }
  const r7 = decodeDg7(set.good.dg2);
  assert.is(r7.ok, false);
});

test('DG3 carries the SecuGen 19794-2 records for right and left index unchanged', async () => {
  const fp = await loadFingerprints({ rightIndex: '103_2', leftIndex: '104_3' });
  const enc = encodeDg3(fp);
  assert.ok(enc.ok);
  if (!enc.ok) return;
  const dec = decodeDg3(enc.value);
  assert.ok(dec.ok);
  if (dec.ok) { assert.equal(dec.value.rightIndex, fp.rightIndex); assert.equal(dec.value.leftIndex, fp.leftIndex); }
});

test('DG3: malformed wrapper or records refused', () => {
  const rec = set.resident.fingerprints.rightIndex;
  const entry = (pos: number, r: Uint8Array) => encodeTlv(0x7f60, [encodeTlv(0x83, Uint8Array.of(pos)), encodeTlv(0x5f2e, r)]);
  const broken = rec.slice(); broken[0] = 0x58;
  const short = rec.slice(0, rec.length - 6);
  const cases = [
    encodeTlv(DG_TAG.DG3, [encodeTlv(0x02, Uint8Array.of(2)), entry(2, rec)]),
    encodeTlv(DG_TAG.DG3, [encodeTlv(0x02, Uint8Array.of(2)), entry(2, rec), entry(2, rec)]),
    encodeTlv(DG_TAG.DG3, [encodeTlv(0x02, Uint8Array.of(2)), entry(2, broken), entry(7, rec)]),
    encodeTlv(DG_TAG.DG3, [encodeTlv(0x02, Uint8Array.of(2)), entry(2, short), entry(7, rec)]),
    set.good.dg3.subarray(0, 100),
  ];
  for (const c of cases) {
    const r = decodeDg3(c);
    assert.is(r.ok, false);
    if (!r.ok) { assert.is(r.code, 'MALFORMED_DG'); assert.is(r.dg, 3); }
  }
  const e = encodeDg3({ rightIndex: broken, leftIndex: rec });
  assert.is(e.ok, false);
});

test('EF.COM lists the data group tags', () => {
  const com = decodeCom(set.good.com);
  assert.ok(com.ok);
  if (com.ok) assert.equal(com.value.tags, [0x61, 0x75, 0x63, 0x67]);
});

test('LDSSecurityObject round trips; malformed DER refused', () => {
  const der = encodeLdsSecurityObject(new Map([[1, new Uint8Array(32).fill(1)], [2, new Uint8Array(32).fill(2)]]));
  const d = decodeLdsSecurityObject(der);
  assert.ok(d.ok);
  if (d.ok) { assert.is(d.value.hashes.size, 2); assert.is(d.value.hashAlgorithm, '2.16.840.1.101.3.4.2.1'); }
  for (const bad of [der.subarray(0, der.length - 1), Uint8Array.of(0x30, 0x00), Uint8Array.of(0x02, 0x01, 0x00), new Uint8Array(0)]) {
    const r = decodeLdsSecurityObject(bad);
    assert.is(r.ok, false);
    if (!r.ok) assert.is(r.code, 'MALFORMED_SOD');
  }
});

test('EF.SOD parser refuses junk without throwing', () => {
  const sod = parseSod(set.good.sod);
  assert.ok(sod.ok);
  const junk = [new Uint8Array(0), fromHex('7703300100'), encodeTlv(0x77, new Uint8Array(50).fill(0x30)), set.good.sod.subarray(0, 500), encodeTlv(0x77, fromHex('300602012a0201'))];
  for (const j of junk) {
    const r = parseSod(j);
    assert.is(r.ok, false);
    if (!r.ok) assert.ok(r.code === 'MALFORMED_SOD', r.code);
  }
});

test('passive authentication: the good card passes with signer details', async () => {
  const r = await passiveAuthentication({ sod: set.good.sod, dataGroups: dgs(set.good), trust: set.trust });
  assert.ok(r.ok);
  if (r.ok) { assert.match(r.value.signerSubject, /Document Signer/); assert.equal(r.value.dataGroups, [1, 2, 3, 7]); }
  const pem = await passiveAuthentication({ sod: set.good.sod, dataGroups: dgs(set.good), trust: [set.pki.csca.pem] });
  assert.ok(pem.ok);
});

test('passive authentication: each tampered variant refused with its reason', async () => {
  const run = (f: CardFiles, trust = set.trust) => passiveAuthentication({ sod: f.sod, dataGroups: dgs(f), trust });
  const changed = await run(set.tampered.changedDg);
  assert.is(changed.ok, false);
  if (!changed.ok) { assert.is(changed.code, 'DG_HASH_MISMATCH'); assert.is(changed.dg, 1); }
  const sig = await run(set.tampered.badSignature);
  assert.is(!sig.ok && sig.code, 'SOD_SIGNATURE_INVALID');
  const ca = await run(set.tampered.unknownCa);
  assert.is(!ca.ok && ca.code, 'UNTRUSTED_SIGNER');
  const empty = await run(set.good, []);
  assert.is(!empty.ok && empty.code, 'UNTRUSTED_SIGNER');
  const missing = await passiveAuthentication({ sod: set.good.sod, dataGroups: new Map([[1, set.good.dg1]]), trust: set.trust });
  assert.is(!missing.ok && missing.code, 'DG_MISSING');
  const expired = await passiveAuthentication({ sod: set.good.sod, dataGroups: dgs(set.good), trust: set.trust, at: new Date(Date.now() + 4000 * 86_400_000) });
  assert.is(!expired.ok && expired.code, 'UNTRUSTED_SIGNER');
});

test.run();
