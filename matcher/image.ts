import { PNG } from 'pngjs';
import { ImageFormatError } from './errors.ts';
import type { GrayImage } from './types.ts';

export interface DecodeImageOptions {
  /** resolution in pixels per inch; overrides what the file says (default: the file's, else 500) */
  dpi?: number;
  /** for raw grey bytes */
  width?: number;
  height?: number;
  /** force a format; 'raw' needs width and height */
  format?: 'raw' | 'tiff' | 'png' | 'bmp' | 'r30x';
}

const MAX_SIDE = 4096;
export const R30X_WIDTH = 256;
export const R30X_HEIGHT = 288;
export const R30X_BYTES = (R30X_WIDTH * R30X_HEIGHT) / 2;

function checkSize(w: number, h: number): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 16 || h < 16 || w > MAX_SIDE || h > MAX_SIDE) {
    throw new ImageFormatError(`image size ${w}x${h} is outside 16..${MAX_SIDE}`);
  }
}

function checkDpi(dpi: number): number {
  if (!Number.isFinite(dpi) || dpi < 100 || dpi > 2000) throw new ImageFormatError(`resolution ${dpi} dpi is outside 100..2000`);
  return dpi;
}

/**
 * Decodes an 8-bit grey TIFF (uncompressed), PNG, BMP, raw grey bytes (with width/height) or the
 * R30x scanner's 4-bit image. Throws ImageFormatError for anything it cannot read.
 */
export function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): GrayImage {
  let img: GrayImage;
  const fmt = opts.format ?? sniff(bytes, opts);
  switch (fmt) {
    case 'raw': img = decodeRaw(bytes, opts); break;
    case 'tiff': img = decodeTiff(bytes); break;
    case 'png': img = decodePng(bytes); break;
    case 'bmp': img = decodeBmp(bytes); break;
    case 'r30x': img = decodeR30xImage(bytes); break;
  }
  if (opts.dpi !== undefined) img.dpi = checkDpi(opts.dpi);
  return img;
}

function sniff(b: Uint8Array, opts: DecodeImageOptions): NonNullable<DecodeImageOptions['format']> {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 42))) return 'tiff';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (opts.width !== undefined && opts.height !== undefined) return 'raw';
  if (b.length === R30X_BYTES) return 'r30x';
  throw new ImageFormatError('unknown image format (expected TIFF, PNG, BMP, R30x, or raw with width and height)');
}

function decodeRaw(b: Uint8Array, opts: DecodeImageOptions): GrayImage {
  const { width, height } = opts;
  if (width === undefined || height === undefined) throw new ImageFormatError('raw image needs width and height');
  checkSize(width, height);
  if (b.length !== width * height) throw new ImageFormatError(`raw image has ${b.length} bytes, expected ${width * height} for ${width}x${height}`);
  return { width, height, dpi: 500, pixels: Uint8Array.from(b) };
}

/** The R30x/ZFM module's UpImage payload: 256x288, 4 bits a pixel, high nibble first; about 500 dpi. */
export function decodeR30xImage(b: Uint8Array): GrayImage {
  if (b.length !== R30X_BYTES) throw new ImageFormatError(`R30x image must be ${R30X_BYTES} bytes, got ${b.length}`);
  const pixels = new Uint8Array(R30X_WIDTH * R30X_HEIGHT);
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!;
    pixels[2 * i] = (v >> 4) * 17;
    pixels[2 * i + 1] = (v & 15) * 17;
  }
  return { width: R30X_WIDTH, height: R30X_HEIGHT, dpi: 500, pixels };
}

function decodeTiff(b: Uint8Array): GrayImage {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49;
  const u16 = (o: number): number => { if (o + 2 > b.length) throw new ImageFormatError('TIFF truncated'); return dv.getUint16(o, le); };
  const u32 = (o: number): number => { if (o + 4 > b.length) throw new ImageFormatError('TIFF truncated'); return dv.getUint32(o, le); };
  const ifd = u32(4);
  const n = u16(ifd);
  const tags = new Map<number, number[]>();
  const typeSize: Record<number, number> = { 1: 1, 3: 2, 4: 4, 5: 8 };
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e), type = u16(e + 2), count = u32(e + 4);
    const size = typeSize[type];
    if (size === undefined) continue;
    if (count > 1 << 20) throw new ImageFormatError('TIFF tag count too large');
    let off = e + 8;
    if (size * count > 4) off = u32(e + 8);
    const vals: number[] = [];
    for (let k = 0; k < count; k++) {
      if (type === 1) { if (off + k >= b.length) throw new ImageFormatError('TIFF truncated'); vals.push(b[off + k]!); }
      else if (type === 3) vals.push(u16(off + 2 * k));
      else if (type === 4) vals.push(u32(off + 4 * k));
      else { const den = u32(off + 8 * k + 4); vals.push(den === 0 ? 0 : u32(off + 8 * k) / den); }
    }
    tags.set(tag, vals);
  }
  const one = (t: number, def?: number): number => {
    const v = tags.get(t)?.[0] ?? def;
    if (v === undefined) throw new ImageFormatError(`TIFF lacks tag ${t}`);
    return v;
  };
  const width = one(256), height = one(257);
  checkSize(width, height);
  if (one(259, 1) !== 1) throw new ImageFormatError('TIFF is compressed; only uncompressed TIFF is supported');
  const bps = one(258, 1);
  const spp = one(277, 1);
  const photometric = one(262, 1);
  if (bps !== 8 || spp !== 1 || (photometric !== 0 && photometric !== 1)) throw new ImageFormatError('TIFF must be 8-bit grey');
  const offsets = tags.get(273);
  if (!offsets || offsets.length === 0) throw new ImageFormatError('TIFF lacks strip offsets');
  const counts = tags.get(279) ?? [width * height];
  const rowsPerStrip = one(278, height);
  const pixels = new Uint8Array(width * height);
  let row = 0;
  for (let s = 0; s < offsets.length && row < height; s++) {
    const rows = Math.min(rowsPerStrip, height - row);
    const need = rows * width;
    const off = offsets[s]!;
    if ((counts[s] ?? need) < need || off + need > b.length) throw new ImageFormatError('TIFF strip truncated');
    pixels.set(b.subarray(off, off + need), row * width);
    row += rows;
  }
  if (row < height) throw new ImageFormatError('TIFF strips do not cover the image');
  if (photometric === 0) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
  let dpi = 500;
  const xres = tags.get(282)?.[0];
  const unit = one(296, 2);
  if (xres !== undefined && xres > 0) {
    const d = unit === 3 ? xres * 2.54 : unit === 2 ? xres : 0;
    if (d >= 100 && d <= 2000) dpi = d;
  }
  return { width, height, dpi, pixels };
}

function decodePng(b: Uint8Array): GrayImage {
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    throw new ImageFormatError(`PNG unreadable: ${(e as Error).message}`);
  }
  checkSize(png.width, png.height);
  const pixels = new Uint8Array(png.width * png.height);
  const d = png.data;
  for (let i = 0; i < pixels.length; i++) {
    const r = d[4 * i]!, g = d[4 * i + 1]!, bl = d[4 * i + 2]!, a = d[4 * i + 3]!;
    const y = (r * 299 + g * 587 + bl * 114) / 1000;
    // transparent pixels become white (paper), as a scanner would show them
    pixels[i] = Math.round((y * a + 255 * (255 - a)) / 255);
  }
  let dpi = 500;
  const phys = findPngPhys(b);
  if (phys !== undefined && phys >= 100 && phys <= 2000) dpi = phys;
  return { width: png.width, height: png.height, dpi, pixels };
}

function findPngPhys(b: Uint8Array): number | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 8;
  while (o + 8 <= b.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);
    if (type === 'pHYs' && len >= 9 && o + 17 <= b.length) {
      if (b[o + 16] === 1) return dv.getUint32(o + 8) * 0.0254;
      return undefined;
    }
    if (type === 'IDAT' || type === 'IEND') return undefined;
    o += 12 + len;
  }
  return undefined;
}

function decodeBmp(b: Uint8Array): GrayImage {
  if (b.length < 54) throw new ImageFormatError('BMP truncated');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dataOff = dv.getUint32(10, true);
  const hdr = dv.getUint32(14, true);
  if (hdr < 40) throw new ImageFormatError('BMP header type not supported');
  const width = dv.getInt32(18, true);
  const rawH = dv.getInt32(22, true);
  const height = Math.abs(rawH);
  checkSize(width, height);
  const bpp = dv.getUint16(28, true);
  const comp = dv.getUint32(30, true);
  if (comp !== 0 && !(comp === 3 && bpp === 32)) throw new ImageFormatError('BMP is compressed; only uncompressed BMP is supported');
  if (bpp !== 8 && bpp !== 24 && bpp !== 32) throw new ImageFormatError(`BMP with ${bpp} bits a pixel is not supported`);
  const ppm = dv.getInt32(38, true);
  let palette: Uint8Array | undefined;
  if (bpp === 8) {
    const colours = dv.getUint32(46, true) || 256;
    const po = 14 + hdr;
    if (colours > 256 || po + colours * 4 > b.length) throw new ImageFormatError('BMP palette truncated');
    palette = new Uint8Array(256);
    for (let i = 0; i < colours; i++) {
      palette[i] = Math.round((b[po + 4 * i + 2]! * 299 + b[po + 4 * i + 1]! * 587 + b[po + 4 * i]! * 114) / 1000);
    }
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOff + stride * height > b.length) throw new ImageFormatError('BMP pixel data truncated');
  const pixels = new Uint8Array(width * height);
  const bottomUp = rawH > 0;
  for (let y = 0; y < height; y++) {
    const src = dataOff + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      let v: number;
      if (bpp === 8) v = palette![b[src + x]!]!;
      else {
        const p = src + x * (bpp / 8);
        v = Math.round((b[p + 2]! * 299 + b[p + 1]! * 587 + b[p]! * 114) / 1000);
      }
      pixels[y * width + x] = v;
    }
  }
  const dpi = ppm > 0 && ppm * 0.0254 >= 100 && ppm * 0.0254 <= 2000 ? ppm * 0.0254 : 500;
  return { width, height, dpi, pixels };
}

/** Encodes an 8-bit grey BMP (used by tests and tools). */
export function encodeBmp(img: GrayImage): Uint8Array {
  const stride = Math.ceil(img.width / 4) * 4;
  const dataOff = 14 + 40 + 1024;
  const out = new Uint8Array(dataOff + stride * img.height);
  const dv = new DataView(out.buffer);
  out[0] = 0x42; out[1] = 0x4d;
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, dataOff, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, img.width, true);
  dv.setInt32(22, img.height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 8, true);
  const ppm = Math.round(img.dpi / 0.0254);
  dv.setInt32(38, ppm, true);
  dv.setInt32(42, ppm, true);
  dv.setUint32(46, 256, true);
  for (let i = 0; i < 256; i++) { out[54 + 4 * i] = i; out[55 + 4 * i] = i; out[56 + 4 * i] = i; }
  for (let y = 0; y < img.height; y++) {
    out.set(img.pixels.subarray(y * img.width, (y + 1) * img.width), dataOff + (img.height - 1 - y) * stride);
  }
  return out;
}

/**
 * Resamples to the target resolution with a separable filter: Catmull-Rom when enlarging, a tent
 * as wide as the source step when shrinking (so every source pixel counts once and ridges do not
 * alias into a moire that the enhancement would take for structure).
 */
export function resampleTo(img: GrayImage, dpi = 500): GrayImage {
  const s = dpi / img.dpi;
  // the same object shape on both paths: the extractor reads what this returns, and an object of a
  // second shape there once made V8 drop its optimised code mid-run (a 200-350 ms extraction)
  if (Math.abs(s - 1) < 0.01) return { width: img.width, height: img.height, dpi, pixels: img.pixels };
  const sw = img.width, sh = img.height, src = img.pixels;
  const w = Math.max(1, Math.round(sw * s)), h = Math.max(1, Math.round(sh * s));
  // rows first, into floats; then columns, a whole output row at a time so that the reads run along rows
  const tmp = new Float32Array(w * sh);
  const { start: cs, idx: ci, w: cw } = filterTaps(sw, w, s);
  for (let y = 0; y < sh; y++) {
    const row = y * sw, orow = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = cs[x]!, end = cs[x + 1]!; k < end; k++) acc += cw[k]! * src[row + ci[k]!]!;
      tmp[orow + x] = acc;
    }
  }
  const { start: rs, idx: ri, w: rw } = filterTaps(sh, h, s);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const k0 = rs[y]!, n = rs[y + 1]! - k0, orow = y * w;
    // each output pixel sums its taps in tap order from 0, as one accumulator row did: the same
    // value, without a pass over that row per tap; the usual tap counts written out
    if (n === 2) {
      const w0 = rw[k0]!, w1 = rw[k0 + 1]!, f0 = ri[k0]! * w, f1 = ri[k0 + 1]! * w;
      for (let x = 0; x < w; x++) out[orow + x] = toByte(0 + w0 * tmp[f0 + x]! + w1 * tmp[f1 + x]!);
    } else if (n === 3) {
      const w0 = rw[k0]!, w1 = rw[k0 + 1]!, w2 = rw[k0 + 2]!, f0 = ri[k0]! * w, f1 = ri[k0 + 1]! * w, f2 = ri[k0 + 2]! * w;
      for (let x = 0; x < w; x++) out[orow + x] = toByte(0 + w0 * tmp[f0 + x]! + w1 * tmp[f1 + x]! + w2 * tmp[f2 + x]!);
    } else if (n === 4) {
      const w0 = rw[k0]!, w1 = rw[k0 + 1]!, w2 = rw[k0 + 2]!, w3 = rw[k0 + 3]!;
      const f0 = ri[k0]! * w, f1 = ri[k0 + 1]! * w, f2 = ri[k0 + 2]! * w, f3 = ri[k0 + 3]! * w;
      for (let x = 0; x < w; x++) out[orow + x] = toByte(0 + w0 * tmp[f0 + x]! + w1 * tmp[f1 + x]! + w2 * tmp[f2 + x]! + w3 * tmp[f3 + x]!);
    } else {
      for (let x = 0; x < w; x++) {
        let v = 0;
        for (let k = k0; k < k0 + n; k++) v += rw[k]! * tmp[ri[k]! * w + x]!;
        out[orow + x] = toByte(v);
      }
    }
  }
  return { width: w, height: h, dpi, pixels: out };
}

const toByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** One output sample's source indices and weights, for all outputs in flat arrays: output o uses entries start[o]..start[o+1]. */
interface Taps { start: Int32Array; idx: Int32Array; w: Float32Array }

function filterTaps(srcN: number, dstN: number, s: number): Taps {
  const shrink = s < 1;
  const radius = shrink ? 1 / s : 2;
  const start = new Int32Array(dstN + 1);
  const idx: number[] = [], wt: number[] = [];
  for (let o = 0; o < dstN; o++) {
    const c = (o + 0.5) / s - 0.5;
    const lo = Math.ceil(c - radius), hi = Math.floor(c + radius);
    const first = idx.length;
    let sum = 0;
    for (let i = lo; i <= hi; i++) {
      const t = Math.abs(i - c);
      let v: number;
      if (shrink) v = Math.max(0, 1 - t * s);
      else v = t < 1 ? 1.5 * t ** 3 - 2.5 * t ** 2 + 1 : t < 2 ? -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2 : 0;
      if (v === 0) continue;
      idx.push(Math.min(srcN - 1, Math.max(0, i)));
      wt.push(v);
      sum += v;
    }
    for (let k = first; k < wt.length; k++) wt[k] = wt[k]! / sum;
    start[o + 1] = idx.length;
  }
  return { start, idx: Int32Array.from(idx), w: Float32Array.from(wt) };
}
