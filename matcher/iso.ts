import type { DecodeResult } from './errors.ts';
import { FIELD_NONE, type Minutia, type MinutiaType, type OrientationField, type Template } from './types.ts';

/** ISO/IEC 19794-2 angle unit: 360/256 degrees. */
const ISO_ANGLE = (2 * Math.PI) / 256;
/** ANSI INCITS 378 angle unit: 2 degrees. */
const ANSI_ANGLE = Math.PI / 90;
const PPCM_500DPI = 197;
/**
 * Extended data block (vendor-defined type code, ISO/IEC 19794-2:2005 7.5) that carries our
 * orientation field: version 1, cell size (px at the record's resolution), columns, rows, then one
 * byte a cell (ridge direction mod π in π/128 units, 255 = not print). Readers that do not know
 * the code skip it, as the standard requires; our reader checks it as strictly as the rest.
 */
export const FIELD_BLOCK_TYPE = 0x4b54;
const FIELD_BLOCK_VERSION = 1;
const FIELD_BLOCK_HEADER = 4 + 4;

export interface TemplateDecodeOptions {
  /**
   * Resolution to assume instead of the record's own (some vendors write 197 ppcm whatever the
   * sensor). Coordinates are scaled from this resolution to 500 dpi.
   */
  dpi?: number;
}

export interface EncodeIsoOptions {
  fingerPosition?: number;
  /** capture equipment id, 0-4095 */
  equipmentId?: number;
}

/** Writes a single-view ISO/IEC 19794-2:2005 record at 500 dpi (197 ppcm). */
export function encodeIso19794(t: Template, opts: EncodeIsoOptions = {}): Uint8Array {
  const ms = t.minutiae.slice(0, 255);
  const f = writableField(t.field);
  const extLen = f ? FIELD_BLOCK_HEADER + f.dir.length : 0;
  const len = 24 + 4 + 6 * ms.length + 2 + extLen;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  out.set([0x46, 0x4d, 0x52, 0, 0x20, 0x32, 0x30, 0], 0);
  dv.setUint32(8, len);
  dv.setUint16(12, (opts.equipmentId ?? 0) & 0xfff);
  dv.setUint16(14, clamp(Math.round(t.width), 1, 0x3fff));
  dv.setUint16(16, clamp(Math.round(t.height), 1, 0x3fff));
  dv.setUint16(18, PPCM_500DPI);
  dv.setUint16(20, PPCM_500DPI);
  out[22] = 1;
  out[23] = 0;
  out[24] = clamp(opts.fingerPosition ?? 0, 0, 10);
  out[25] = 0; // view 0, live-scan plain impression
  out[26] = clamp(Math.round(t.quality), 0, 100);
  out[27] = ms.length;
  let o = 28;
  for (const m of ms) {
    const type = m.type === 1 ? 1 : m.type === 2 ? 2 : 0;
    dv.setUint16(o, (type << 14) | clamp(Math.round(m.x), 0, 0x3fff));
    dv.setUint16(o + 2, clamp(Math.round(m.y), 0, 0x3fff));
    out[o + 4] = ((Math.round(normAngle(m.angle) / ISO_ANGLE) % 256) + 256) % 256;
    out[o + 5] = clamp(Math.round(m.quality), 0, 100);
    o += 6;
  }
  dv.setUint16(o, extLen);
  if (f) {
    dv.setUint16(o + 2, FIELD_BLOCK_TYPE);
    dv.setUint16(o + 4, extLen);
    out.set([FIELD_BLOCK_VERSION, Math.round(f.cell), f.cols, f.rows], o + 6);
    out.set(f.dir, o + 10);
  }
  return out;
}

/**
 * The field if it fits the block's one-byte sizes (it always does for images under 4,000 px). Like
 * the minutiae, the cell is written in 500-dpi pixels under the 197 ppcm header, so a field read
 * back (cell scaled by 500 / 500.38) is written as it was.
 */
function writableField(f: OrientationField | undefined): OrientationField | undefined {
  if (!f) return undefined;
  const ok = Math.abs(f.cell - Math.round(f.cell)) < 0.05 * f.cell && Math.round(f.cell) > 0 && Math.round(f.cell) < 256 && f.cols > 0 && f.cols < 256 && f.rows > 0 && f.rows < 256
    && f.dir.length === f.cols * f.rows && FIELD_BLOCK_HEADER + f.dir.length <= 0xffff;
  return ok ? f : undefined;
}

/** Reads our orientation-field block; `scale` maps the record's pixels to 500 dpi. */
function readField(b: Uint8Array, at: number, len: number, scale: number): OrientationField | string {
  if (len < FIELD_BLOCK_HEADER) return `orientation field block is ${len} bytes, shorter than its ${FIELD_BLOCK_HEADER}-byte header`;
  const version = b[at + 4]!, cell = b[at + 5]!, cols = b[at + 6]!, rows = b[at + 7]!;
  if (version !== FIELD_BLOCK_VERSION) return `orientation field block version ${version} is not supported (expected ${FIELD_BLOCK_VERSION})`;
  if (cell === 0 || cols === 0 || rows === 0) return `orientation field block has an empty grid (cell ${cell}, ${cols}x${rows})`;
  if (len !== FIELD_BLOCK_HEADER + cols * rows) return `orientation field block is ${len} bytes, but a ${cols}x${rows} grid needs ${FIELD_BLOCK_HEADER + cols * rows}`;
  const dir = b.slice(at + FIELD_BLOCK_HEADER, at + len);
  for (let i = 0; i < dir.length; i++) {
    if (dir[i]! >= 128 && dir[i] !== FIELD_NONE) return `orientation field cell ${i} has direction ${dir[i]} (0-127, or 255 for none)`;
  }
  return { cell: cell * scale, cols, rows, dir };
}

/** Reads an ISO/IEC 19794-2:2005 record (first finger view). Refuses malformed records; never throws. */
export function decodeIso19794(bytes: Uint8Array, opts: TemplateDecodeOptions = {}): DecodeResult<Template> {
  try {
    return parse(bytes, 'iso', opts);
  } catch (e) {
    return { ok: false, error: `ISO 19794-2: unexpected error: ${(e as Error).message}` };
  }
}

/** Reads an ANSI INCITS 378-2004 record (first finger view). Refuses malformed records; never throws. */
export function decodeAnsi378(bytes: Uint8Array, opts: TemplateDecodeOptions = {}): DecodeResult<Template> {
  try {
    return parse(bytes, 'ansi', opts);
  } catch (e) {
    return { ok: false, error: `ANSI 378: unexpected error: ${(e as Error).message}` };
  }
}

class RecordError extends Error {}

function parse(b: Uint8Array, kind: 'iso' | 'ansi', opts: TemplateDecodeOptions): DecodeResult<Template> {
  const label = kind === 'iso' ? 'ISO 19794-2' : 'ANSI 378';
  const fail = (msg: string): DecodeResult<Template> => ({ ok: false, error: `${label}: ${msg}` });
  if (!(b instanceof Uint8Array)) return fail('input is not bytes');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const minHeader = kind === 'iso' ? 24 : 26;
  if (b.length < minHeader) return fail(`record is ${b.length} bytes, shorter than the ${minHeader}-byte header`);
  if (b[0] !== 0x46 || b[1] !== 0x4d || b[2] !== 0x52 || b[3] !== 0) return fail('missing "FMR\\0" format identifier');
  if (b[4] !== 0x20 || b[5] !== 0x32 || b[6] !== 0x30 || b[7] !== 0) return fail('unsupported version (expected " 20")');
  let o: number;
  let declared: number;
  if (kind === 'iso') {
    declared = dv.getUint32(8);
    o = 12;
  } else {
    declared = dv.getUint16(8);
    o = 10;
    if (declared === 0) {
      if (b.length < 30) return fail('record truncated in the extended length field');
      declared = dv.getUint32(10);
      o = 14;
    }
    o += 4; // CBEFF product identifier
  }
  if (declared > b.length) return fail(`record truncated: header says ${declared} bytes, got ${b.length}`);
  if (declared < b.length) return fail(`record length ${declared} does not match the ${b.length} bytes given`);
  const need = (n: number, what: string): void => {
    if (o + n > b.length) throw new RecordError(`record truncated in ${what} (needs ${o + n} bytes, has ${b.length})`);
  };
  try {
    need(12, 'the header');
    o += 2; // capture equipment
    const width = dv.getUint16(o), height = dv.getUint16(o + 2);
    const xres = dv.getUint16(o + 4), yres = dv.getUint16(o + 6);
    const views = b[o + 8]!;
    o += 10;
    if (width === 0 || height === 0) return fail(`image size ${width}x${height} is invalid`);
    if (xres === 0 || yres === 0) return fail('resolution is zero');
    if (views === 0) return fail('record holds no finger view');
    const srcDpi = opts.dpi ?? xres * 2.54;
    const scale = 500 / srcDpi;
    const yscale = opts.dpi !== undefined ? scale : 500 / (yres * 2.54);
    let first: Template | undefined;
    for (let v = 0; v < views; v++) {
      need(4, `finger view ${v + 1} header`);
      const pos = b[o]!;
      const impression = b[o + 1]! & 15;
      const quality = b[o + 2]!;
      const count = b[o + 3]!;
      o += 4;
      if (pos > 15) return fail(`finger position ${pos} is invalid`);
      if (impression > 9) return fail(`impression type ${impression} is invalid`);
      if (quality > 100) return fail(`finger quality ${quality} is over 100`);
      need(6 * count, `the ${count} minutiae of view ${v + 1}`);
      const minutiae: Minutia[] = [];
      for (let i = 0; i < count; i++) {
        const xf = dv.getUint16(o), yf = dv.getUint16(o + 2);
        const type = xf >> 14;
        if (type === 3) return fail(`minutia ${i + 1} has reserved type 11`);
        const x = xf & 0x3fff, y = yf & 0x3fff;
        const a = b[o + 4]!;
        const q = b[o + 5]!;
        if (kind === 'ansi' && a > 179) return fail(`minutia ${i + 1} angle ${a} is over 179`);
        if (q > 100) return fail(`minutia ${i + 1} quality ${q} is over 100`);
        minutiae.push({
          x: x * scale,
          y: y * yscale,
          angle: normAngle(a * (kind === 'iso' ? ISO_ANGLE : ANSI_ANGLE)),
          type: type as MinutiaType,
          quality: q,
        });
        o += 6;
      }
      need(2, `the extended data length of view ${v + 1}`);
      const ext = dv.getUint16(o);
      o += 2;
      need(ext, `the extended data of view ${v + 1}`);
      // Extended data is a sequence of (type 2, length 2, data) blocks; length includes its 4 header bytes.
      let e = o;
      const end = o + ext;
      let field: OrientationField | undefined;
      while (e < end) {
        if (e + 4 > end) return fail(`extended data block header of view ${v + 1} is truncated`);
        const btype = dv.getUint16(e), blen = dv.getUint16(e + 2);
        if (blen < 4 || e + blen > end) return fail(`extended data block of view ${v + 1} has bad length ${blen}`);
        if (kind === 'iso' && btype === FIELD_BLOCK_TYPE) {
          const f = readField(b, e, blen, scale);
          if (typeof f === 'string') return fail(`view ${v + 1}: ${f}`);
          // a field stretched unevenly cannot be kept in square cells; matching then uses minutiae only
          if (Math.abs(scale - yscale) < 1e-6) field = f;
        }
        e += blen;
      }
      o = end;
      first ??= {
        width: Math.round(width * scale),
        height: Math.round(height * yscale),
        resolution: 500,
        quality,
        minutiae,
        ...(field ? { field } : {}),
      };
    }
    if (o !== b.length) return fail(`${b.length - o} bytes left after the last finger view`);
    return { ok: true, template: first! };
  } catch (e) {
    if (e instanceof RecordError) return fail(e.message);
    throw e;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function normAngle(a: number): number {
  const t = 2 * Math.PI;
  a %= t;
  return a < 0 ? a + t : a;
}
