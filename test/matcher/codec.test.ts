import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compare, decodeImage, decodeIso19794, decodeAnsi378, encodeIso19794, extractTemplate } from '../../matcher/index.ts';
import type { Template } from '../../matcher/index.ts';
import { DATASETS, fvc } from './datasets.ts';

const sample: Template = {
  width: 388, height: 374, resolution: 500, quality: 77,
  minutiae: [
    { x: 10, y: 20, angle: 0, type: 1, quality: 80 },
    { x: 200, y: 300, angle: Math.PI, type: 2, quality: 50 },
    { x: 387, y: 373, angle: 4, type: 0, quality: 100 },
  ],
};

test('ISO 19794-2 round trip keeps minutiae within the format precision', () => {
  const bytes = encodeIso19794(sample);
  assert.is(bytes.length, 24 + 4 + 6 * 3 + 2);
  const r = decodeIso19794(bytes);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.template.width, 388);
  assert.is(r.template.quality, 77);
  assert.is(r.template.minutiae.length, 3);
  r.template.minutiae.forEach((m, i) => {
    const s = sample.minutiae[i]!;
    assert.ok(Math.abs(m.x - s.x) < 1.5 && Math.abs(m.y - s.y) < 1.5, `position ${i}`);
    const da = Math.abs(((m.angle - s.angle + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    assert.ok(da <= (2 * Math.PI) / 256, `angle ${i}`);
    assert.is(m.type, s.type);
    assert.is(m.quality, s.quality);
  });
  // a second round trip is byte-identical
  assert.equal(encodeIso19794(r.template), bytes);
});

test('reads every SecuGen record of FVC2002', () => {
  for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
    for (const f of ['101_1.iso', '105_4.iso', '110_8.iso']) {
      const r = decodeIso19794(readFileSync(fvc(db, f)));
      assert.ok(r.ok, `${db}/${f}: ${r.ok ? '' : r.error}`);
      if (r.ok) assert.ok(r.template.minutiae.length > 5);
    }
  }
});

test('refuses the truncated records with a clear error', () => {
  const dir = join(DATASETS, 'iso19794-2-invalid');
  const files = readdirSync(dir).filter((f) => f.endsWith('.iso'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const r = decodeIso19794(readFileSync(join(dir, f)));
    assert.not.ok(r.ok, f);
    if (!r.ok) assert.match(r.error, /truncated/);
  }
});

test('refuses every truncation and garbage without throwing', () => {
  const good = readFileSync(fvc('DB1_B', '101_1.iso'));
  for (let n = 0; n < good.length; n++) {
    const r = decodeIso19794(good.subarray(0, n));
    assert.not.ok(r.ok, `prefix ${n}`);
  }
  const bad = Uint8Array.from(good);
  bad[0] = 0x47;
  assert.match((decodeIso19794(bad) as { error: string }).error, /format identifier/);
  const extra = new Uint8Array(good.length + 1); extra.set(good);
  assert.not.ok(decodeIso19794(extra).ok);
  // a count that overruns the record
  const over = Uint8Array.from(good); over[27] = 255;
  assert.match((decodeIso19794(over) as { error: string }).error, /truncated|minutiae/);
  // pseudo-random bytes with a valid header never throw, and what they decode to compares (with
  // itself and with a real template) to a finite score without throwing either
  const real = decodeIso19794(good);
  assert.ok(real.ok);
  let seed = 7, decoded = 0;
  for (let k = 0; k < 500; k++) {
    const b = Uint8Array.from(good);
    for (let j = 0; j < 6; j++) { seed = (seed * 1103515245 + 12345) >>> 0; b[8 + (seed % (b.length - 8))] = seed >>> 24; }
    const r = decodeIso19794(b);
    assert.type(r.ok, 'boolean');
    if (!r.ok || !real.ok) continue;
    decoded++;
    for (const s of [compare(r.template, real.template), compare(real.template, r.template), compare(r.template, r.template)]) {
      assert.ok(Number.isFinite(s) && s >= 0, `mutation ${k} scores ${s}`);
    }
  }
  assert.ok(decoded > 20, `only ${decoded} of the mutated records decode: the comparisons above are barely exercised`);
  assert.not.ok(decodeIso19794(new Uint8Array(0)).ok);
});

test('an extracted template keeps its orientation field through an ISO record, and only our reader uses it', () => {
  const t = extractTemplate(decodeImage(readFileSync(fvc('DB1_B', '101_1.tif')))).template;
  assert.ok(t.field, 'the extractor gives a field');
  const f = t.field!;
  const bytes = encodeIso19794(t);
  // the field rides in one vendor extended-data block after the minutiae
  const ext = new DataView(bytes.buffer).getUint16(28 + 6 * t.minutiae.length);
  assert.is(ext, 8 + f.cols * f.rows);
  assert.is(bytes.length, 24 + 4 + 6 * t.minutiae.length + 2 + ext);
  const r = decodeIso19794(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error);
  if (!r.ok) return;
  assert.is(r.template.field?.cols, f.cols);
  assert.is(r.template.field?.rows, f.rows);
  // 197 ppcm is 500.38 dpi: cells scale as the minutiae do
  assert.ok(Math.abs(r.template.field!.cell - f.cell) < 0.02, `cell ${r.template.field!.cell}`);
  assert.equal(Array.from(r.template.field!.dir), Array.from(f.dir));
  assert.equal(encodeIso19794(r.template), bytes);
  // a record read at another resolution scales the cells with the minutiae
  const at1000 = decodeIso19794(bytes, { dpi: 1000 });
  assert.ok(at1000.ok && at1000.template.field!.cell === f.cell / 2);
  assert.ok(at1000.ok && at1000.template.minutiae[0]!.x === Math.round(t.minutiae[0]!.x) / 2);
});

test('refuses a malformed orientation field block, and skips other vendors\' blocks', () => {
  const t = extractTemplate(decodeImage(readFileSync(fvc('DB1_B', '101_1.tif')))).template;
  const bytes = encodeIso19794(t);
  const at = 28 + 6 * t.minutiae.length + 2; // start of the block
  const cell = (i: number) => at + 8 + i;
  const firstPrint = t.field!.dir.findIndex((d) => d !== 255);
  const badDir = Uint8Array.from(bytes); badDir[cell(firstPrint)] = 200;
  assert.match((decodeIso19794(badDir) as { error: string }).error, /orientation field cell \d+ has direction 200/);
  const badVersion = Uint8Array.from(bytes); badVersion[at + 4] = 9;
  assert.match((decodeIso19794(badVersion) as { error: string }).error, /version 9/);
  const badGrid = Uint8Array.from(bytes); badGrid[at + 6] = t.field!.cols + 1;
  assert.match((decodeIso19794(badGrid) as { error: string }).error, /grid needs/);
  // the same bytes under another vendor's type code are skipped: minutiae only
  const other = Uint8Array.from(bytes); new DataView(other.buffer).setUint16(at, 0x0101);
  const r = decodeIso19794(other);
  assert.ok(r.ok, r.ok ? '' : r.error);
  if (r.ok) { assert.is(r.template.field, undefined); assert.is(r.template.minutiae.length, t.minutiae.length); }
});

test('ANSI 378 reader: reads a well-formed record and refuses truncation', () => {
  // ANSI 378-2004: 26-byte header, 2-byte length, CBEFF id, angle in 2-degree units
  const n = 2;
  const len = 26 + 4 + 6 * n + 2;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  b.set([0x46, 0x4d, 0x52, 0, 0x20, 0x32, 0x30, 0]);
  dv.setUint16(8, len);
  dv.setUint16(14, 0);
  dv.setUint16(16, 300); dv.setUint16(18, 400); dv.setUint16(20, 197); dv.setUint16(22, 197);
  b[24] = 1;
  b[26] = 2; b[27] = 0; b[28] = 60; b[29] = n;
  dv.setUint16(30, (1 << 14) | 100); dv.setUint16(32, 150); b[34] = 45; b[35] = 70;
  dv.setUint16(36, (2 << 14) | 10); dv.setUint16(38, 20); b[40] = 0; b[41] = 20;
  const r = decodeAnsi378(b);
  assert.ok(r.ok, r.ok ? '' : r.error);
  if (r.ok) {
    assert.is(r.template.minutiae.length, 2);
    assert.is(r.template.minutiae[0]!.type, 1);
    assert.ok(Math.abs(r.template.minutiae[0]!.angle - Math.PI / 2) < 1e-9);
    assert.is(r.template.minutiae[1]!.type, 2);
  }
  for (let k = 1; k < len; k++) assert.not.ok(decodeAnsi378(b.subarray(0, len - k)).ok);
  const badAngle = Uint8Array.from(b); badAngle[34] = 200;
  assert.match((decodeAnsi378(badAngle) as { error: string }).error, /angle/);
});

test.run();
