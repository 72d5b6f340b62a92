import { FIELD_NONE, type Template } from './types.ts';

/**
 * Matching works on a compact, prepared form: minutiae in typed arrays plus, for each minutia, its
 * K nearest neighbours as rotation/translation-invariant edges (length, angle of the edge seen from
 * the minutia, relative direction of the neighbour). A probe additionally gets a hash of its edges so
 * that a candidate's edges find similar probe edges in O(1); each hit votes for a root pair of
 * minutiae. The best roots are then grown into a pairing by walking both neighbour graphs together
 * (local, so skin distortion does not break it). Each pairing aligns the prints; under that
 * alignment every minutia is paired by position and direction, and the score combines the agreeing
 * edges, the global pairs and the minutiae both prints show in their overlap.
 */
export const K = 10; // neighbours per minutia
/** neighbours whose edges vote for root pairs (the nearest are the least distorted) */
const KV = 6;
const MAX_EDGE = 160; // px at 500 dpi
const TWO_PI = 2 * Math.PI;

// hash quantisation (3 neighbouring bins are stored for each probe edge, so tolerance ~ one bin)
const DQ = 6;
const AQ = 0.3;
const NA = Math.ceil(TWO_PI / AQ);
const ND = Math.ceil(MAX_EDGE / DQ) + 2;

// edge similarity tolerances
const D_TOL_ABS = 4;
const D_TOL_REL = 0.05;
const A_TOL = 0.3;
const INV_A_TOL = 1 / A_TOL;
const ROT_TOL = 0.4; // max deviation of a pair's rotation from the root's
/** weight of an agreeing edge whose minutiae types differ (ending vs bifurcation; 'other' agrees with all) */
const TYPE_W = 0.8;

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
  /** n*K neighbour index or -1; each minutia's neighbours are sorted by distance */
  nb: Int16Array;
  ed: Float32Array;
  ea: Float32Array;
  eb: Float32Array;
  /** hash key of each edge (see prepareProbe), -1 if too long */
  ekey: Int32Array;
  /** the edges with a key, sorted by key: probing the other's hash in this order reads it front to back */
  sorted: Int16Array;
  /** convex hull of the minutiae, x,y pairs, counter-clockwise in pixel coordinates */
  hull: Float32Array;
  /** origin of the two grids below (pixels) */
  ox: number;
  oy: number;
  /** the hull widened by OV_MARGIN, rasterised in MASK_CELL cells: where this print was seen */
  mw: number;
  mh: number;
  mask: Uint8Array;
  /** minutiae bucketed in BUCKET cells (bw x bh), for pairing minutiae by position */
  bw: number;
  bh: number;
  bstart: Uint16Array;
  bidx: Uint8Array;
  /** content signature: orders two templates so that compare(a, b) and compare(b, a) agree exactly */
  sig: number;
  /** bucket start offsets into hentries (length NKEYS+1), empty until the hash is built */
  hstart: Uint16Array;
  /** edge ids (i*K+k) */
  hentries: Uint16Array;
}

/** A compact template whose edge hash is built (compactTemplate builds it lazily when first probed). */
export type PreparedProbe = CompactTemplate;

const NKEYS = ND * NA * NA;
const EMPTY_U16 = new Uint16Array(0);
const EMPTY_U8 = new Uint8Array(0);
/** cos and sin of a doubled-angle difference of k field units (2πk/128), k = 0..127 (doubles: read in a hot loop) */
const FIELD_COS = Float64Array.from({ length: 128 }, (_, k) => Math.cos((2 * Math.PI * k) / 128));
const FIELD_SIN = Float64Array.from({ length: 128 }, (_, k) => Math.sin((2 * Math.PI * k) / 128));
/** how far outside the minutiae hull still counts as seen (px), and the cell of its raster */
const OV_MARGIN = 12, MASK_CELL = 6;
/** cell of the position buckets; also the largest tolerance of pairing by position */
const BUCKET = 24;

function seen(t: CompactTemplate, X: number, Y: number): boolean {
  const cx = Math.floor((X - t.ox) / MASK_CELL), cy = Math.floor((Y - t.oy) / MASK_CELL);
  return cx >= 0 && cy >= 0 && cx < t.mw && cy < t.mh && t.mask[cy * t.mw + cx] === 1;
}

function norm(a: number): number {
  a %= TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}

/** Absolute smallest difference of two angles in [0, 2π). */
function adist(a: number, b: number): number {
  const d = a > b ? a - b : b - a;
  return d > Math.PI ? TWO_PI - d : d;
}

/** Signed smallest difference of two angles, in (-π, π]. */
function adiff(a: number, b: number): number {
  let d = a - b;
  if (d > Math.PI) d -= TWO_PI; else if (d <= -Math.PI) d += TWO_PI;
  if (d > Math.PI) d -= TWO_PI; else if (d <= -Math.PI) d += TWO_PI;
  return d;
}

export function compactTemplate(t: Template): CompactTemplate {
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
  const ekey = new Int32Array(n * K).fill(-1);
  const order = new Int32Array(n * K);
  let ns = 0;
  for (let e = 0; e < n * K; e++) {
    if (nb[e]! < 0 || e % K >= KV) continue;
    const db = Math.floor(ed[e]! / DQ);
    if (db >= ND) continue;
    const key = (db * NA + (Math.floor(ea[e]! / AQ) % NA)) * NA + (Math.floor(eb[e]! / AQ) % NA);
    ekey[e] = key;
    order[ns++] = key * 2048 + e;
  }
  const so = order.subarray(0, ns).sort();
  const sorted = new Int16Array(ns);
  for (let i = 0; i < ns; i++) sorted[i] = so[i]! & 2047;
  const hull = convexHull(x, y);
  // grids start one margin before the minutiae
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) { minX = Math.min(minX, x[i]!); maxX = Math.max(maxX, x[i]!); minY = Math.min(minY, y[i]!); maxY = Math.max(maxY, y[i]!); }
  if (!n) { minX = minY = maxX = maxY = 0; }
  const ox = minX - OV_MARGIN - MASK_CELL, oy = minY - OV_MARGIN - MASK_CELL;
  const mw = Math.ceil((maxX - ox + OV_MARGIN + MASK_CELL) / MASK_CELL) + 1, mh = Math.ceil((maxY - oy + OV_MARGIN + MASK_CELL) / MASK_CELL) + 1;
  const mask = rasterHull(hull, ox, oy, mw, mh);
  const bw = Math.ceil((maxX - ox + 1) / BUCKET) + 1, bh = Math.ceil((maxY - oy + 1) / BUCKET) + 1;
  const bstart = new Uint16Array(bw * bh + 1), bidx = new Uint8Array(n);
  for (let i = 0; i < n; i++) bstart[(((y[i]! - oy) / BUCKET) | 0) * bw + (((x[i]! - ox) / BUCKET) | 0) + 1]!++;
  for (let k = 0; k < bw * bh; k++) bstart[k + 1]! += bstart[k]!;
  const bfill = bstart.slice(0, bw * bh);
  for (let i = 0; i < n; i++) bidx[bfill[(((y[i]! - oy) / BUCKET) | 0) * bw + (((x[i]! - ox) / BUCKET) | 0)]!++] = i;
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
  return {
    n, x, y, a, t: ty, q, w: wq, fcell, fcols, frows, fdir, fcount, nb, ed, ea, eb, ekey, sorted, hull, ox, oy, mw, mh, mask, bw, bh, bstart, bidx,
    sig, hstart: EMPTY_U16, hentries: EMPTY_U16,
  };
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
function rasterHull(h: Float32Array, ox: number, oy: number, mw: number, mh: number): Uint8Array {
  const mask = new Uint8Array(mw * mh);
  const m = h.length >> 1;
  if (m < 3) return mask.fill(1);
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
    for (let cx = c0; cx <= c1; cx++) mask[cy * mw + cx] = 1;
  }
  return mask;
}

/**
 * Templates whose edge hash is built, oldest first. A hash is ~35 KB, so only the most recent
 * HASH_KEEP keep theirs (a long-lived gallery of cached templates would otherwise grow by that
 * much per template ever probed); an evicted one rebuilds it when it probes again.
 */
const HASH_KEEP = 1024;
const hashed: (CompactTemplate | undefined)[] = new Array<CompactTemplate | undefined>(HASH_KEEP);
let hashedNext = 0;

/** Builds the probe-side hash of a compact template (kept on the object while it is recent). */
function buildHash(c: CompactTemplate): void {
  if (c.hstart.length) return;
  const old = hashed[hashedNext];
  if (old) { old.hstart = EMPTY_U16; old.hentries = EMPTY_U16; }
  hashed[hashedNext] = c;
  hashedNext = (hashedNext + 1) % HASH_KEEP;
  const counts = new Uint16Array(NKEYS + 1);
  const ne = c.n * K;
  let top = 0;
  // each edge is stored under its own bin and both neighbours in every dimension
  for (let pass = 0; pass < 2; pass++) {
    const entries = pass ? new Uint16Array(counts[NKEYS]!) : EMPTY_U16;
    const fill = pass ? counts.slice(0, top) : EMPTY_U16;
    for (let e = 0; e < ne; e++) {
      if (c.nb[e]! < 0 || e % K >= KV) continue;
      const db = Math.floor(c.ed[e]! / DQ), ab = Math.floor(c.ea[e]! / AQ) % NA, bb = Math.floor(c.eb[e]! / AQ) % NA;
      for (let d = db - 1; d <= db + 1; d++) {
        if (d < 0 || d >= ND) continue;
        for (let da = -1; da <= 1; da++) {
          const kda = (d * NA + (ab + da + NA) % NA) * NA;
          for (let dbb = -1; dbb <= 1; dbb++) {
            const key = kda + (bb + dbb + NA) % NA;
            if (pass) entries[fill[key]!++] = e;
            else { counts[key + 1]!++; if (key >= top) top = key + 1; }
          }
        }
      }
    }
    if (pass) c.hentries = entries;
    else {
      // short edges fill only the low keys: sum up to the highest used one, the rest is the total
      for (let i = 0; i < top; i++) counts[i + 1]! += counts[i]!;
      counts.fill(counts[top]!, top + 1);
    }
  }
  c.hstart = counts;
}

export function prepareProbe(t: Template | CompactTemplate): PreparedProbe {
  const c = 'minutiae' in t ? compactTemplate(t) : t;
  buildHash(c);
  return c;
}

/**
 * Per-thread scratch buffers so that comparing allocates nothing. Sums are doubles: single-precision
 * arrays cost a conversion on every read and write of the hot loops (about 5 % of the 1:1 time).
 */
class Scratch {
  votes = new Float64Array(128 * 128);
  touched = new Int32Array(128 * 128);
  roots = new Int32Array(32);
  rootScore = new Float64Array(32);
  p2c = new Int16Array(128).fill(-1);
  c2p = new Int16Array(128).fill(-1);
  pairsP = new Int16Array(128);
  pairsC = new Int16Array(128);
  /** the pairings grown in one comparison: size, support, offset into gAllP/gAllC */
  gPairs = new Int32Array(32);
  gSup = new Float32Array(32);
  gStart = new Int32Array(32);
  gAllP = new Int16Array(32 * 128);
  gAllC = new Int16Array(32 * 128);
  /** global pairs (probe, candidate) */
  gP = new Int16Array(128);
  gC = new Int16Array(128);
  /** pairs (p*nc+c) already inside a grown pairing of this comparison: stamp === gen */
  grown = new Uint32Array(128 * 128);
  gen = 0;
}
const S = new Scratch();

/** roots grown into pairings per comparison */
const N_ROOTS = 6;
/** a pairing with less support than this fraction of the most supported one's is not scored */
const SUP_FRAC = 0.8;

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
  const np = p.n, nc = c.n;
  if (np < 3 || nc < 3) return 0;
  if (!p.hstart.length) buildHash(p);
  const votes = S.votes, touched = S.touched;
  let nT = 0;
  // 1. vote for root pairs through similar edges
  const hs = p.hstart, he = p.hentries;
  const ped = p.ed, pea = p.ea, peb = p.eb, pnb = p.nb;
  const ced = c.ed, cea = c.ea, ceb = c.eb, cnb = c.nb, ckey = c.ekey, cs = c.sorted;
  for (let s = 0, ns = cs.length; s < ns; s++) {
    const e = cs[s]!;
    const key = ckey[e]!;
    let h = hs[key]!;
    const end = hs[key + 1]!;
    if (h === end) continue;
    const d = ced[e]!, ea = cea[e]!, eb = ceb[e]!;
    const tol = D_TOL_ABS + D_TOL_REL * d, itol = 1 / tol;
    for (; h < end; h++) {
      const pe = he[h]!;
      let dd = ped[pe]! - d;
      if (dd < 0) dd = -dd;
      if (dd > tol) continue;
      let da = pea[pe]! - ea;
      if (da < 0) da = -da;
      if (da > Math.PI) da = TWO_PI - da;
      if (da > A_TOL) continue;
      let dbb = peb[pe]! - eb;
      if (dbb < 0) dbb = -dbb;
      if (dbb > Math.PI) dbb = TWO_PI - dbb;
      if (dbb > A_TOL) continue;
      const w = 3.001 - dd * itol - (da + dbb) * INV_A_TOL;
      const k1 = ((pe / K) | 0) * nc + ((e / K) | 0), k2 = pnb[pe]! * nc + cnb[e]!;
      if (votes[k1] === 0) touched[nT++] = k1;
      votes[k1]! += w;
      if (votes[k2] === 0) touched[nT++] = k2;
      votes[k2]! += w;
    }
  }
  // 2. best roots
  const roots = S.roots, rs = S.rootScore;
  let nr = 0;
  for (let t = 0; t < nT; t++) {
    const k = touched[t]!;
    const v = votes[k]!;
    votes[k] = 0;
    if (nr === N_ROOTS && v <= rs[nr - 1]!) continue;
    let i = nr < N_ROOTS ? nr++ : nr - 1;
    while (i > 0 && rs[i - 1]! < v) { rs[i] = rs[i - 1]!; roots[i] = roots[i - 1]!; i--; }
    rs[i] = v; roots[i] = k;
  }
  // 3. grow a pairing from each root. A root inside a pairing already grown would mostly grow the
  // same pairing again, so it is skipped.
  const grown = S.grown;
  const gen = ++S.gen;
  if (gen === 0xffffffff) { grown.fill(0); S.gen = 1; }
  const gPairs = S.gPairs, gSup = S.gSup, gStart = S.gStart, gAllP = S.gAllP, gAllC = S.gAllC;
  let ng = 0, used = 0, maxSup = 0;
  for (let r = 0; r < nr; r++) {
    const k = roots[r]!;
    if (grown[k] === gen) continue;
    const pi = (k / nc) | 0, ci = k - pi * nc;
    const res = grow(p, c, pi, ci);
    const pairs = res >> 16, support = (res & 0xffff) / 8;
    const pp = S.pairsP, pc = S.pairsC;
    for (let i = 0; i < pairs; i++) grown[pp[i]! * nc + pc[i]!] = gen;
    if (pairs < 3) continue;
    gPairs[ng] = pairs; gSup[ng] = support; gStart[ng] = used;
    for (let i = 0; i < pairs; i++) { gAllP[used + i] = pp[i]!; gAllC[used + i] = pc[i]!; }
    used += pairs;
    if (support > maxSup) maxSup = support;
    ng++;
  }
  // 4. score the pairings with nearly the best support (growing them all first spares scoring the
  // weak ones that were found before a strong one); keep the best score
  let best = 0, bestPairs = 0, bestSupport = 0;
  let bInP = np, bInC = nc, bGp = 0, bFn = 0, bFa = 0;
  for (let g = 0; g < ng; g++) {
    const pairs = gPairs[g]!, support = gSup[g]!;
    if (support < SUP_FRAC * maxSup) continue;
    const o = gStart[g]!;
    // normalise by the minutiae that lie where the other print was seen, not by all of them
    overlapCounts(p, c, pairs, gAllP, gAllC, o);
    let s = finalScore(support, OV.gp, OV.gpt, OV.gerr, OV.inP, OV.inC);
    // the fields can raise a score by at most FUSE_MAX: a pairing that cannot win is not checked
    if (s * FUSE_MAX <= best) continue;
    if (s < FIELD_FLOOR) FA.n = 0;
    else { fieldAgreement(p, c); s = fuse(s, FA.n, FA.agree); }
    if (s > best) {
      best = s; bestPairs = pairs; bestSupport = support; bFn = FA.n; bFa = FA.agree;
      bInP = OV.inP; bInC = OV.inC; bGp = OV.gp;
    }
  }
  if (detail) { detail.score = best; detail.pairs = bestPairs; detail.support = bestSupport; detail.globalPairs = bGp; detail.inP = bInP; detail.inC = bInC; detail.fieldCells = bFn; detail.fieldAgree = bFa; }
  return best;
}

/**
 * Agreeing edges x global pairs x type-weighted global pairs over the overlap counts, times the fit
 * (mean pairing error, 0-2). A chance pairing of unrelated prints is small on every factor at
 * once; the overlap counts (floored) keep dense, noisy templates from scoring on numbers alone.
 */
function finalScore(support: number, gp: number, gpt: number, gerr: number, inP: number, inC: number): number {
  const ip = Math.max(inP, OV_MIN), ic = Math.max(inC, OV_MIN);
  return (support * gp * (gp + gpt) * 0.5) / (ip * ic) * (2 - gerr);
}

/** results of fieldAgreement */
const FA = { n: 0, agree: 0 };
/**
 * Orientation-field fusion: an agreement (mean cos 2Δ) of FA_LO or less scales the minutiae score
 * to 0, FA_HI keeps it, and above that it grows (squared: genuine prints agree at ~0.97, the
 * impostors that score on minutiae mostly well below 0.9). Fewer than FA_CELLS overlapping cells
 * weigh the field in proportionally, so a sliver of overlap neither makes nor breaks a match.
 */
const FA_LO = 0.7, FA_HI = 0.95, FA_CELLS = 10;

/**
 * Below this minutiae score the fields are not compared: even raised by FUSE_MAX it stays far below
 * every threshold (the lowest, FMR 1 %, is 1.76), so the order of such scores decides nothing.
 */
const FIELD_FLOOR = 0.25;
const FUSE_MAX = ((1 - FA_LO) / (FA_HI - FA_LO)) ** 2;

function fuse(s: number, n: number, agree: number): number {
  if (n === 0) return s;
  const a = Math.max(0, (agree - FA_LO) / (FA_HI - FA_LO));
  const w = Math.min(1, n / FA_CELLS);
  const f = 1 - w + w * a;
  return s * f * f;
}

/**
 * Agreement of the two orientation fields under the alignment AL: over the probe's cells whose
 * centre falls on a candidate cell with a direction, the mean of cos 2Δ (1: same flow, 0:
 * unrelated, -1: crossing). Into FA; n = 0 when either template has no field.
 */
function fieldAgreement(p: CompactTemplate, c: CompactTemplate): void {
  FA.n = 0; FA.agree = 0;
  if (!p.fcount || !c.fcount) return;
  const { th, co, si, tx, ty } = AL;
  const c2t = Math.cos(2 * th), s2t = Math.sin(2 * th);
  const pcell = p.fcell, pcols = p.fcols, prows = p.frows, pd = p.fdir;
  const inv = 1 / c.fcell, cols = c.fcols, rows = c.frows, cd = c.fdir;
  // a probe cell centre (X, Y) lands at (co dx + si dy, -si dx + co dy) / cell in candidate cells,
  // dx = X - tx, dy = Y - ty; along a probe row that moves by a constant step
  const ux = co * pcell * inv, vx = -si * pcell * inv;
  let n = 0, sum = 0;
  for (let gy = 0; gy < prows; gy++) {
    const dx = 0.5 * pcell - tx, dy = (gy + 0.5) * pcell - ty;
    let u = (co * dx + si * dy) * inv, v = (-si * dx + co * dy) * inv;
    for (let i = gy * pcols, end = i + pcols; i < end; i++, u += ux, v += vx) {
      const d = pd[i]!;
      if (d === FIELD_NONE || u < 0 || v < 0 || u >= cols || v >= rows) continue;
      const e = cd[(v | 0) * cols + (u | 0)]!;
      if (e === FIELD_NONE) continue;
      // cos of (probe doubled angle - candidate doubled angle - 2th)
      const k = (d - e) & 127;
      sum += FIELD_COS[k]! * c2t + FIELD_SIN[k]! * s2t;
      n++;
    }
  }
  FA.n = n; FA.agree = n ? sum / n : 0;
}

/** floor of the overlap counts */
const OV_MIN = 10;
/** results of globalPairs */
const OV = { inP: 0, inC: 0, gp: 0, gerr: 0, gpt: 0 };
/** tolerance of pairing by position: px at the aligned pairs' centroid, growth per px away, direction */
const G_TOL = 8, G_TOL_REL = 0.08, G_ATOL = 0.5;

/** Alignment of the candidate onto the probe: p ~ R(-th) c + (tx, ty) in pixel coordinates. */
const AL = { th: 0, co: 1, si: 0, tx: 0, ty: 0, gx: 0, gy: 0 };

/**
 * Aligns on m pairs (from offset o): rotation from the mean difference of the paired minutiae's
 * directions (a least-squares fit on positions was tried: no better, as the pairs are often close
 * together), translation from their centroids.
 */
function align(p: CompactTemplate, c: CompactTemplate, m: number, pp: Int16Array, pc: Int16Array, o: number): void {
  let sx = 0, sy = 0, pxm = 0, pym = 0, cxm = 0, cym = 0;
  for (let i = o; i < o + m; i++) {
    const d = p.a[pp[i]!]! - c.a[pc[i]!]!;
    sx += Math.cos(d); sy += Math.sin(d);
    pxm += p.x[pp[i]!]!; pym += p.y[pp[i]!]!; cxm += c.x[pc[i]!]!; cym += c.y[pc[i]!]!;
  }
  pxm /= m; pym /= m; cxm /= m; cym /= m;
  const th = Math.atan2(sy, sx);
  // angles are counter-clockwise on screen (y down), so the pixel rotation is by -th
  const co = Math.cos(th), si = -Math.sin(th);
  AL.th = th; AL.co = co; AL.si = si;
  AL.tx = pxm - (co * cxm - si * cym); AL.ty = pym - (si * cxm + co * cym);
  AL.gx = pxm; AL.gy = pym;
}

/**
 * Pairs every candidate minutia with the nearest free probe minutia of similar direction under
 * the alignment AL (tolerance grows away from the aligned pairs' centroid: skin distortion,
 * capped at BUCKET); the pairs go to S.gP/S.gC, the counts to OV. Also counts the minutiae each side has where the other
 * print was seen (weighted by minutia quality).
 */
function globalPairs(p: CompactTemplate, c: CompactTemplate): void {
  const { th, co, si, tx, ty, gx, gy } = AL;
  const used = S.p2c, gP = S.gP, gC = S.gC;
  let gp = 0, gerr = 0, gpt = 0, inC = 0;
  const pa = p.a, px = p.x, py = p.y, pbs = p.bstart, pbi = p.bidx, pbw = p.bw, pbh = p.bh;
  const cx = c.x, cy = c.y;
  for (let j = 0; j < c.n; j++) {
    const X = co * cx[j]! - si * cy[j]! + tx, Y = si * cx[j]! + co * cy[j]! + ty;
    if (seen(p, X, Y)) inC += c.w[j]!;
    let aj = c.a[j]! + th;
    if (aj < 0) aj += TWO_PI; else if (aj >= TWO_PI) aj -= TWO_PI;
    const rg = Math.sqrt((X - gx) * (X - gx) + (Y - gy) * (Y - gy));
    const tol = Math.min(BUCKET, G_TOL + G_TOL_REL * rg);
    const bx = Math.floor((X - p.ox) / BUCKET), by = Math.floor((Y - p.oy) / BUCKET);
    let bi = -1, be = 1e9;
    for (let yy = by - 1; yy <= by + 1; yy++) {
      if (yy < 0 || yy >= pbh) continue;
      for (let xx = bx - 1; xx <= bx + 1; xx++) {
        if (xx < 0 || xx >= pbw) continue;
        const cell = yy * pbw + xx;
        for (let h = pbs[cell]!, end = pbs[cell + 1]!; h < end; h++) {
          const i = pbi[h]!;
          if (used[i]! >= 0) continue;
          const dx = px[i]! - X, dy = py[i]! - Y;
          const d2 = dx * dx + dy * dy;
          if (d2 > tol * tol) continue;
          let da = pa[i]! - aj;
          if (da < 0) da = -da;
          if (da > Math.PI) da = TWO_PI - da;
          if (da > G_ATOL) continue;
          const e = Math.sqrt(d2) / tol + da / G_ATOL;
          if (e < be) { be = e; bi = i; }
        }
      }
    }
    if (bi >= 0) {
      used[bi] = j; gP[gp] = bi; gC[gp] = j; gp++; gerr += be;
      const tb = p.t[bi]!, tj = c.t[j]!;
      if (tb === tj || tb === 0 || tj === 0) gpt++;
    }
  }
  for (let k = 0; k < gp; k++) used[gP[k]!] = -1;
  OV.gp = gp; OV.gerr = gp ? gerr / gp : 0; OV.gpt = gpt;
  let inP = 0;
  for (let i = 0; i < p.n; i++) {
    const dx = px[i]! - tx, dy = py[i]! - ty;
    if (seen(c, co * dx + si * dy, -si * dx + co * dy)) inP += p.w[i]!;
  }
  OV.inP = inP; OV.inC = inC;
}

/** Global pairing and overlap counts for a local pairing of m pairs at offset o of pp/pc (into OV). */
function overlapCounts(p: CompactTemplate, c: CompactTemplate, m: number, pp: Int16Array, pc: Int16Array, o: number): void {
  align(p, c, m, pp, pc, o);
  globalPairs(p, c);
}

/**
 * Grows a pairing from root (pi, ci) by walking both neighbour graphs together; returns
 * pairs<<16 | 8 x weighted supporting edges. The pairing is left in S.pairsP/S.pairsC.
 */
function grow(p: CompactTemplate, c: CompactTemplate, pi0: number, ci0: number): number {
  const p2c = S.p2c, c2p = S.c2p, pp = S.pairsP, pc = S.pairsC;
  const pnb = p.nb, ped = p.ed, pea = p.ea, peb = p.eb, pa = p.a, pt = p.t;
  const cnb = c.nb, ced = c.ed, cea = c.ea, ceb = c.eb, ca = c.a, ct = c.t;
  const rot = adiff(ca[ci0]!, pa[pi0]!);
  let np = 0;
  p2c[pi0] = ci0; c2p[ci0] = pi0; pp[np] = pi0; pc[np] = ci0; np++;
  let head = 0, support = 0;
  while (head < np) {
    const pi = pp[head]!, ci = pc[head]!;
    head++;
    const tpi = pt[pi]!, tci = ct[ci]!;
    const rootTypesAgree = tpi === tci || tpi === 0 || tci === 0;
    const cbase = ci * K;
    for (let ep = pi * K, epEnd = ep + K; ep < epEnd; ep++) {
      const pj = pnb[ep]!;
      if (pj < 0) break;
      const d = ped[ep]!, ea = pea[ep]!, eb = peb[ep]!;
      const tol = D_TOL_ABS + D_TOL_REL * d, itol = 1 / tol;
      let bestC = -1, bestE = 1e9;
      // the candidate's neighbours are sorted by distance
      for (let ec = cbase, ecEnd = cbase + K; ec < ecEnd; ec++) {
        const cj = cnb[ec]!;
        if (cj < 0) break;
        let dd = ced[ec]! - d;
        if (dd > tol) break;
        if (dd < 0) { dd = -dd; if (dd > tol) continue; }
        let da = cea[ec]! - ea;
        if (da < 0) da = -da;
        if (da > Math.PI) da = TWO_PI - da;
        if (da > A_TOL) continue;
        let db = ceb[ec]! - eb;
        if (db < 0) db = -db;
        if (db > Math.PI) db = TWO_PI - db;
        if (db > A_TOL) continue;
        const err = dd * itol + (da + db) * INV_A_TOL;
        if (err < bestE) { bestE = err; bestC = cj; }
      }
      if (bestC < 0) continue;
      const cur = p2c[pj]!;
      const tpj = pt[pj]!, tcj = ct[bestC]!;
      const w = rootTypesAgree && (tpj === tcj || tpj === 0 || tcj === 0) ? 1 : TYPE_W;
      if (cur === bestC) { support += w; continue; }
      if (cur >= 0 || c2p[bestC]! >= 0) continue;
      if (Math.abs(adiff(adiff(ca[bestC]!, pa[pj]!), rot)) > ROT_TOL) continue;
      p2c[pj] = bestC; c2p[bestC] = pj; pp[np] = pj; pc[np] = bestC; np++;
      support += w;
    }
  }
  for (let i = 0; i < np; i++) { p2c[pp[i]!] = -1; c2p[pc[i]!] = -1; }
  return (np << 16) | Math.min(Math.round(support * 8), 0xffff);
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
