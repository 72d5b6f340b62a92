import type { Template } from './types.ts';

/**
 * Matching works on a compact, prepared form: minutiae in typed arrays plus, for each minutia, its
 * K nearest neighbours as rotation/translation-invariant edges (length, angle of the edge seen from
 * the minutia, relative direction of the neighbour). A probe additionally gets a hash of its edges so
 * that a candidate's edges find similar probe edges in O(1); each hit votes for a root pair of
 * minutiae. The best roots are then grown into a pairing by walking both neighbour graphs together
 * (local, so skin distortion does not break it), and the score comes from the pairing's size and
 * how many edges agree.
 */
export const K = 10; // neighbours per minutia
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
  /** n*K neighbour index or -1 */
  nb: Int16Array;
  ed: Float32Array;
  ea: Float32Array;
  eb: Float32Array;
  /** hash key of each edge (see prepareProbe), -1 if too long */
  ekey: Int32Array;
  /** convex hull of the minutiae, x,y pairs, counter-clockwise in pixel coordinates */
  hull: Float32Array;
}

export interface PreparedProbe extends CompactTemplate {
  /** bucket start offsets into entries, length NKEYS+1 */
  hstart: Int32Array;
  /** edge ids (i*K+k) */
  hentries: Int32Array;
}

const NKEYS = ND * NA * NA;

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
  const ms = t.minutiae.slice(0, 127);
  const n = ms.length;
  const x = new Float32Array(n), y = new Float32Array(n), a = new Float32Array(n);
  const ty = new Uint8Array(n), q = new Uint8Array(n);
  ms.forEach((m, i) => { x[i] = m.x; y[i] = m.y; a[i] = norm(m.angle); ty[i] = m.type; q[i] = m.quality; });
  const nb = new Int16Array(n * K).fill(-1);
  const ed = new Float32Array(n * K), ea = new Float32Array(n * K), eb = new Float32Array(n * K);
  const dist = new Float32Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let j = 0; j < n; j++) {
      dist[j] = Math.hypot(x[j]! - x[i]!, y[j]! - y[i]!);
      if (j !== i && dist[j]! <= MAX_EDGE) order.push(j);
    }
    order.sort((p, r) => dist[p]! - dist[r]! || p - r);
    for (let k = 0; k < K && k < order.length; k++) {
      const j = order[k]!;
      const e = i * K + k;
      nb[e] = j;
      ed[e] = dist[j]!;
      ea[e] = norm(Math.atan2(-(y[j]! - y[i]!), x[j]! - x[i]!) - a[i]!);
      eb[e] = norm(a[j]! - a[i]!);
    }
  }
  const ekey = new Int32Array(n * K).fill(-1);
  for (let e = 0; e < n * K; e++) {
    if (nb[e]! < 0) continue;
    const db = Math.floor(ed[e]! / DQ);
    if (db < ND) ekey[e] = (db * NA + (Math.floor(ea[e]! / AQ) % NA)) * NA + (Math.floor(eb[e]! / AQ) % NA);
  }
  return { n, x, y, a, t: ty, q, nb, ed, ea, eb, ekey, hull: convexHull(x, y) };
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

/** Whether (px, py) lies inside the hull or within `margin` of it. */
function nearHull(h: Float32Array, px: number, py: number, margin: number): boolean {
  const m = h.length >> 1;
  if (m < 3) return true;
  let inside = true;
  let minOut = 0;
  for (let k = 0; k < m; k++) {
    const ax = h[2 * k]!, ay = h[2 * k + 1]!;
    const bx = h[(2 * k + 2) % (2 * m)]!, by = h[(2 * k + 3) % (2 * m)]!;
    const ex = bx - ax, ey = by - ay;
    const len = Math.sqrt(ex * ex + ey * ey) || 1;
    // signed distance to the edge's line; negative means outside for this orientation
    const sd = (ex * (py - ay) - ey * (px - ax)) / len;
    if (sd < 0) { inside = false; if (-sd > minOut) minOut = -sd; }
  }
  return inside || minOut <= margin;
}

export function prepareProbe(t: Template | CompactTemplate): PreparedProbe {
  const c = 'minutiae' in t ? compactTemplate(t) : t;
  const counts = new Int32Array(NKEYS + 1);
  const keys: number[] = [];
  const ids: number[] = [];
  for (let e = 0; e < c.n * K; e++) {
    if (c.nb[e]! < 0) continue;
    const db = Math.floor(c.ed[e]! / DQ), ab = Math.floor(c.ea[e]! / AQ), bb = Math.floor(c.eb[e]! / AQ);
    for (let dd = -1; dd <= 1; dd++) {
      const d = db + dd;
      if (d < 0 || d >= ND) continue;
      for (let da = -1; da <= 1; da++) {
        const aa = (ab + da + NA) % NA;
        for (let dbb = -1; dbb <= 1; dbb++) {
          const b2 = (bb + dbb + NA) % NA;
          const key = (d * NA + aa) * NA + b2;
          keys.push(key); ids.push(e); counts[key + 1]!++;
        }
      }
    }
  }
  for (let i = 0; i < NKEYS; i++) counts[i + 1]! += counts[i]!;
  const hentries = new Int32Array(keys.length);
  const fill = counts.slice(0, NKEYS);
  for (let i = 0; i < keys.length; i++) hentries[fill[keys[i]!]!++] = ids[i]!;
  return { ...c, hstart: counts, hentries };
}

/** Per-thread scratch buffers so that comparing allocates nothing. */
class Scratch {
  votes = new Float32Array(128 * 128);
  touched = new Int32Array(128 * 128);
  nTouched = 0;
  roots = new Int32Array(32);
  rootScore = new Float32Array(32);
  p2c = new Int16Array(128).fill(-1);
  c2p = new Int16Array(128).fill(-1);
  queue = new Int32Array(256);
  pairsP = new Int16Array(128);
  pairsC = new Int16Array(128);
}
const S = new Scratch();

const N_ROOTS = 8;

export interface MatchDetail {
  score: number;
  pairs: number;
  support: number;
}

/** Similarity of a prepared probe and a candidate. Higher is more similar; ~0 for unrelated prints. */
export function compareCompact(p: PreparedProbe, c: CompactTemplate, detail?: MatchDetail): number {
  const np = p.n, nc = c.n;
  if (np < 3 || nc < 3) return 0;
  const votes = S.votes, touched = S.touched;
  let nT = 0;
  // 1. vote for root pairs through similar edges
  const hs = p.hstart, he = p.hentries;
  const ned = c.n * K;
  for (let e = 0; e < ned; e++) {
    const key = c.ekey[e]!;
    if (key < 0) continue;
    const end = hs[key + 1]!;
    if (hs[key] === end) continue;
    const j = c.nb[e]!;
    const d = c.ed[e]!, ea = c.ea[e]!, eb = c.eb[e]!;
    const tol = D_TOL_ABS + D_TOL_REL * d;
    const ci = (e / K) | 0;
    for (let h = hs[key]!; h < end; h++) {
      const pe = he[h]!;
      const dd = Math.abs(p.ed[pe]! - d);
      if (dd > tol) continue;
      const da = adist(p.ea[pe]!, ea);
      if (da > A_TOL) continue;
      const dbb = adist(p.eb[pe]!, eb);
      if (dbb > A_TOL) continue;
      const w = 3 - dd / tol - da / A_TOL - dbb / A_TOL;
      const pi = (pe / K) | 0;
      const pj = p.nb[pe]!;
      const k1 = pi * nc + ci, k2 = pj * nc + j;
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
    if (nr < N_ROOTS) {
      let i = nr++;
      while (i > 0 && rs[i - 1]! < v) { rs[i] = rs[i - 1]!; roots[i] = roots[i - 1]!; i--; }
      rs[i] = v; roots[i] = k;
    } else if (v > rs[nr - 1]!) {
      let i = nr - 1;
      while (i > 0 && rs[i - 1]! < v) { rs[i] = rs[i - 1]!; roots[i] = roots[i - 1]!; i--; }
      rs[i] = v; roots[i] = k;
    }
  }
  // 3. grow a pairing from each root; keep the best
  let best = 0, bestPairs = 0, bestSupport = 0, bestRoot = -1;
  for (let r = 0; r < nr; r++) {
    const k = roots[r]!;
    const res = grow(p, c, (k / nc) | 0, k % nc);
    const pairs = res >> 16, support = (res & 0xffff) / 8;
    const s = scoreOf(pairs, support, np, nc);
    if (s > best) { best = s; bestPairs = pairs; bestSupport = support; bestRoot = k; }
  }
  if (bestRoot >= 0 && bestPairs >= 3) {
    // normalise by the minutiae that lie where the other print was seen, not by all of them
    grow(p, c, (bestRoot / nc) | 0, bestRoot % nc);
    const [inP, inC] = overlapCounts(p, c, bestPairs);
    best = scoreOf(bestPairs, bestSupport, Math.max(inP, OV_MIN), Math.max(inC, OV_MIN));
  }
  if (detail) { detail.score = best; detail.pairs = bestPairs; detail.support = bestSupport; }
  return best;
}

/** floor of the overlap counts, and how far outside the other's minutiae hull still counts as seen */
const OV_MIN = 10, OV_MARGIN = 12;

/** Counts probe minutiae inside the candidate's hull and vice versa, after aligning on the pairs. */
function overlapCounts(p: CompactTemplate, c: CompactTemplate, m: number): [number, number] {
  const pp = S.pairsP, pc = S.pairsC;
  // rotation: mean direction difference; translation: mean of p - R c
  let sx = 0, sy = 0;
  for (let i = 0; i < m; i++) { const d = p.a[pp[i]!]! - c.a[pc[i]!]!; sx += Math.cos(d); sy += Math.sin(d); }
  const th = Math.atan2(sy, sx);
  // angles are counter-clockwise on screen (y down), so rotate by -th in pixel coordinates
  const co = Math.cos(th), si = -Math.sin(th);
  let tx = 0, ty = 0;
  for (let i = 0; i < m; i++) {
    const cx = c.x[pc[i]!]!, cy = c.y[pc[i]!]!;
    tx += p.x[pp[i]!]! - (co * cx - si * cy);
    ty += p.y[pp[i]!]! - (si * cx + co * cy);
  }
  tx /= m; ty /= m;
  let inC = 0, inP = 0;
  for (let j = 0; j < c.n; j++) {
    const X = co * c.x[j]! - si * c.y[j]! + tx, Y = si * c.x[j]! + co * c.y[j]! + ty;
    if (nearHull(p.hull, X, Y, OV_MARGIN)) inC++;
  }
  for (let i = 0; i < p.n; i++) {
    const dx = p.x[i]! - tx, dy = p.y[i]! - ty;
    const X = co * dx + si * dy, Y = -si * dx + co * dy;
    if (nearHull(c.hull, X, Y, OV_MARGIN)) inP++;
  }
  return [inP, inC];
}

/**
 * Supporting edges squared, over the geometric mean of the minutiae counts (of the overlapping
 * parts, when known): squaring rewards consistent structure much more than chance agreement.
 */
function scoreOf(pairs: number, support: number, np: number, nc: number): number {
  if (pairs < 2) return 0;
  return (support * support) / Math.sqrt(np * nc);
}

function sameType(a: number, b: number): boolean {
  return a === b || a === 0 || b === 0;
}

/** Grows a pairing from root (pi, ci); returns pairs<<16 | 8 x weighted supporting edges. */
function grow(p: CompactTemplate, c: CompactTemplate, pi0: number, ci0: number): number {
  const p2c = S.p2c, c2p = S.c2p, pp = S.pairsP, pc = S.pairsC;
  const rot = adiff(c.a[ci0]!, p.a[pi0]!);
  let np = 0;
  p2c[pi0] = ci0; c2p[ci0] = pi0; pp[np] = pi0; pc[np] = ci0; np++;
  let head = 0, support = 0;
  while (head < np) {
    const pi = pp[head]!, ci = pc[head]!;
    head++;
    for (let kp = 0; kp < K; kp++) {
      const ep = pi * K + kp;
      const pj = p.nb[ep]!;
      if (pj < 0) break;
      const d = p.ed[ep]!, ea = p.ea[ep]!, eb = p.eb[ep]!;
      const tol = D_TOL_ABS + D_TOL_REL * d;
      let bestC = -1, bestE = 1e9;
      for (let kc = 0; kc < K; kc++) {
        const ec = ci * K + kc;
        const cj = c.nb[ec]!;
        if (cj < 0) break;
        const dd = Math.abs(c.ed[ec]! - d);
        if (dd > tol) continue;
        const da = adist(c.ea[ec]!, ea);
        if (da > A_TOL) continue;
        const db = adist(c.eb[ec]!, eb);
        if (db > A_TOL) continue;
        const err = dd / tol + da / A_TOL + db / A_TOL;
        if (err < bestE) { bestE = err; bestC = cj; }
      }
      if (bestC < 0) continue;
      const cur = p2c[pj]!;
      if (cur === bestC) { support += (sameType(p.t[pj]!, c.t[bestC]!) && sameType(p.t[pi]!, c.t[ci]!) ? 1 : TYPE_W); continue; }
      if (cur >= 0 || c2p[bestC]! >= 0) continue;
      if (Math.abs(adiff(adiff(c.a[bestC]!, p.a[pj]!), rot)) > ROT_TOL) continue;
      p2c[pj] = bestC; c2p[bestC] = pj; pp[np] = pj; pc[np] = bestC; np++;
      support += (sameType(p.t[pj]!, c.t[bestC]!) && sameType(p.t[pi]!, c.t[ci]!) ? 1 : TYPE_W);
    }
  }
  for (let i = 0; i < np; i++) { p2c[pp[i]!] = -1; c2p[pc[i]!] = -1; }
  return (np << 16) | Math.min(Math.round(support * 8), 0xffff);
}

/** 1:1 comparison of two templates (prepares both; prepare once with prepareProbe for many comparisons). */
export function compare(a: Template, b: Template): number {
  const pa = prepareProbe(a), cb = compactTemplate(b);
  const pb = prepareProbe(b), ca = compactTemplate(a);
  // symmetric: the hash sees each side once
  return Math.max(compareCompact(pa, cb), compareCompact(pb, ca));
}
