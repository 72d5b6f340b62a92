/**
 * The scanner's image format and the conversion of dataset TIFFs into it (pure).
 * R30x UpImage: 256 x 288 pixels, 4 bits a pixel, two pixels a byte, high nibble first
 * (36,864 bytes). Grey levels as the sensor gives them: 0 black (ridge), 15 white.
 */

export const SCANNER_WIDTH = 256;
export const SCANNER_HEIGHT = 288;
export const SCANNER_IMAGE_BYTES = (SCANNER_WIDTH * SCANNER_HEIGHT) / 2;
export const SCANNER_DPI = 500;

/** 8-bit grey (one byte a pixel) to the packed 4-bit form */
export function packScannerImage(gray8: Uint8Array): Uint8Array {
  if (gray8.length !== SCANNER_WIDTH * SCANNER_HEIGHT) throw new RangeError(`expected ${SCANNER_WIDTH * SCANNER_HEIGHT} pixels, got ${gray8.length}`);
  const out = new Uint8Array(SCANNER_IMAGE_BYTES);
  for (let i = 0; i < out.length; i++) {
    const hi = Math.min(15, Math.round(gray8[2 * i]! / 17));
    const lo = Math.min(15, Math.round(gray8[2 * i + 1]! / 17));
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** the packed 4-bit image to 8-bit grey (for the matcher or a PNG) */
export function unpackScannerImage(packed: Uint8Array): Uint8Array {
  if (packed.length !== SCANNER_IMAGE_BYTES) throw new RangeError(`expected ${SCANNER_IMAGE_BYTES} bytes, got ${packed.length}`);
  const out = new Uint8Array(SCANNER_WIDTH * SCANNER_HEIGHT);
  for (let i = 0; i < packed.length; i++) {
    out[2 * i] = (packed[i]! >> 4) * 17;
    out[2 * i + 1] = (packed[i]! & 15) * 17;
  }
  return out;
}

// ---- a small reader of uncompressed 8-bit grey TIFF ----

export class TiffError extends Error {
  constructor(readonly code: 'NOT_TIFF' | 'TRUNCATED' | 'UNSUPPORTED' | 'MALFORMED', message: string) {
    super(message);
    this.name = 'TiffError';
  }
}

export interface GrayImage {
  width: number;
  height: number;
  /** one byte a pixel, row-major, 0 = black */
  pixels: Uint8Array;
}

export type TiffResult = { ok: true; image: GrayImage } | { ok: false; error: TiffError };

/** Reads a baseline, uncompressed, 8-bit single-channel TIFF (strips). Never throws. */
export function readGrayTiff(bytes: Uint8Array): TiffResult {
  try {
    return { ok: true, image: readGrayTiffOrThrow(bytes) };
  } catch (err) {
    if (err instanceof TiffError) return { ok: false, error: err };
    return { ok: false, error: new TiffError('MALFORMED', String(err)) };
  }
}

function readGrayTiffOrThrow(b: Uint8Array): GrayImage {
  if (b.length < 8) throw new TiffError('TRUNCATED', 'shorter than a TIFF header');
  const little = b[0] === 0x49 && b[1] === 0x49;
  const big = b[0] === 0x4d && b[1] === 0x4d;
  if (!little && !big) throw new TiffError('NOT_TIFF', 'no II/MM byte-order mark');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => { if (o + 2 > b.length) throw new TiffError('TRUNCATED', `read past end at ${o}`); return dv.getUint16(o, little); };
  const u32 = (o: number) => { if (o + 4 > b.length) throw new TiffError('TRUNCATED', `read past end at ${o}`); return dv.getUint32(o, little); };
  if (u16(2) !== 42) throw new TiffError('NOT_TIFF', 'magic number is not 42');
  const ifd = u32(4);
  const n = u16(ifd);
  if (n === 0 || n > 500) throw new TiffError('MALFORMED', `IFD with ${n} entries`);
  const tags = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    const tag = u16(e), type = u16(e + 2), count = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : type === 1 ? 1 : 0;
    if (size === 0 || count === 0) continue; // rationals, ASCII and others are not needed here
    if (count > 100_000) throw new TiffError('MALFORMED', `tag ${tag} with ${count} values`);
    const inline = size * count <= 4;
    const base = inline ? e + 8 : u32(e + 8);
    const values: number[] = [];
    for (let j = 0; j < count; j++) {
      const o = base + j * size;
      values.push(size === 2 ? u16(o) : size === 4 ? u32(o) : (o < b.length ? b[o]! : (() => { throw new TiffError('TRUNCATED', 'tag value past end'); })()));
    }
    tags.set(tag, values);
  }
  const one = (tag: number, dflt?: number) => {
    const v = tags.get(tag)?.[0] ?? dflt;
    if (v === undefined) throw new TiffError('MALFORMED', `missing tag ${tag}`);
    return v;
  };
  const width = one(256), height = one(257);
  if (width < 1 || height < 1 || width * height > 16_000_000) throw new TiffError('MALFORMED', `size ${width}x${height}`);
  if (one(259, 1) !== 1) throw new TiffError('UNSUPPORTED', 'compressed TIFF');
  if (one(258, 1) !== 8) throw new TiffError('UNSUPPORTED', `bits per sample ${one(258, 1)}`);
  if (one(277, 1) !== 1) throw new TiffError('UNSUPPORTED', `samples per pixel ${one(277, 1)}`);
  const photometric = one(262, 1);
  if (photometric !== 0 && photometric !== 1) throw new TiffError('UNSUPPORTED', `photometric ${photometric}`);
  const offsets = tags.get(273);
  if (!offsets) throw new TiffError('MALFORMED', 'missing strip offsets');
  const counts = tags.get(279) ?? [];
  const rowsPerStrip = one(278, height);
  const pixels = new Uint8Array(width * height);
  let filled = 0;
  for (let s = 0; s < offsets.length && filled < pixels.length; s++) {
    const want = Math.min(rowsPerStrip * width, pixels.length - filled, counts[s] ?? Infinity);
    const off = offsets[s]!;
    if (off + want > b.length) throw new TiffError('TRUNCATED', `strip ${s} runs past the end of the file`);
    pixels.set(b.subarray(off, off + want), filled);
    filled += want;
  }
  if (filled < pixels.length) throw new TiffError('TRUNCATED', `pixel data ${filled} of ${pixels.length} bytes`);
  if (photometric === 0) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
  return { width, height, pixels };
}

// ---- dataset image -> scanner image ----

/** FVC2002 "B" subsets: resolution of each database's sensor (the files carry no resolution tag) */
export const FVC2002_DPI: Record<string, number> = { DB1_B: 500, DB2_B: 569, DB3_B: 500, DB4_B: 500 };

/** bilinear resampling by `scale` (output = input * scale) */
export function resampleGray(img: GrayImage, scale: number): GrayImage {
  if (Math.abs(scale - 1) < 1e-6) return img;
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(img.height - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(img.width - 1, x0 + 1), fx = sx - x0;
      const p = img.pixels;
      const top = p[y0 * img.width + x0]! * (1 - fx) + p[y0 * img.width + x1]! * fx;
      const bot = p[y1 * img.width + x0]! * (1 - fx) + p[y1 * img.width + x1]! * fx;
      out[y * w + x] = Math.round(top * (1 - fy) + bot * fy);
    }
  }
  return { width: w, height: h, pixels: out };
}

/**
 * Centre of the print's foreground: blocks whose grey levels vary (ridges alternate with valleys)
 * count, weighted by their variation; flat background (white or noise-free) does not.
 */
export function foregroundCentre(img: GrayImage, block = 16): { x: number; y: number } {
  const stats: { cx: number; cy: number; sd: number }[] = [];
  let maxSd = 0;
  for (let by = 0; by + block <= img.height; by += block) {
    for (let bx = 0; bx + block <= img.width; bx += block) {
      let sum = 0, sq = 0;
      for (let y = by; y < by + block; y++) {
        for (let x = bx; x < bx + block; x++) { const v = img.pixels[y * img.width + x]!; sum += v; sq += v * v; }
      }
      const n = block * block;
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sq / n - mean * mean));
      stats.push({ cx: bx + block / 2, cy: by + block / 2, sd });
      if (sd > maxSd) maxSd = sd;
    }
  }
  const threshold = Math.max(8, maxSd * 0.35);
  let wx = 0, wy = 0, wsum = 0;
  for (const s of stats) {
    if (s.sd < threshold) continue;
    wx += s.cx * s.sd; wy += s.cy * s.sd; wsum += s.sd;
  }
  if (wsum === 0) return { x: img.width / 2, y: img.height / 2 };
  return { x: wx / wsum, y: wy / wsum };
}

export type ScannerImageResult = { ok: true; image: Uint8Array; centre: { x: number; y: number } } | { ok: false; error: TiffError };

/**
 * A dataset TIFF as the scanner would deliver it: resampled to 500 dpi, the 256x288 window centred
 * on the print's foreground (white outside the source), packed 4 bits a pixel.
 */
export function tiffToScannerImage(tiff: Uint8Array, options: { sourceDpi?: number } = {}): ScannerImageResult {
  const read = readGrayTiff(tiff);
  if (!read.ok) return read;
  return { ok: true, ...grayToScannerImage(read.image, options.sourceDpi ?? 500) };
}

export function grayToScannerImage(source: GrayImage, sourceDpi: number): { image: Uint8Array; centre: { x: number; y: number } } {
  const img = resampleGray(source, SCANNER_DPI / sourceDpi);
  const c = foregroundCentre(img);
  const left = Math.round(c.x - SCANNER_WIDTH / 2);
  const top = Math.round(c.y - SCANNER_HEIGHT / 2);
  const win = new Uint8Array(SCANNER_WIDTH * SCANNER_HEIGHT).fill(255);
  for (let y = 0; y < SCANNER_HEIGHT; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= img.height) continue;
    for (let x = 0; x < SCANNER_WIDTH; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= img.width) continue;
      win[y * SCANNER_WIDTH + x] = img.pixels[sy * img.width + sx]!;
    }
  }
  return { image: packScannerImage(win), centre: c };
}
