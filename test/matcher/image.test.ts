import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { decodeImage, decodeR30xImage, encodeBmp, ImageFormatError, resampleTo } from '../../matcher/index.ts';
import type { GrayImage } from '../../matcher/types.ts';
import { fvc } from './datasets.ts';

test('decodes an FVC2002 TIFF', () => {
  const img = decodeImage(readFileSync(fvc('DB1_B', '101_1.tif')));
  assert.is(img.width, 388);
  assert.is(img.height, 374);
  assert.is(img.pixels.length, 388 * 374);
  const dpi = decodeImage(readFileSync(fvc('DB2_B', '101_1.tif')), { dpi: 569 });
  assert.is(dpi.dpi, 569);
});

test('BMP and PNG carry the same pixels as the TIFF', () => {
  const tif = decodeImage(readFileSync(fvc('DB3_B', '102_3.tif')));
  const bmp = decodeImage(encodeBmp(tif));
  assert.is(bmp.width, tif.width);
  assert.equal(bmp.pixels, tif.pixels);
  assert.ok(Math.abs(bmp.dpi - 500) < 1);
  const png = new PNG({ width: tif.width, height: tif.height });
  for (let i = 0; i < tif.pixels.length; i++) {
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = tif.pixels[i]!;
    png.data[4 * i + 3] = 255;
  }
  const p = decodeImage(PNG.sync.write(png));
  assert.equal(p.pixels, tif.pixels);
});

test('raw grey needs and checks width/height', () => {
  const raw = new Uint8Array(100 * 120).fill(200);
  const img = decodeImage(raw, { format: 'raw', width: 100, height: 120, dpi: 1000 });
  assert.is(img.dpi, 1000);
  assert.throws(() => decodeImage(raw, { format: 'raw', width: 100, height: 100 }), (e: unknown) => e instanceof ImageFormatError);
  assert.throws(() => decodeImage(raw, { format: 'raw' }), (e: unknown) => e instanceof ImageFormatError);
});

test('R30x 4-bit image: two pixels a byte, high nibble first', () => {
  const b = new Uint8Array(36864);
  b[0] = 0xf0; b[1] = 0x3c;
  const img = decodeR30xImage(b);
  assert.is(img.width, 256);
  assert.is(img.height, 288);
  assert.equal([...img.pixels.subarray(0, 4)], [255, 0, 51, 204]);
  assert.is(decodeImage(b).width, 256);
  assert.throws(() => decodeR30xImage(b.subarray(1)), (e: unknown) => e instanceof ImageFormatError);
});

test('malformed images raise ImageFormatError, never something else', () => {
  const tif = readFileSync(fvc('DB1_B', '101_1.tif'));
  for (const n of [0, 3, 8, 20, 100, 1000, tif.length - 1]) {
    assert.throws(() => decodeImage(tif.subarray(0, n)), (e: unknown) => e instanceof ImageFormatError, `prefix ${n}`);
  }
  assert.throws(() => decodeImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5])), (e: unknown) => e instanceof ImageFormatError);
  assert.throws(() => decodeImage(Uint8Array.from([0x42, 0x4d, 0, 0])), (e: unknown) => e instanceof ImageFormatError);
});

/** a w x h image at dpi whose pixel (x, y) is f(x, y) */
function image(w: number, h: number, dpi: number, f: (x: number, y: number) => number): GrayImage {
  const pixels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * w + x] = f(x, y);
  return { width: w, height: h, dpi, pixels };
}

test('resampling to 500 dpi scales the frame: an FVC2002 DB2 image at 569 dpi becomes 260 x 492', () => {
  const out = resampleTo(decodeImage(readFileSync(fvc('DB2_B', '101_1.tif')), { dpi: 569 }), 500);
  assert.equal([out.width, out.height, out.dpi, out.pixels.length], [260, 492, 500, 260 * 492]);
});

test('an image already at 500 dpi keeps its pixels', () => {
  const img = image(30, 20, 500, (x, y) => (x * 7 + y * 3) % 256);
  assert.equal(resampleTo(img, 500).pixels, img.pixels);
});

test('a flat grey stays exactly flat, shrunk or enlarged', () => {
  for (const dpi of [250, 400, 569, 700, 1000]) {
    const out = resampleTo(image(41, 37, dpi, () => 137), 500);
    assert.ok(out.pixels.every((v) => v === 137), `from ${dpi} dpi`);
  }
});

test('a grey ramp stays a ramp: every pixel within one grey level of the ramp at its place', () => {
  for (const dpi of [400, 569, 700]) {
    const s = 500 / dpi;
    const out = resampleTo(image(120, 90, dpi, (x) => 20 + x * 1.5), 500);
    // away from the left and right edges, where the filters see clamped pixels
    for (let y = 0; y < out.height; y++) for (let x = 3; x < out.width - 3; x++) {
      const expect = 20 + ((x + 0.5) / s - 0.5) * 1.5;
      const v = out.pixels[y * out.width + x]!;
      if (Math.abs(v - expect) > 1) assert.unreachable(`from ${dpi} dpi: (${x}, ${y}) is ${v}, the ramp ${expect.toFixed(2)}`);
    }
  }
});

test('a black-white edge stays in range (no wrap-around past 0 or 255) and in place', () => {
  const out = resampleTo(image(60, 10, 250, (x) => (x < 30 ? 0 : 255)), 500);
  const row = Array.from(out.pixels.subarray(5 * out.width, 6 * out.width));
  assert.ok(row.slice(0, 56).every((v) => v === 0), 'left of the edge is black');
  assert.ok(row.slice(64).every((v) => v === 255), 'right of the edge is white');
  for (let x = 1; x < row.length; x++) assert.ok(row[x]! >= row[x - 1]! - 20, 'the edge rises without a deep dip');
});

test.run();
