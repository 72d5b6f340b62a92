import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeImage, decodeR30xImage, extractTemplate, encodeIso19794, decodeIso19794, compare } from '../../matcher/index.ts';
import { fvc } from './datasets.ts';

const img = decodeImage(readFileSync(fvc('DB1_B', '103_1.tif')));

test('extraction is deterministic and yields sane minutiae', () => {
  const a = extractTemplate(img), b = extractTemplate(img);
  assert.equal(a, b);
  const t = a.template;
  assert.ok(t.minutiae.length >= 12 && t.minutiae.length <= 120, `count ${t.minutiae.length}`);
  assert.ok(a.quality >= 40 && a.quality <= 100, `quality ${a.quality}`);
  for (const m of t.minutiae) {
    assert.ok(m.x >= 0 && m.x < t.width && m.y >= 0 && m.y < t.height);
    assert.ok(m.angle >= 0 && m.angle < 2 * Math.PI);
    assert.ok(m.type === 1 || m.type === 2);
    assert.ok(m.quality >= 1 && m.quality <= 100);
  }
});

test('a blank or flat image gives quality near zero without throwing', () => {
  const blank = { width: 300, height: 300, dpi: 500, pixels: new Uint8Array(300 * 300).fill(230) };
  const r = extractTemplate(blank);
  assert.ok(r.quality <= 10, `quality ${r.quality}`);
  assert.ok(r.template.minutiae.length <= 3);
  let s = 1;
  const noise = { width: 200, height: 200, dpi: 500, pixels: new Uint8Array(200 * 200).map(() => ((s = (s * 16807) % 2147483647) & 255)) };
  assert.ok(extractTemplate(noise).quality < 40);
});

test('resolution is normalised: a 569-dpi image gives 500-dpi coordinates', () => {
  const raw = decodeImage(readFileSync(fvc('DB2_B', '101_1.tif')), { dpi: 569 });
  const r = extractTemplate(raw);
  assert.is(r.template.resolution, 500);
  assert.ok(Math.abs(r.template.width - Math.round((raw.width * 500) / 569)) <= 1);
});

test('R30x 4-bit images extract and match the same finger', () => {
  // make an R30x frame from a 500-dpi image: crop 256x288, quantise to 4 bits
  const toR30x = (g: typeof img): Uint8Array => {
    const out = new Uint8Array(36864);
    const ox = Math.floor((g.width - 256) / 2), oy = Math.floor((g.height - 288) / 2);
    for (let y = 0; y < 288; y++) for (let x = 0; x < 256; x += 2) {
      const p = (yy: number, xx: number): number => g.pixels[(yy + oy) * g.width + xx + ox]! >> 4;
      out[(y * 256 + x) / 2] = (p(y, x) << 4) | p(y, x + 1);
    }
    return out;
  };
  const a = extractTemplate(decodeR30xImage(toR30x(img)));
  const b = extractTemplate(decodeImage(readFileSync(fvc('DB1_B', '103_2.tif'))));
  assert.ok(a.template.minutiae.length >= 8);
  assert.ok(compare(a.template, b.template) > compare(a.template, extractTemplate(decodeImage(readFileSync(fvc('DB1_B', '106_2.tif')))).template));
});

test('our templates survive an ISO round trip with the same score', () => {
  const a = extractTemplate(img).template;
  const b = extractTemplate(decodeImage(readFileSync(fvc('DB1_B', '103_4.tif')))).template;
  const r = decodeIso19794(encodeIso19794(a));
  assert.ok(r.ok);
  if (!r.ok) return;
  const s1 = compare(a, b), s2 = compare(r.template, b);
  assert.ok(Math.abs(s1 - s2) <= 0.25 * s1 + 2, `${s1} vs ${s2}`);
});

test.run();
