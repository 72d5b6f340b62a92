import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { decodeImage, decodeR30xImage, encodeBmp, ImageFormatError } from '../../matcher/index.ts';
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

test.run();
