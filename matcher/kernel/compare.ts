// AssemblyScript, compiled to compare.wasm by `npm run build:matcher` (matcher/README.md, "The
// comparison kernel"). Not part of the TypeScript project: tsconfig.json excludes this folder.
//
// One direction of the 1:1 comparison (what match.ts documents: vote for root pairs through
// similar edges, grow the best roots into pairings, score the well supported ones under their
// alignment, fuse the orientation fields). When it replaced the TypeScript comparison it did the
// same arithmetic in the same order and precision, so the scores were the same bit for bit; it is
// the only implementation now. cos, sin and atan2 come from the host's Math, so that a score does
// not depend on which libm the wasm engine would bring.
//
// Templates live in the module's memory in the layout that placeData in match.ts writes: a header of
// offsets and sizes (the H_* fields below), then the arrays. The kernel only reads them.

@external("env", "cos") declare function hostCos(x: f64): f64;
@external("env", "sin") declare function hostSin(x: f64): f64;
@external("env", "atan2") declare function hostAtan2(y: f64, x: f64): f64;

// --- template header (byte offsets; i32 unless noted)
const H_N: usize = 0;
const H_X: usize = 4; // f32[n]
const H_Y: usize = 8; // f32[n]
const H_A: usize = 12; // f32[n], direction in [0, 2π)
const H_T: usize = 16; // u8[n], type
const H_W: usize = 20; // f32[n], overlap weight
const H_NB: usize = 24; // i16[n*K], neighbour or -1
const H_ED: usize = 28; // f32[n*K], edge length
const H_EA: usize = 32; // f32[n*K], edge angle seen from the minutia
const H_EB: usize = 36; // f32[n*K], relative direction
// 40, 44: unused
const H_NV: usize = 48; // voting edges (records at H_VOTE)
const H_MW: usize = 52;
const H_MH: usize = 56;
const H_SPANS: usize = 60; // i32[2*mh]: first and last seen cell of each row
const H_BW: usize = 64;
const H_BH: usize = 68;
const H_NSTART: usize = 72; // u16[(bw+2)*(bh+2)+1]: where each bucket's neighbourhood list starts (CompactTemplate.nstart)
const H_NIDX: usize = 76; // u8[]: the lists
const H_VOTE: usize = 80; // u8[16*nv]: the voting edges' records in key order (CompactTemplate.vote)
const H_FCOLS: usize = 84;
const H_FROWS: usize = 88;
const H_FDIR: usize = 92; // u8[fcols*frows]
const H_FCOUNT: usize = 96;
const H_FSPANS: usize = 100; // i32[2*frows]: first and last column with a direction of each row
const H_OX: usize = 104; // f64
const H_OY: usize = 112; // f64
const H_FCELL: usize = 120; // f64: px, not always whole (a record read at another resolution)

// --- parameters (match.ts explains each; keep the two in step)
const K: i32 = 10;
const TWO_PI: f64 = 2 * Math.PI;
const PI: f64 = Math.PI;
const D_TOL_ABS: f64 = 4;
const D_TOL_REL: f64 = 0.05;
const A_TOL: f64 = 0.3;
const INV_A_TOL: f64 = 1 / A_TOL;
const ROT_TOL: f64 = 0.4;
const TYPE_W: f64 = 0.8;
// the vote's best N_FIRST roots are always grown; the rest of its best N_ROOTS only when the first
// ones scored EXTRA_FROM or more (a comparison that found something, where a better alignment may
// hide behind a root the vote ranked lower), and then not the roots that the best alignment already
// pairs (they grow into what was found); see matcher/README.md, "How it works"
const N_ROOTS: i32 = 12;
const N_FIRST: i32 = 6;
const EXTRA_FROM: f64 = 0.25;
// a root lies on the best alignment if that alignment maps it within this many G_TOL (and G_ATOL)
const ON_BEST_TOL: f64 = 2;
const SUP_FRAC: f64 = 0.8;
const OV_MARGIN: f64 = 12;
const MASK_CELL: f64 = 6;
const BUCKET: f64 = 24;
const OV_MIN: f64 = 10;
const G_TOL: f64 = 8;
const G_TOL_REL: f64 = 0.08;
const G_ATOL: f64 = 0.5;
const FA_LO: f64 = 0.7;
const FA_HI: f64 = 0.95;
// the fields' agreement counts in full from this many overlapping cells (16 px: about a quarter of a
// 500-dpi print), in proportion below: over a small overlap a poor field (a dry print's) disagrees
// by chance as much as another finger's does, and small sensors (DB3, the R30x) mostly overlap less
const FA_CELLS: f64 = 40;
const FIELD_FLOOR: f64 = 0.25;
const FIELD_NONE: i32 = 255;
const ONE_BITS: i64 = reinterpret<i64>(<f64>1);
const TYPE_W_BITS: i64 = reinterpret<i64>(TYPE_W);
// the paired directions count in the rotation like a pair of minutiae this far (px) from the
// pairs' centroid: a few close pairs are aligned mostly by their directions, pairs spread over a
// print mostly by their positions (matcher/README.md, "How it works")
const DIR_LEVER: f64 = 80;
// a best score at least this high (near or above the thresholds) is aligned again on its global pairs
const REALIGN_FROM: f64 = 1.0;
const REALIGN_MIN_PAIRS: i32 = 4;

// --- scratch, laid out by setup()
let sVotes: usize = 0; // f64[128*128]
let sTouched: usize = 0; // i32[128*128]
let sRoots: usize = 0; // i32[32]
let sRootScore: usize = 0; // f64[32]
let sP2c: usize = 0; // i16[128], -1 between calls
let sC2p: usize = 0; // i16[128]
let sPairsP: usize = 0; // i16[128]
let sPairsC: usize = 0; // i16[128]
let sGPairs: usize = 0; // i32[32]
let sGSup: usize = 0; // f32[32]
let sGStart: usize = 0; // i32[32]
let sGAllP: usize = 0; // i16[32*128]
let sGAllC: usize = 0; // i16[32*128]
let sGrown: usize = 0; // u32[128*128]
let sFieldCos: usize = 0; // f64[128], written by the host
let sFieldSin: usize = 0; // f64[128]
let sOut: usize = 0; // f64[8], the detail of the last comparison
let sReP: usize = 0; // i16[128], the best pairing's global pairs, to align it again
let sReC: usize = 0; // i16[128]
let gen: u32 = 0;
let fuseMax: f64 = 0;

/** Lays out the scratch from `base` (zeroed memory) and returns its size in bytes. */
export function setup(base: usize): usize {
  let o = base;
  sVotes = o; o += 128 * 128 * 8;
  sTouched = o; o += 128 * 128 * 4;
  sRoots = o; o += 32 * 4;
  sRootScore = o; o += 32 * 8;
  sP2c = o; o += 128 * 2;
  sC2p = o; o += 128 * 2;
  sPairsP = o; o += 128 * 2;
  sPairsC = o; o += 128 * 2;
  sGPairs = o; o += 32 * 4;
  sGSup = o; o += 32 * 4;
  sGStart = o; o += 32 * 4;
  sGAllP = o; o += 32 * 128 * 2;
  sGAllC = o; o += 32 * 128 * 2;
  sGrown = o; o += 128 * 128 * 4;
  sFieldCos = o; o += 128 * 8;
  sFieldSin = o; o += 128 * 8;
  sOut = o; o += 8 * 8;
  sReP = o; o += 128 * 2;
  sReC = o; o += 128 * 2;
  for (let i: usize = 0; i < 128; i++) { store<i16>(sP2c + (i << 1), -1); store<i16>(sC2p + (i << 1), -1); }
  const r = (1 - FA_LO) / (FA_HI - FA_LO);
  fuseMax = r * r;
  return o - base;
}

/** the constants the host's preparation must share: 0 K, 1 MASK_CELL, 2 BUCKET */
export function constant(i: i32): f64 {
  return i == 0 ? <f64>K : i == 1 ? MASK_CELL : i == 2 ? BUCKET : NaN;
}

/** where the host writes the field cos/sin tables and reads the detail of a comparison */
export function fieldCosPtr(): usize { return sFieldCos; }
export function fieldSinPtr(): usize { return sFieldSin; }
export function outPtr(): usize { return sOut; }

@inline function hi(t: usize, f: usize): i32 { return load<i32>(t + f); }
@inline function hp(t: usize, f: usize): usize { return <usize>load<i32>(t + f); }
@inline function f32at(base: usize, i: i32): f64 { return <f64>load<f32>(base + (<usize>i << 2)); }
@inline function i16at(base: usize, i: i32): i32 { return <i32>load<i16>(base + (<usize>i << 1)); }
@inline function u16at(base: usize, i: i32): i32 { return <i32>load<u16>(base + (<usize>i << 1)); }
@inline function u8at(base: usize, i: i32): i32 { return <i32>load<u8>(base + <usize>i); }
@inline function i32at(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function seti16(base: usize, i: i32, v: i32): void { store<i16>(base + (<usize>i << 1), <i16>v); }
@inline function seti32(base: usize, i: i32, v: i32): void { store<i32>(base + (<usize>i << 2), v); }

/** Signed smallest difference of two angles, in (-π, π]. */
@inline function adiff(a: f64, b: f64): f64 {
  let d = a - b;
  if (d > PI) d -= TWO_PI; else if (d <= -PI) d += TWO_PI;
  if (d > PI) d -= TWO_PI; else if (d <= -PI) d += TWO_PI;
  return d;
}

/**
 * min(a, b) for a and b not both negative, without a branch: as signed integers their bits order
 * as they do (two negatives would order the other way). Math.min compiles to compares and jumps
 * (it must handle NaN and -0), and on angle differences they jump one way or the other at random.
 */
@inline function minSameSign(a: f64, b: f64): f64 {
  const x = reinterpret<i64>(a), y = reinterpret<i64>(b);
  return reinterpret<f64>(select<i64>(x, y, x < y));
}

/**
 * adiff for a and b in [0, 2π), without branches: their difference needs at most one turn, chosen
 * by selects on the bits (a select of doubles compiles to a jump)
 */
@inline function adiffFlat(a: f64, b: f64): f64 {
  const d = a - b;
  const up = reinterpret<i64>(d + TWO_PI), down = reinterpret<i64>(d - TWO_PI);
  return reinterpret<f64>(select<i64>(down, select<i64>(up, reinterpret<i64>(d), d <= -PI), d > PI));
}

/** JavaScript's Math.round for the non-negative values it is used on */
@inline function roundHalfUp(x: f64): f64 { return Math.floor(x + 0.5); }

function seen(t: usize, X: f64, Y: f64): bool {
  const cx = Math.floor((X - load<f64>(t + H_OX)) / MASK_CELL), cy = Math.floor((Y - load<f64>(t + H_OY)) / MASK_CELL);
  if (!(cx >= 0 && cy >= 0 && cx < <f64>hi(t, H_MW) && cy < <f64>hi(t, H_MH))) return false;
  const row = hp(t, H_SPANS) + (<usize>(<i32>cy) << 3);
  const x = <i32>cx;
  return x >= load<i32>(row) && x <= load<i32>(row, 4);
}

/**
 * One direction: probe p (with its edge hash hs/he) against candidate c. Returns the score and
 * leaves the detail (score, pairs, support, global pairs, inP, inC, field cells, field agreement)
 * at outPtr().
 */
export function compare(p: usize, c: usize, hs: usize, he: usize): f64 {
  const np = hi(p, H_N), nc = hi(c, H_N);
  for (let i = 0; i < 8; i++) store<f64>(sOut + (<usize>i << 3), 0);
  if (np < 3 || nc < 3) return 0;
  const votes = sVotes, touched = sTouched;
  let nT: i32 = 0;
  // 1. vote for root pairs through similar edges
  const ped = hp(p, H_ED), pea = hp(p, H_EA), peb = hp(p, H_EB), pnb = hp(p, H_NB);
  for (let rec = hp(c, H_VOTE), recEnd = rec + (<usize>hi(c, H_NV) << 4); rec < recEnd; rec += 16) {
    const key = <i32>load<u16>(rec);
    let h = u16at(hs, key);
    const end = u16at(hs, key + 1);
    if (h == end) continue;
    const ce = <i32>load<u8>(rec, 2), cn = <i32>load<u8>(rec, 3);
    const d = <f64>load<f32>(rec, 4), ea = <f64>load<f32>(rec, 8), eb = <f64>load<f32>(rec, 12);
    const tol = D_TOL_ABS + D_TOL_REL * d, itol = 1 / tol;
    for (; h < end; h++) {
      // without branches: about three entries in four fail a test, which one at random, so branches
      // here were mispredicted often; a failed entry adds 0 to its cells (votes are sums of
      // positive weights, so +0 and -0 leave a cell as it was) and does not count as touching them
      const pe = u16at(he, h);
      const dd = Math.abs(f32at(ped, pe) - d);
      let da = Math.abs(f32at(pea, pe) - ea);
      da = minSameSign(da, TWO_PI - da);
      let dbb = Math.abs(f32at(peb, pe) - eb);
      dbb = minSameSign(dbb, TWO_PI - dbb);
      const ok = <i32>(dd <= tol) & <i32>(da <= A_TOL) & <i32>(dbb <= A_TOL);
      const w = (3.001 - dd * itol - (da + dbb) * INV_A_TOL) * <f64>ok;
      const k1 = (pe / K) * nc + ce, k2 = i16at(pnb, pe) * nc + cn;
      const a1 = votes + (<usize>k1 << 3), a2 = votes + (<usize>k2 << 3);
      let v = load<f64>(a1);
      seti32(touched, nT, k1); nT += ok & <i32>(v == 0);
      store<f64>(a1, v + w);
      v = load<f64>(a2);
      seti32(touched, nT, k2); nT += ok & <i32>(v == 0);
      store<f64>(a2, v + w);
    }
  }
  // 2. best roots
  const roots = sRoots, rs = sRootScore;
  let nr: i32 = 0;
  for (let t = 0; t < nT; t++) {
    const k = i32at(touched, t);
    const a = votes + (<usize>k << 3);
    const v = load<f64>(a);
    store<f64>(a, 0);
    if (nr == N_ROOTS && v <= load<f64>(rs + (<usize>(nr - 1) << 3))) continue;
    let i = nr < N_ROOTS ? nr++ : nr - 1;
    while (i > 0 && load<f64>(rs + (<usize>(i - 1) << 3)) < v) {
      store<f64>(rs + (<usize>i << 3), load<f64>(rs + (<usize>(i - 1) << 3)));
      seti32(roots, i, i32at(roots, i - 1));
      i--;
    }
    store<f64>(rs + (<usize>i << 3), v);
    seti32(roots, i, k);
  }
  // 3. grow a pairing from each root not already inside one, 4. score the pairings with nearly the
  // best support; keep the best score. In two passes: the first roots, then the extra ones.
  const grown = sGrown;
  gen++;
  if (gen == 0xffffffff) { memory.fill(grown, 0, 128 * 128 * 4); gen = 1; }
  let ng: i32 = 0, used: i32 = 0;
  let maxSup: f64 = 0;
  let best: f64 = 0, bestPairs: f64 = 0, bestSupport: f64 = 0;
  let bInP: f64 = <f64>np, bInC: f64 = <f64>nc, bGp: f64 = 0, bFn: f64 = 0, bFa: f64 = 0;
  let bestG: i32 = -1, second: f64 = 0;
  // the best pairing's alignment
  let bCo: f64 = 1, bSi: f64 = 0, bTx: f64 = 0, bTy: f64 = 0, bTh: f64 = 0;
  // the detail of the runner-up, reported if the realigned best falls below it
  let sPairs: f64 = 0, sSupport: f64 = 0, sInP: f64 = <f64>np, sInC: f64 = <f64>nc, sGp: f64 = 0, sFn: f64 = 0, sFa: f64 = 0;
  for (let pass = 0; pass < 2; pass++) {
    const r0 = pass == 0 ? 0 : N_FIRST, r1 = pass == 0 ? min(nr, N_FIRST) : nr;
    if (pass == 1 && (best < EXTRA_FROM || r1 <= r0)) break;
    const g0 = ng;
    for (let r = r0; r < r1; r++) {
      const k = i32at(roots, r);
      if (load<u32>(grown + (<usize>k << 2)) == gen) continue;
      const pi = k / nc, ci = k - pi * nc;
      if (pass == 1) {
        // a root the best alignment already pairs grows into what was found
        const xj = f32at(hp(c, H_X), ci), yj = f32at(hp(c, H_Y), ci);
        const X = bCo * xj - bSi * yj + bTx, Y = bSi * xj + bCo * yj + bTy;
        const dx = f32at(hp(p, H_X), pi) - X, dy = f32at(hp(p, H_Y), pi) - Y;
        const da = Math.abs(adiff(f32at(hp(c, H_A), ci) + bTh, f32at(hp(p, H_A), pi)));
        if (dx * dx + dy * dy <= ON_BEST_TOL * ON_BEST_TOL * G_TOL * G_TOL && da <= G_ATOL) continue;
      }
      const res = grow(p, c, pi, ci);
      const pairs = res >> 16;
      const support = <f64>(res & 0xffff) / 8;
      for (let i = 0; i < pairs; i++) store<u32>(grown + (<usize>(i16at(sPairsP, i) * nc + i16at(sPairsC, i)) << 2), gen);
      if (pairs < 3) continue;
      seti32(sGPairs, ng, pairs);
      store<f32>(sGSup + (<usize>ng << 2), <f32>support);
      seti32(sGStart, ng, used);
      for (let i = 0; i < pairs; i++) { seti16(sGAllP, used + i, i16at(sPairsP, i)); seti16(sGAllC, used + i, i16at(sPairsC, i)); }
      used += pairs;
      if (support > maxSup) maxSup = support;
      ng++;
    }
    for (let g = g0; g < ng; g++) {
      const pairs = i32at(sGPairs, g);
      const support = <f64>load<f32>(sGSup + (<usize>g << 2));
      if (support < SUP_FRAC * maxSup) continue;
      align(p, c, sGAllP, sGAllC, i32at(sGStart, g), pairs);
      globalPairs(p, c);
      let s = finalScore(support, ovGp, ovGpt, ovGerr, ovInP, ovInC);
      // the fields can raise a score by at most fuseMax: a pairing that cannot win is not checked
      if (s * fuseMax <= best) continue;
      if (s < FIELD_FLOOR) { faN = 0; faAgree = 0; }
      else { fieldAgreement(p, c); s = fuse(s, faN, faAgree); }
      if (s > best) {
        second = best; sPairs = bestPairs; sSupport = bestSupport; sInP = bInP; sInC = bInC; sGp = bGp; sFn = bFn; sFa = bFa;
        best = s; bestPairs = <f64>pairs; bestSupport = support; bFn = <f64>faN; bFa = faAgree;
        bInP = ovInP; bInC = ovInC; bGp = <f64>ovGp; bestG = g;
        bCo = alCo; bSi = alSi; bTx = alTx; bTy = alTy; bTh = alTh;
      } else if (s > second) {
        second = s; sPairs = <f64>pairs; sSupport = support; sInP = ovInP; sInC = ovInC; sGp = <f64>ovGp; sFn = <f64>faN; sFa = faAgree;
      }
    }
  }
  // 5. near the thresholds, align the best pairing again on its global pairs: they span the whole
  // overlap, where the local pairing it grew from covers one region of it
  if (best >= REALIGN_FROM) {
    align(p, c, sGAllP, sGAllC, i32at(sGStart, bestG), i32at(sGPairs, bestG));
    globalPairs(p, c);
    const m = ovGp;
    if (m >= REALIGN_MIN_PAIRS) {
      memory.copy(sReP, sPairsP, <usize>m << 1);
      memory.copy(sReC, sPairsC, <usize>m << 1);
      align(p, c, sReP, sReC, 0, m);
      globalPairs(p, c);
      let s = finalScore(bestSupport, ovGp, ovGpt, ovGerr, ovInP, ovInC);
      if (s < FIELD_FLOOR) { faN = 0; faAgree = 0; }
      else { fieldAgreement(p, c); s = fuse(s, faN, faAgree); }
      // the new alignment replaces the old one's score, but not below the next best pairing's
      if (s >= second) { best = s; bFn = <f64>faN; bFa = faAgree; bInP = ovInP; bInC = ovInC; bGp = <f64>ovGp; }
      else { best = second; bestPairs = sPairs; bestSupport = sSupport; bInP = sInP; bInC = sInC; bGp = sGp; bFn = sFn; bFa = sFa; }
    }
  }
  store<f64>(sOut, best); store<f64>(sOut + 8, bestPairs); store<f64>(sOut + 16, bestSupport); store<f64>(sOut + 24, bGp);
  store<f64>(sOut + 32, bInP); store<f64>(sOut + 40, bInC); store<f64>(sOut + 48, bFn); store<f64>(sOut + 56, bFa);
  return best;
}

function finalScore(support: f64, gp: i32, gpt: i32, gerr: f64, inP: f64, inC: f64): f64 {
  const ip = Math.max(inP, OV_MIN), ic = Math.max(inC, OV_MIN);
  return (support * <f64>gp * <f64>(gp + gpt) * 0.5) / (ip * ic) * (2 - gerr);
}

let faN: i32 = 0;
let faAgree: f64 = 0;

function fuse(s: f64, n: i32, agree: f64): f64 {
  if (n == 0) return s;
  const a = Math.max(0, (agree - FA_LO) / (FA_HI - FA_LO));
  const w = Math.min(1, <f64>n / FA_CELLS);
  const f = 1 - w + w * a;
  return s * f * f;
}

function fieldAgreement(p: usize, c: usize): void {
  faN = 0; faAgree = 0;
  if (!hi(p, H_FCOUNT) || !hi(c, H_FCOUNT)) return;
  const th = alTh, co = alCo, si = alSi, tx = alTx, ty = alTy;
  const c2t = hostCos(2 * th), s2t = hostSin(2 * th);
  const pcell = load<f64>(p + H_FCELL), pcols = hi(p, H_FCOLS), prows = hi(p, H_FROWS), pd = hp(p, H_FDIR);
  const inv = 1 / load<f64>(c + H_FCELL), cols = hi(c, H_FCOLS), rows = hi(c, H_FROWS), cd = hp(c, H_FDIR);
  const fcols = <f64>cols, frows = <f64>rows;
  const ux = co * pcell * inv, vx = -si * pcell * inv;
  let n: i32 = 0;
  let sum: f64 = 0;
  const pspans = hp(p, H_FSPANS);
  for (let gy = 0; gy < prows; gy++) {
    // only the probe's cells from the row's first direction to its last (about half of them); the
    // cells before still step u and v, so that each cell's position is the same sum as before
    const first = i32at(pspans, gy << 1), last = i32at(pspans, (gy << 1) + 1);
    if (first > last) continue;
    const dx = 0.5 * pcell - tx, dy = (<f64>gy + 0.5) * pcell - ty;
    let u = (co * dx + si * dy) * inv, v = (-si * dx + co * dy) * inv;
    for (let k = 0; k < first; k++) { u += ux; v += vx; }
    for (let i = gy * pcols + first, end = gy * pcols + last + 1; i < end; i++, u += ux, v += vx) {
      const d = u8at(pd, i);
      if (d == FIELD_NONE || u < 0 || v < 0 || u >= fcols || v >= frows) continue;
      const e = u8at(cd, <i32>v * cols + <i32>u);
      if (e == FIELD_NONE) continue;
      const k = (d - e) & 127;
      sum += load<f64>(sFieldCos + (<usize>k << 3)) * c2t + load<f64>(sFieldSin + (<usize>k << 3)) * s2t;
      n++;
    }
  }
  faN = n; faAgree = n ? sum / <f64>n : 0;
}

// results of globalPairs
let ovInP: f64 = 0, ovInC: f64 = 0, ovGerr: f64 = 0;
let ovGp: i32 = 0, ovGpt: i32 = 0;
// alignment of the candidate onto the probe: p ~ R(-th) c + (tx, ty)
let alTh: f64 = 0, alCo: f64 = 1, alSi: f64 = 0, alTx: f64 = 0, alTy: f64 = 0, alGx: f64 = 0, alGy: f64 = 0;

/**
 * The rigid alignment of m pairs (probe minutiae ap[o..o+m), candidate minutiae ac[o..o+m)):
 * translation by the centroids; rotation by least squares over the pairs' positions about their
 * centroids (Procrustes), with the mean difference of the paired directions weighed in as if it
 * were a pair DIR_LEVER px out. The directions alone (what this was before) carry each minutia's
 * few degrees of tracing error into the rotation, which at 100 px from the centroid moves a
 * minutia by several pixels; positions spread over the print fix the rotation better.
 */
function align(p: usize, c: usize, ap: usize, ac: usize, o: i32, m: i32): void {
  const pa = hp(p, H_A), ca = hp(c, H_A), px = hp(p, H_X), py = hp(p, H_Y), cx = hp(c, H_X), cy = hp(c, H_Y);
  let sx: f64 = 0, sy: f64 = 0, pxm: f64 = 0, pym: f64 = 0, cxm: f64 = 0, cym: f64 = 0;
  for (let i = o; i < o + m; i++) {
    const pi = i16at(ap, i), ci = i16at(ac, i);
    const d = f32at(pa, pi) - f32at(ca, ci);
    sx += hostCos(d); sy += hostSin(d);
    pxm += f32at(px, pi); pym += f32at(py, pi); cxm += f32at(cx, ci); cym += f32at(cy, ci);
  }
  const fm = <f64>m;
  pxm /= fm; pym /= fm; cxm /= fm; cym /= fm;
  // sum of (candidate offset) x conj(probe offset) as a complex number, in pixel coordinates
  let zr: f64 = 0, zi: f64 = 0;
  for (let i = o; i < o + m; i++) {
    const pi = i16at(ap, i), ci = i16at(ac, i);
    const ux = f32at(cx, ci) - cxm, uy = f32at(cy, ci) - cym, vx = f32at(px, pi) - pxm, vy = f32at(py, pi) - pym;
    zr += ux * vx + uy * vy; zi += ux * vy - uy * vx;
  }
  // the directions' angles are counter-clockwise on screen (y up), the positions' y runs down
  zr += DIR_LEVER * DIR_LEVER * sx; zi -= DIR_LEVER * DIR_LEVER * sy;
  const th = -hostAtan2(zi, zr);
  const co = hostCos(th), si = -hostSin(th);
  alTh = th; alCo = co; alSi = si;
  alTx = pxm - (co * cxm - si * cym); alTy = pym - (si * cxm + co * cym);
  alGx = pxm; alGy = pym;
}

function globalPairs(p: usize, c: usize): void {
  const th = alTh, co = alCo, si = alSi, tx = alTx, ty = alTy, gx = alGx, gy = alGy;
  const usedP = sP2c, gP = sPairsP, gC = sPairsC; // free between grow() calls
  let gp: i32 = 0, gpt: i32 = 0;
  let gerr: f64 = 0, inC: f64 = 0;
  const pa = hp(p, H_A), px = hp(p, H_X), py = hp(p, H_Y), pt = hp(p, H_T);
  const pns = hp(p, H_NSTART), pni = hp(p, H_NIDX), pbw = hi(p, H_BW), pbh = hi(p, H_BH);
  const pox = load<f64>(p + H_OX), poy = load<f64>(p + H_OY);
  const cx = hp(c, H_X), cy = hp(c, H_Y), ca = hp(c, H_A), ct = hp(c, H_T), cw = hp(c, H_W);
  const ncand = hi(c, H_N);
  for (let j = 0; j < ncand; j++) {
    const xj = f32at(cx, j), yj = f32at(cy, j);
    const X = co * xj - si * yj + tx, Y = si * xj + co * yj + ty;
    if (seen(p, X, Y)) inC += f32at(cw, j);
    let aj = f32at(ca, j) + th;
    if (aj < 0) aj += TWO_PI; else if (aj >= TWO_PI) aj -= TWO_PI;
    const rg = Math.sqrt((X - gx) * (X - gx) + (Y - gy) * (Y - gy));
    const tol = Math.min(BUCKET, G_TOL + G_TOL_REL * rg), tol2 = tol * tol;
    // every probe minutia within tol (<= BUCKET) is in the 3 x 3 buckets around the one (X, Y)
    // falls in: one list holds them, row by row (a bucket off the grid's ring holds none)
    let bi: i32 = -1;
    let be: f64 = 1e9;
    const bx = Math.floor((X - pox) / BUCKET), by = Math.floor((Y - poy) / BUCKET);
    if (bx >= -1 && by >= -1 && bx <= <f64>pbw && by <= <f64>pbh) {
      const cell = (<i32>by + 1) * (pbw + 2) + <i32>bx + 1;
      for (let h = u16at(pns, cell), end = u16at(pns, cell + 1); h < end; h++) {
        const i = u8at(pni, h);
        const dx = f32at(px, i) - X, dy = f32at(py, i) - Y;
        const d2 = dx * dx + dy * dy;
        let da = Math.abs(f32at(pa, i) - aj);
        da = minSameSign(da, TWO_PI - da);
        // one test where there were three, each failing at random
        if (<i32>(i16at(usedP, i) >= 0) | <i32>(d2 > tol2) | <i32>(da > G_ATOL)) continue;
        const e = Math.sqrt(d2) / tol + da / G_ATOL;
        if (e < be) { be = e; bi = i; }
      }
    }
    if (bi >= 0) {
      seti16(usedP, bi, j); seti16(gP, gp, bi); seti16(gC, gp, j); gp++; gerr += be;
      const tb = u8at(pt, bi), tj = u8at(ct, j);
      if (tb == tj || tb == 0 || tj == 0) gpt++;
    }
  }
  for (let k = 0; k < gp; k++) seti16(usedP, i16at(gP, k), -1);
  ovGp = gp; ovGerr = gp ? gerr / <f64>gp : 0; ovGpt = gpt;
  let inP: f64 = 0;
  const pw = hp(p, H_W), nprobe = hi(p, H_N);
  for (let i = 0; i < nprobe; i++) {
    const dx = f32at(px, i) - tx, dy = f32at(py, i) - ty;
    if (seen(c, co * dx + si * dy, -si * dx + co * dy)) inP += f32at(pw, i);
  }
  ovInP = inP; ovInC = inC;
}

/**
 * Grows a pairing from root (pi0, ci0) by walking both neighbour graphs together; returns
 * pairs<<16 | 8 x weighted supporting edges, the pairing left in sPairsP/sPairsC.
 */
function grow(p: usize, c: usize, pi0: i32, ci0: i32): i32 {
  const p2c = sP2c, c2p = sC2p, pp = sPairsP, pc = sPairsC;
  const pnb = hp(p, H_NB), ped = hp(p, H_ED), pea = hp(p, H_EA), peb = hp(p, H_EB), pa = hp(p, H_A), pt = hp(p, H_T);
  const cnb = hp(c, H_NB), ced = hp(c, H_ED), cea = hp(c, H_EA), ceb = hp(c, H_EB), ca = hp(c, H_A), ct = hp(c, H_T);
  const rot = adiff(f32at(ca, ci0), f32at(pa, pi0));
  let np: i32 = 0;
  seti16(p2c, pi0, ci0); seti16(c2p, ci0, pi0); seti16(pp, np, pi0); seti16(pc, np, ci0); np++;
  let head: i32 = 0;
  let support: f64 = 0;
  while (head < np) {
    const pi = i16at(pp, head), ci = i16at(pc, head);
    head++;
    const tpi = u8at(pt, pi), tci = u8at(ct, ci);
    const rootTypesAgree = <i32>(tpi == tci) | <i32>(tpi == 0) | <i32>(tci == 0);
    const cbase = ci * K, cend = cbase + K;
    // both neighbour lists are sorted by distance, and the shortest candidate edge a probe edge of
    // length d can match (d - tol(d)) grows with d: the candidate edges too short for one probe
    // edge are too short for the next, so the scan starts where the last one's did
    let lo = cbase;
    for (let ep = pi * K, epEnd = ep + K; ep < epEnd; ep++) {
      const pj = i16at(pnb, ep);
      if (pj < 0) break;
      const d = f32at(ped, ep), ea = f32at(pea, ep), eb = f32at(peb, ep);
      const tol = D_TOL_ABS + D_TOL_REL * d, itol = 1 / tol;
      while (lo < cend && i16at(cnb, lo) >= 0 && d - f32at(ced, lo) > tol) lo++;
      let bestC: i32 = -1;
      let bestE: f64 = 1e9;
      for (let ec = lo; ec < cend; ec++) {
        const cj = i16at(cnb, ec);
        if (cj < 0) break;
        const dr = f32at(ced, ec) - d;
        if (dr > tol) break;
        // from lo on dr >= -tol; whether the edge is shorter or longer, and which angle fails,
        // are random: one test of both angles, computed without branches, where there were three
        const dd = Math.abs(dr);
        let da = Math.abs(f32at(cea, ec) - ea);
        da = minSameSign(da, TWO_PI - da);
        let db = Math.abs(f32at(ceb, ec) - eb);
        db = minSameSign(db, TWO_PI - db);
        if (<i32>(da > A_TOL) | <i32>(db > A_TOL)) continue;
        const err = dd * itol + (da + db) * INV_A_TOL;
        if (err < bestE) { bestE = err; bestC = cj; }
      }
      if (bestC < 0) continue;
      const cur = i16at(p2c, pj);
      const tpj = u8at(pt, pj), tcj = u8at(ct, bestC);
      const agree = rootTypesAgree & (<i32>(tpj == tcj) | <i32>(tpj == 0) | <i32>(tcj == 0));
      const w = reinterpret<f64>(select<i64>(ONE_BITS, TYPE_W_BITS, agree));
      if (cur == bestC) { support += w; continue; }
      // taken on either side, or turned too far from the root's rotation: one test, without the
      // branches of adiff (|adiff(x, rot)| is the circular distance of x and rot)
      const turn = Math.abs(adiffFlat(f32at(ca, bestC), f32at(pa, pj)) - rot);
      if (<i32>(cur >= 0) | <i32>(i16at(c2p, bestC) >= 0) | <i32>(minSameSign(turn, TWO_PI - turn) > ROT_TOL)) continue;
      seti16(p2c, pj, bestC); seti16(c2p, bestC, pj); seti16(pp, np, pj); seti16(pc, np, bestC); np++;
      support += w;
    }
  }
  for (let i = 0; i < np; i++) { seti16(p2c, i16at(pp, i), -1); seti16(c2p, i16at(pc, i), -1); }
  return (np << 16) | <i32>Math.min(roundHalfUp(support * 8), 0xffff);
}
