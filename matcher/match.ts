import { FIELD_NONE, type Template } from './types.ts';
import { F32, F64, I16, I32, U16, U8, arenaAlloc, arenaGen, arenaReset, kernelCompare, kernelDetail, kernelConstants } from './kernel-host.ts';

/**
 * Matching works on a compact, prepared form: minutiae in typed arrays plus, for each minutia, its
 * K nearest neighbours as rotation/translation-invariant edges (length, angle of the edge seen from
 * the minutia, relative direction of the neighbour). A probe additionally gets a hash of its edges so
 * that a candidate's edges find similar probe edges in O(1); each hit votes for a root pair of
 * minutiae. The best roots are then grown into a pairing by walking both neighbour graphs together
 * (local, so skin distortion does not break it). Each pairing aligns the prints; under that
 * alignment every minutia is paired by position and direction, and the score combines the agreeing
 * edges, the global pairs and the minutiae both prints show in their overlap.
 *
 * This module prepares templates (in TypeScript); the comparison itself runs in the WebAssembly
 * kernel (kernel/compare.ts, where the tolerances and score parameters live), on copies of the
 * prepared arrays that kernel-host.ts keeps resident in the kernel's memory.
 */
export const K = 10; // neighbours per minutia
/** neighbours whose edges vote for root pairs (the nearest are the least distorted) */
const KV = 6;
const MAX_EDGE = 160; // px at 500 dpi
const TWO_PI = 2 * Math.PI;

// hash quantisation: a probe edge is stored under its own bin and neighbouring ones (placeHash), so
// that a candidate edge finds the similar ones in its own bin; the tolerance is about one bin
const DQ = 6;
const AQ = 0.3;
const NA = Math.ceil(TWO_PI / AQ);
const ND = Math.ceil(MAX_EDGE / DQ) + 2;

export interface CompactTemplate {
  n: number;
  x: Float32Array;
  y: Float32Array;
  a: Float32Array;
  t: Uint8Array;
  q: Uint8Array;
  /**
   * weight of each minutia in the overlap counts: an unpaired minutia of low quality is more likely
   * spurious and counts less against the match; quality 0 (not reported) counts 1
   */
  w: Float32Array;
  /**
   * orientation field (see OrientationField): cell size (px), grid, and per cell the direction in
   * π/128 units or FIELD_NONE; one byte a cell keeps a large gallery small. fcount: cells with a
   * direction (0: no field).
   */
  fcell: number;
  fcols: number;
  frows: number;
  fdir: Uint8Array;
  fcount: number;
  /** each field row's first and last column with a direction (first > last: none) */
  fspans: Int32Array;
  /** n*K neighbour index or -1; each minutia's neighbours are sorted by distance */
  nb: Int16Array;
  ed: Float32Array;
  ea: Float32Array;
  eb: Float32Array;
  /**
   * the voting edges (the KV nearest, shorter than the hash reaches) as VOTE_RECORD-byte records in
   * hash-key order: u16 key, u8 minutia, u8 neighbour, f32 length, angle, direction (little-endian).
   * The kernel's vote walks them front to back as the candidate: one stream, where reading each
   * edge's key and attributes from four arrays cost a cache line apiece; and in key order it reads
   * the probe's hash front to back.
   */
  vote: Uint8Array;
  /** convex hull of the minutiae, x,y pairs, counter-clockwise in pixel coordinates */
  hull: Float32Array;
  /** origin of the two grids below (pixels) */
  ox: number;
  oy: number;
  /**
   * the hull widened by OV_MARGIN, rasterised in MASK_CELL cells (mw x mh): where this print was
   * seen. The region is convex, so each row is one run of cells, kept as its first and last
   * column (first > last for an empty row): a few hundred bytes where a cell mask took kilobytes,
   * which is what the overlap counts read for every minutia and what was missing from the cache.
   */
  mw: number;
  mh: number;
  spans: Int32Array;
  /** minutiae bucketed in BUCKET cells (bw x bh), for pairing minutiae by position */
  bw: number;
  bh: number;
  /**
   * for each bucket, the minutiae of the 3 x 3 buckets around it, row by row, as one list (the
   * grid gets a ring of empty buckets, (bw+2) x (bh+2), so that a position just outside it has a
   * list too): nstart[cell]..nstart[cell+1] index nidx. Pairing by position reads one list where it
   * read up to four buckets, and visits the minutiae within reach in the same order
   */
  nstart: Uint16Array;
  nidx: Uint8Array;
  /** content signature: orders two templates so that compare(a, b) and compare(b, a) agree exactly */
  sig: number;
  /**
   * where this template is resident in the kernel's arena (see kernel-host.ts): its header, and as
   * a probe its edge hash (bucket starts, NKEYS+1 Uint16, and entries, edge ids i*K+k), each valid
   * while its generation is the arena's
   */
  home: number;
  homeGen: number;
  hashStart: number;
  hashEntries: number;
  hashGen: number;
}

/** A compact template whose edge hash is built (compactTemplate builds it lazily when first probed). */
export type PreparedProbe = CompactTemplate;

const NKEYS = ND * NA * NA;

/**
 * The hash key of an edge's own bin (length, edge angle, relative direction; angles in [0, 2π)), or
 * -1 for an edge too long to vote. A candidate's voting edge looks up this key in the probe's hash.
 */
export function edgeKey(d: number, ea: number, eb: number): number {
  const db = Math.floor(d / DQ);
  return db >= ND ? -1 : (db * NA + (Math.floor(ea / AQ) % NA)) * NA + (Math.floor(eb / AQ) % NA);
}
/** the hash's bins: length (px) and angle (rad), and its number of keys */
export const EDGE_LENGTH_BIN = DQ, EDGE_ANGLE_BIN = AQ, EDGE_KEYS = NKEYS;
/** bytes of one record of CompactTemplate.vote (the kernel's H_VOTE) */
const VOTE_RECORD = 16;
const EMPTY_U8 = new Uint8Array(0);
/** how far outside the minutiae hull still counts as seen (px), and the cell of its raster */
const OV_MARGIN = 12, MASK_CELL = 6;
/** cell of the position buckets; also the largest tolerance of pairing by position */
const BUCKET = 24;

function norm(a: number): number {
  a %= TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}

export function compactTemplate(t: Template): CompactTemplate {
  if (!fingerSized(t)) return compactTemplate({ ...t, minutiae: [], field: undefined });
  // tiny templates cannot be matched meaningfully; the arrays stay valid anyway
  const ms = t.minutiae;
  const n = Math.min(ms.length, 127);
  const x = new Float32Array(n), y = new Float32Array(n), a = new Float32Array(n);
  const ty = new Uint8Array(n), q = new Uint8Array(n), wq = new Float32Array(n);
  let sig = 0;
  for (let i = 0; i < n; i++) {
    const m = ms[i]!;
    x[i] = m.x; y[i] = m.y; a[i] = norm(m.angle); ty[i] = m.type; q[i] = m.quality;
    wq[i] = q[i] ? 0.4 + q[i]! / 100 : 1;
    sig = (Math.imul(sig, 31) + Math.imul(Math.round(m.x * 8), 7919) + Math.imul(Math.round(m.y * 8), 104729) + Math.round(a[i]! * 1000)) | 0;
  }
  const nb = new Int16Array(n * K).fill(-1);
  const ed = new Float32Array(n * K), ea = new Float32Array(n * K), eb = new Float32Array(n * K);
  // K nearest neighbours within MAX_EDGE by insertion into a short sorted list
  const kd = new Float32Array(K), kj = new Int16Array(K);
  for (let i = 0; i < n; i++) {
    let cnt = 0;
    const xi = x[i]!, yi = y[i]!;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = x[j]! - xi, dy = y[j]! - yi;
      const d2 = dx * dx + dy * dy;
      if (d2 > MAX_EDGE * MAX_EDGE) continue;
      if (cnt === K && d2 >= kd[K - 1]!) continue;
      let k = cnt < K ? cnt++ : K - 1;
      while (k > 0 && kd[k - 1]! > d2) { kd[k] = kd[k - 1]!; kj[k] = kj[k - 1]!; k--; }
      kd[k] = d2; kj[k] = j;
    }
    for (let k = 0; k < cnt; k++) {
      const j = kj[k]!;
      const e = i * K + k;
      nb[e] = j;
      ed[e] = Math.sqrt(kd[k]!);
      ea[e] = norm(Math.atan2(-(y[j]! - yi), x[j]! - xi) - a[i]!);
      eb[e] = norm(a[j]! - a[i]!);
    }
  }
  const order = new Int32Array(n * K);
  let ns = 0;
  for (let e = 0; e < n * K; e++) {
    if (nb[e]! < 0 || e % K >= KV) continue;
    const key = edgeKey(ed[e]!, ea[e]!, eb[e]!);
    if (key < 0) continue;
    order[ns++] = key * 2048 + e;
  }
  const so = order.subarray(0, ns).sort();
  const vote = new Uint8Array(ns * VOTE_RECORD), vv = new DataView(vote.buffer);
  for (let s = 0; s < ns; s++) {
    const e = so[s]! & 2047, r = s * VOTE_RECORD;
    vv.setUint16(r, so[s]! >> 11, true);
    vv.setUint8(r + 2, (e / K) | 0);
    vv.setUint8(r + 3, nb[e]!);
    vv.setFloat32(r + 4, ed[e]!, true);
    vv.setFloat32(r + 8, ea[e]!, true);
    vv.setFloat32(r + 12, eb[e]!, true);
  }
  const hull = convexHull(x, y);
  // grids start one margin before the minutiae
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) { minX = Math.min(minX, x[i]!); maxX = Math.max(maxX, x[i]!); minY = Math.min(minY, y[i]!); maxY = Math.max(maxY, y[i]!); }
  if (!n) { minX = minY = maxX = maxY = 0; }
  const ox = minX - OV_MARGIN - MASK_CELL, oy = minY - OV_MARGIN - MASK_CELL;
  const mw = Math.ceil((maxX - ox + OV_MARGIN + MASK_CELL) / MASK_CELL) + 1, mh = Math.ceil((maxY - oy + OV_MARGIN + MASK_CELL) / MASK_CELL) + 1;
  const spans = rasterHull(hull, ox, oy, mw, mh);
  const bw = Math.ceil((maxX - ox + 1) / BUCKET) + 1, bh = Math.ceil((maxY - oy + 1) / BUCKET) + 1;
  const bstart = new Uint16Array(bw * bh + 1), bidx = new Uint8Array(n);
  for (let i = 0; i < n; i++) bstart[(((y[i]! - oy) / BUCKET) | 0) * bw + (((x[i]! - ox) / BUCKET) | 0) + 1]!++;
  for (let k = 0; k < bw * bh; k++) bstart[k + 1]! += bstart[k]!;
  const bfill = bstart.slice(0, bw * bh);
  for (let i = 0; i < n; i++) bidx[bfill[(((y[i]! - oy) / BUCKET) | 0) * bw + (((x[i]! - ox) / BUCKET) | 0)]!++] = i;
  const { nstart, nidx } = neighbourhoods(bw, bh, bstart, bidx);
  const f = t.field;
  let fcell = 0, fcols = 0, frows = 0, fdir = EMPTY_U8, fcount = 0;
  if (f && f.cell > 0 && f.cols > 0 && f.rows > 0 && f.dir.length === f.cols * f.rows) {
    fcell = f.cell; fcols = f.cols; frows = f.rows;
    // a copy: the template's array may be a view into a larger buffer, and a value outside the
    // format's range (a hand-built template) means no direction
    fdir = new Uint8Array(f.dir.length);
    for (let i = 0; i < f.dir.length; i++) {
      const d = f.dir[i]!;
      if (d < 128) { fdir[i] = d; fcount++; } else fdir[i] = FIELD_NONE;
    }
    if (!fcount) { fcell = fcols = frows = 0; fdir = EMPTY_U8; }
  }
  const fspans = new Int32Array(2 * frows);
  for (let r = 0; r < frows; r++) {
    let first = fcols, last = -1;
    for (let col = 0; col < fcols; col++) if (fdir[r * fcols + col] !== FIELD_NONE) { if (first === fcols) first = col; last = col; }
    fspans[2 * r] = first; fspans[2 * r + 1] = last;
  }
  return {
    n, x, y, a, t: ty, q, w: wq, fcell, fcols, frows, fdir, fcount, fspans, nb, ed, ea, eb, vote, hull, ox, oy, mw, mh, spans, bw, bh, nstart, nidx,
    sig, home: 0, homeGen: 0, hashStart: 0, hashEntries: 0, hashGen: 0,
  };
}

/** The 3 x 3 neighbourhood lists of a bucket grid (CompactTemplate.nstart and nidx). */
function neighbourhoods(bw: number, bh: number, bstart: Uint16Array, bidx: Uint8Array): { nstart: Uint16Array; nidx: Uint8Array } {
  const nw = bw + 2, nh = bh + 2;
  const nstart = new Uint16Array(nw * nh + 1);
  let nidx = new Uint8Array(0);
  // pass 0 counts, pass 1 fills; cell (cx, cy) is bucket (cx - 1, cy - 1), its sources the buckets
  // (cx - 2 .. cx, cy - 2 .. cy) that exist
  for (let pass = 0; pass < 2; pass++) {
    let m = 0;
    for (let cy = 0; cy < nh; cy++) for (let cx = 0; cx < nw; cx++) {
      nstart[cy * nw + cx] = m;
      for (let sy = Math.max(0, cy - 2); sy <= Math.min(bh - 1, cy); sy++) {
        for (let sx = Math.max(0, cx - 2); sx <= Math.min(bw - 1, cx); sx++) {
          for (let h = bstart[sy * bw + sx]!, end = bstart[sy * bw + sx + 1]!; h < end; h++) {
            if (pass) nidx[m] = bidx[h]!;
            m++;
          }
        }
      }
    }
    nstart[nw * nh] = m;
    if (!pass) nidx = new Uint8Array(m);
  }
  return { nstart, nidx };
}

/**
 * A finger at 500 dpi spans well under 1,000 px. Minutiae spread wider than MAX_SPREAD, or at
 * coordinates that are not numbers, cannot be one finger: a record read at an absurd resolution (an
 * ISO record may declare 1 ppcm, which puts its minutiae kilometres apart) or a hand-built template.
 * Such a template is compared as one without minutiae, so it matches nothing; its grids (which grow
 * with the spread squared) are never allocated.
 */
const MAX_SPREAD = 5000;

function fingerSized(t: Template): boolean {
  const ms = t.minutiae;
  const n = Math.min(ms.length, 127);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const { x, y } = ms[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  return n === 0 || (maxX - minX <= MAX_SPREAD && maxY - minY <= MAX_SPREAD);
}

function convexHull(x: Float32Array, y: Float32Array): Float32Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const cross = (o: number, a: number, b: number): number => (x[a]! - x[o]!) * (y[b]! - y[o]!) - (y[a]! - y[o]!) * (x[b]! - x[o]!);
  const lower: number[] = [], upper: number[] = [];
  for (const i of idx) { while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, i) <= 0) lower.pop(); lower.push(i); }
  for (let k = idx.length - 1; k >= 0; k--) { const i = idx[k]!; while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, i) <= 0) upper.pop(); upper.push(i); }
  const h = lower.slice(0, -1).concat(upper.slice(0, -1));
  const out = new Float32Array(h.length * 2);
  h.forEach((i, k) => { out[2 * k] = x[i]!; out[2 * k + 1] = y[i]!; });
  return out;
}

/**
 * Cells (centres) of the hull widened by OV_MARGIN: the points no further than the margin outside
 * any hull edge's line, a convex set, so each row is one interval found edge by edge.
 */
function rasterHull(h: Float32Array, ox: number, oy: number, mw: number, mh: number): Int32Array {
  const spans = new Int32Array(2 * mh);
  const m = h.length >> 1;
  for (let cy = 0; cy < mh; cy++) {
    spans[2 * cy] = 0; spans[2 * cy + 1] = m < 3 ? mw - 1 : -1;
  }
  if (m < 3) return spans;
  for (let cy = 0; cy < mh; cy++) {
    const py = oy + (cy + 0.5) * MASK_CELL;
    let lo = -Infinity, hi = Infinity;
    for (let k = 0; k < m && lo <= hi; k++) {
      const ax = h[2 * k]!, ay = h[2 * k + 1]!;
      const ex = h[(2 * k + 2) % (2 * m)]! - ax, ey = h[(2 * k + 3) % (2 * m)]! - ay;
      const len = Math.sqrt(ex * ex + ey * ey) || 1;
      // inside or near this edge: ex (py - ay) - ey (px - ax) >= -margin len, solved for px
      const r = ex * (py - ay) + ey * ax + OV_MARGIN * len;
      if (ey > 0) hi = Math.min(hi, r / ey);
      else if (ey < 0) lo = Math.max(lo, r / ey);
      else if (r < 0) hi = -Infinity;
    }
    if (lo > hi) continue;
    const c0 = Math.max(0, Math.ceil((lo - ox) / MASK_CELL - 0.5)), c1 = Math.min(mw - 1, Math.floor((hi - ox) / MASK_CELL - 0.5));
    if (c0 <= c1) { spans[2 * cy] = c0; spans[2 * cy + 1] = c1; }
  }
  return spans;
}

// the kernel reads the same grids and neighbour lists: its constants must be these
{
  const k = kernelConstants();
  if (k.K !== K || k.MASK_CELL !== MASK_CELL || k.BUCKET !== BUCKET) throw new Error('matcher kernel: compare.wasm was built with other constants than match.ts (npm run build:matcher)');
}

/** the template header the kernel reads (kernel/compare.ts, H_*): 26 int32 fields, then ox, oy and the field's cell as doubles */
const HEADER_BYTES = 128;
const al8 = (n: number): number => (n + 7) & ~7;

/** Copies a compact template into the arena; false when the arena is full. */
function placeData(c: CompactTemplate): boolean {
  const n = c.n, ne = n * K, nv = c.vote.length, nsp = c.spans.length, nns = c.nstart.length, nf = c.fdir.length, nfs = c.fspans.length;
  const size = HEADER_BYTES + 4 * al8(4 * n) + 2 * al8(n) + al8(2 * ne) + 3 * al8(4 * ne) + al8(nv) + al8(4 * nsp) + al8(2 * nns) + al8(c.nidx.length) + al8(nf) + al8(4 * nfs);
  const h = arenaAlloc(size);
  if (h < 0) return false;
  let o = h + HEADER_BYTES;
  const put = (field: number, bytes: number): number => { const at = o; I32[(h >> 2) + field] = at; o += al8(bytes); return at; };
  const hd = h >> 2;
  I32[hd] = n;
  F32.set(c.x, put(1, 4 * n) >> 2);
  F32.set(c.y, put(2, 4 * n) >> 2);
  F32.set(c.a, put(3, 4 * n) >> 2);
  U8.set(c.t, put(4, n));
  F32.set(c.w, put(5, 4 * n) >> 2);
  I16.set(c.nb, put(6, 2 * ne) >> 1);
  F32.set(c.ed, put(7, 4 * ne) >> 2);
  F32.set(c.ea, put(8, 4 * ne) >> 2);
  F32.set(c.eb, put(9, 4 * ne) >> 2);
  U8.set(c.vote, put(20, nv));
  I32[hd + 12] = nv / VOTE_RECORD;
  I32[hd + 13] = c.mw; I32[hd + 14] = c.mh;
  I32.set(c.spans, put(15, 4 * nsp) >> 2);
  I32[hd + 16] = c.bw; I32[hd + 17] = c.bh;
  U16.set(c.nstart, put(18, 2 * nns) >> 1);
  U8.set(c.nidx, put(19, c.nidx.length));
  I32[hd + 21] = c.fcols; I32[hd + 22] = c.frows;
  U8.set(c.fdir, put(23, nf));
  I32[hd + 24] = c.fcount;
  I32.set(c.fspans, put(25, 4 * nfs) >> 2);
  F64[(h >> 3) + 13] = c.ox; F64[(h >> 3) + 14] = c.oy; F64[(h >> 3) + 15] = c.fcell;
  c.home = h; c.homeGen = arenaGen;
  return true;
}

/** the counting pass of buildHash (one per thread, reused) */
const hashCounts = new Uint16Array(NKEYS + 1);

/**
 * Builds the probe-side edge hash of a compact template in the arena; false when the arena is
 * full. Each edge is stored under its own bin and both neighbours in length and edge angle, and
 * under its own and the nearer neighbour in relative direction, so that a candidate's edge finds the
 * similar ones by looking up its own bin only.
 *
 * The nearer neighbour only (18 copies of an edge instead of 27): a candidate edge then meets the
 * probe edges within half a bin of its relative direction always, and those up to a bin away only on
 * the side its own bin reaches; it visits a third fewer entries and the comparison runs about a
 * tenth faster, and EER, FMR1000 and the robustness conditions were the same or better
 * (matcher/README.md, "Speed in 2026-12-03's fourth session"). The same cut in length or edge
 * angle lost genuine pairs.
 */
function placeHash(c: CompactTemplate): boolean {
  const counts = hashCounts.fill(0);
  const ne = c.n * K, nb = c.nb, ed = c.ed, ea = c.ea, eb = c.eb;
  let top = 0, base = 0;
  // pass 0 counts the entries of each key, pass 1 stores them (the bucket starts advance in place:
  // they are in the arena by then)
  for (let pass = 0; pass < 2; pass++) {
    for (let e = 0; e < ne; e++) {
      if (nb[e]! < 0 || e % K >= KV) continue;
      const db = Math.floor(ed[e]! / DQ), ab = Math.floor(ea[e]! / AQ) % NA, bb = Math.floor(eb[e]! / AQ) % NA;
      // the relative direction's nearer neighbouring bin: below in the lower half of its own bin
      const bNear = eb[e]! / AQ - Math.floor(eb[e]! / AQ) < 0.5 ? -1 : 1;
      const b0 = Math.min(0, bNear), b1 = Math.max(0, bNear);
      for (let d = db - 1; d <= db + 1; d++) {
        if (d < 0 || d >= ND) continue;
        for (let da = -1; da <= 1; da++) {
          const kda = (d * NA + (ab + da + NA) % NA) * NA;
          for (let dbb = b0; dbb <= b1; dbb++) {
            const key = kda + (bb + dbb + NA) % NA;
            if (pass) U16[base + counts[key]!++] = e;
            else { counts[key + 1]!++; if (key >= top) top = key + 1; }
          }
        }
      }
    }
    if (pass) break;
    // short edges fill only the low keys: sum up to the highest used one, the rest is the total
    for (let i = 0; i < top; i++) counts[i + 1]! += counts[i]!;
    counts.fill(counts[top]!, top + 1);
    const hs = arenaAlloc(2 * (NKEYS + 1));
    const he = hs < 0 ? -1 : arenaAlloc(2 * counts[NKEYS]!);
    if (he < 0) return false;
    U16.set(counts, hs >> 1);
    c.hashStart = hs; c.hashEntries = he;
    base = he >> 1;
  }
  c.hashGen = arenaGen;
  return true;
}

/**
 * Makes the probe (with its hash) and the candidate resident in the same arena generation; false
 * when they do not fit even an empty arena. compactTemplate bounds the minutiae's spread, so only
 * a hand-built template can do that (an orientation field of tens of megabytes): it matches nothing.
 */
function resident(p: CompactTemplate, c: CompactTemplate): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((p.homeGen === arenaGen || placeData(p)) && (p.hashGen === arenaGen || placeHash(p)) && (c.homeGen === arenaGen || placeData(c))) return true;
    arenaReset();
  }
  return false;
}

/** Builds a probe's edge hash up front (compareCompact builds it otherwise when first needed). */
export function prepareProbe(t: Template | CompactTemplate): PreparedProbe {
  const c = 'minutiae' in t ? compactTemplate(t) : t;
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((c.homeGen === arenaGen || placeData(c)) && (c.hashGen === arenaGen || placeHash(c))) return c;
    arenaReset();
  }
  return c; // too large for the arena: every comparison of it scores 0 (see resident)
}

export interface MatchDetail {
  score: number;
  /** size of the best local pairing and its agreeing edges (weighted by type agreement) */
  pairs: number;
  support: number;
  /** minutiae paired by position under the pairing's alignment */
  globalPairs: number;
  /** overlap counts (quality-weighted) of the probe and the candidate */
  inP: number;
  inC: number;
  /** cells of the two orientation fields that overlap under the alignment, and their mean agreement cos 2Δ */
  fieldCells: number;
  fieldAgree: number;
}

/** Similarity of a probe and a candidate (one direction). Higher is more similar; ~0 for unrelated prints. */
export function compareCompact(p: PreparedProbe, c: CompactTemplate, detail?: MatchDetail): number {
  if (!resident(p, c)) {
    if (detail) Object.assign(detail, { score: 0, pairs: 0, support: 0, globalPairs: 0, inP: p.n, inC: c.n, fieldCells: 0, fieldAgree: 0 });
    return 0;
  }
  const s = kernelCompare(p.home, c.home, p.hashStart, p.hashEntries);
  if (detail) {
    const [score, pairs, support, globalPairs, inP, inC, fieldCells, fieldAgree] = kernelDetail();
    Object.assign(detail, { score, pairs, support, globalPairs, inP, inC, fieldCells, fieldAgree });
  }
  return s;
}

/**
 * Prepared forms of templates already compared, so that comparing the same template again (a
 * gallery entry, the card's template against several live captures) skips the preparation.
 * Templates are treated as immutable; an entry is dropped if its minutiae array was replaced or
 * resized.
 */
const cache = new WeakMap<Template, { src: Template['minutiae']; len: number; c: CompactTemplate }>();

function prepared(t: Template): CompactTemplate {
  const hit = cache.get(t);
  if (hit && hit.src === t.minutiae && hit.len === t.minutiae.length) return hit.c;
  // the edge hash is built when the template is first the probing side
  const c = compactTemplate(t);
  cache.set(t, { src: t.minutiae, len: t.minutiae.length, c });
  return c;
}

/**
 * Near the decision thresholds the comparison is also run the other way and the higher score kept:
 * growing a pairing is not quite symmetric, and a genuine pair sometimes needs the other start.
 * Far from them (most pairs) one direction decides.
 */
const BAND_LO = 0.5, BAND_HI = 12;

/**
 * Symmetric score of two prepared templates: one comparison, in a direction fixed by the pair
 * itself (the one with more minutiae probes; a content signature breaks ties), plus the reverse
 * one in the band above, so that the order of the arguments never changes the score.
 */
export function comparePrepared(a: CompactTemplate, b: CompactTemplate): number {
  const aFirst = a.n > b.n || (a.n === b.n && a.sig >= b.sig);
  const s = aFirst ? compareCompact(a, b) : compareCompact(b, a);
  if (s < BAND_LO || s > BAND_HI) return s;
  const s2 = aFirst ? compareCompact(b, a) : compareCompact(a, b);
  return s2 > s ? s2 : s;
}

/**
 * Whether compare(a, b) also weighs the orientation fields: both templates carry one (templates
 * made by this library do; other vendors' records do not). verify() picks its thresholds by this.
 */
export function fieldsCompared(a: Template, b: Template): boolean {
  return prepared(a).fcount > 0 && prepared(b).fcount > 0;
}

/** 1:1 comparison of two templates; symmetric. Prepared forms are cached per template object. */
export function compare(a: Template, b: Template): number {
  return comparePrepared(prepared(a), prepared(b));
}
