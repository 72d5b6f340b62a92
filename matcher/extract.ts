import { resampleTo } from './image.ts';
import { directionBin } from './direction-bin.ts';
import { blockDistance, removeSmall } from './raster.ts';
import { thin } from './thin.ts';
import { findMinutiae } from './minutiae.ts';
import { FIELD_NONE, type GrayImage, type OrientationField, type Template } from './types.ts';

/**
 * Feature extraction at 500 dpi. Every length below is in 500-dpi pixels (ridge period ~8-10 px),
 * which is why images are resampled first: no parameter depends on the sensor or image size.
 */
const BS = 8; // block size for orientation / segmentation
const NORI = 32; // orientation bins of the oriented filters
const MIN_T = 5, MAX_T = 15; // ridge period range (px)
/**
 * Taps of both oriented filters. Their interior sums in extractTemplate are written out for exactly
 * this many: as a loop over the taps V8 pays three bounds-checked loads a tap, and written out the
 * whole extraction takes ~13 % less time with the same templates. Change the sums with it.
 */
const FILTER_TAPS = 15;
const ALONG_R = (FILTER_TAPS - 1) / 2; // along-ridge smoothing radius
const ALONG_SIGMA = 3.5;
const ACROSS_R = (FILTER_TAPS - 1) / 2; // across-ridge Gabor radius

export interface ExtractResult {
  template: Template;
  /** 0-100; capture screens ask for another try below ~40 */
  quality: number;
}

export interface ExtractDebug {
  width: number;
  height: number;
  mask: Uint8Array; // per pixel foreground
  enhanced: Float32Array;
  binary: Uint8Array;
  skeleton: Uint8Array;
}

// Kernel tables, built once.
const alongOff: Int32Array[] = []; // per orientation: dx,dy pairs
const acrossOff: Int32Array[] = [];
const alongW = new Float32Array(2 * ALONG_R + 1);
let alongSum = 0;
const acrossW: Float32Array[] = []; // per period
(function buildTables() {
  let s = 0;
  for (let k = -ALONG_R; k <= ALONG_R; k++) { const w = Math.exp(-(k * k) / (2 * ALONG_SIGMA * ALONG_SIGMA)); alongW[k + ALONG_R] = w; s += w; }
  for (let k = 0; k < alongW.length; k++) alongW[k]! /= s;
  // summed in the filter's order, so that the interior path divides by exactly what the edge path adds up
  for (let k = 0; k < alongW.length; k++) alongSum += alongW[k]!;
  for (let o = 0; o < NORI; o++) {
    // orientation o: ridge direction angle th (pixel coordinates, y down), 0..π
    const th = (o * Math.PI) / NORI;
    const c = Math.cos(th), sn = Math.sin(th);
    const a = new Int32Array(2 * (2 * ALONG_R + 1));
    for (let k = -ALONG_R; k <= ALONG_R; k++) { a[2 * (k + ALONG_R)] = Math.round(k * c); a[2 * (k + ALONG_R) + 1] = Math.round(k * sn); }
    alongOff.push(a);
    const b = new Int32Array(2 * (2 * ACROSS_R + 1));
    for (let k = -ACROSS_R; k <= ACROSS_R; k++) { b[2 * (k + ACROSS_R)] = Math.round(-k * sn); b[2 * (k + ACROSS_R) + 1] = Math.round(k * c); }
    acrossOff.push(b);
  }
  for (let T = MIN_T; T <= MAX_T; T++) {
    const w = new Float32Array(2 * ACROSS_R + 1);
    const sig = 0.42 * T;
    let mean = 0, env = 0;
    for (let k = -ACROSS_R; k <= ACROSS_R; k++) {
      const e = Math.exp(-(k * k) / (2 * sig * sig));
      w[k + ACROSS_R] = e * Math.cos((2 * Math.PI * k) / T);
      mean += w[k + ACROSS_R]!; env += e;
    }
    // zero DC so that brightness does not leak into the response
    for (let k = 0; k < w.length; k++) {
      const e = Math.exp(-((k - ACROSS_R) ** 2) / (2 * sig * sig));
      w[k] = w[k]! - (mean * e) / env;
    }
    acrossW.push(w);
  }
})();

/** Sizes shared by the stages: the image at 500 dpi and its grid of BS x BS blocks. */
interface Geometry { w: number; h: number; n: number; bw: number; bh: number; nb: number }

/**
 * The extraction pipeline. Each stage is its own function: besides reading as the steps they are,
 * V8 optimises small functions sooner and separately, where one function of 260 lines was compiled
 * (and re-compiled after deoptimisations) whole, so the first images of a process were slow.
 */
export function extractTemplate(input: GrayImage, debug?: (d: ExtractDebug) => void): ExtractResult {
  const img = resampleTo(input, 500);
  const w = img.width, h = img.height, bw = Math.ceil(w / BS), bh = Math.ceil(h / BS);
  const g: Geometry = { w, h, n: w * h, bw, bh, nb: bw * bh };
  const px = img.pixels;
  const st = blockStatistics(px, g);
  const { mask, coh } = segment(st, g);
  const { ovx, ovy, ori } = orientationField(st, g);
  const { obin, pmask } = orientationBins(ovx, ovy, mask, g);
  const norm = normalise(px, st, g);
  const along = alongRidge(norm, obin, mask, g);
  const period = ridgePeriods(along, ori, mask, pmask, g);
  const enh = acrossRidge(along, period, obin, mask, g);
  const { bq, bqS } = blockQuality(enh, mask, coh, st.bcnt, g);
  const bin = binarise(enh, pmask, g);
  const skel = Uint8Array.from(bin);
  thin(skel, w, h);

  // distance (in blocks) to background, for minutia quality and border rejection
  const bdist = blockDistance(mask, bw, bh);
  const clarity = blockClarity(norm, enh, mask, g);
  const minutiae = findMinutiae(skel, w, h, (x, y) => {
    const bi = ((y / BS) | 0) * bw + ((x / BS) | 0);
    return { dist: bdist[bi]!, q: bqS[bi]! * Math.min(1, clarity[bi]! / CLARITY_FULL), ori: ori[bi]! };
  });
  const quality = imageQuality(mask, bq, minutiae.length, g);

  if (debug) {
    debug({ width: w, height: h, mask: pmask, enhanced: enh, binary: bin, skeleton: skel });
  }
  const flow = storedFlow(ovx, ovy, enh, pmask, w, h, bw, bh);
  const field = fieldCells(flow.vx, flow.vy, mask, bq, bw, bh);
  return { template: { width: w, height: h, resolution: 500, quality, minutiae, field }, quality };
}

interface BlockStatistics {
  /** the gradient's structure tensor summed per block */
  gxx: Float32Array; gyy: Float32Array; gxy: Float32Array;
  /** grey-level sum, sum of squares and pixel count per block */
  bsum: Float32Array; bsq: Float32Array; bcnt: Float32Array;
  /** doubled-angle gradient vectors and mean gradient energy per block */
  vx: Float32Array; vy: Float32Array; energy: Float32Array;
}

/** Sobel gradients and grey levels summed block by block. */
function blockStatistics(px: Uint8Array, g: Geometry): BlockStatistics {
  const { w, h, bw, bh, nb } = g;
  const gxx = new Float32Array(nb), gyy = new Float32Array(nb), gxy = new Float32Array(nb);
  const bsum = new Float32Array(nb), bsq = new Float32Array(nb), bcnt = new Float32Array(nb);
  // block by block, summing in locals; each sum is rounded to float32 at every step, as it was when
  // these sums were kept in the Float32Arrays pixel by pixel (the templates stay bit for bit the same)
  const fr = Math.fround;
  for (let by = 0; by < bh; by++) {
    const y0 = by * BS, y1 = Math.min(h, y0 + BS);
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * BS, x1 = Math.min(w, x0 + BS);
      let sxx = 0, syy = 0, sxy = 0, sum = 0, sq = 0;
      if (y0 > 0 && x0 > 0 && y1 < h && x1 < w) {
        // inside the image's frame every neighbour exists: no clamping (the same sums)
        for (let y = y0; y < y1; y++) {
          for (let p = y * w + x0, end = y * w + x1; p < end; p++) {
            const a = px[p - w - 1]!, b = px[p - w]!, c = px[p - w + 1]!;
            const d = px[p - 1]!, f = px[p + 1]!;
            const gg = px[p + w - 1]!, hh = px[p + w]!, i = px[p + w + 1]!;
            const gx = c + 2 * f + i - a - 2 * d - gg;
            const gy = gg + 2 * hh + i - a - 2 * b - c;
            sxx = fr(sxx + gx * gx); syy = fr(syy + gy * gy); sxy = fr(sxy + gx * gy);
            const v = px[p]!;
            sum = fr(sum + v); sq = fr(sq + v * v);
          }
        }
        const bi = by * bw + bx;
        gxx[bi] = sxx; gyy[bi] = syy; gxy[bi] = sxy; bsum[bi] = sum; bsq[bi] = sq; bcnt[bi] = (y1 - y0) * (x1 - x0);
        continue;
      }
      for (let y = y0; y < y1; y++) {
        const ym = y > 0 ? y - 1 : 0, yp = y < h - 1 ? y + 1 : y;
        for (let x = x0; x < x1; x++) {
          const xm = x > 0 ? x - 1 : 0, xp = x < w - 1 ? x + 1 : x;
          const a = px[ym * w + xm]!, b = px[ym * w + x]!, c = px[ym * w + xp]!;
          const d = px[y * w + xm]!, f = px[y * w + xp]!;
          const gg = px[yp * w + xm]!, hh = px[yp * w + x]!, i = px[yp * w + xp]!;
          const gx = c + 2 * f + i - a - 2 * d - gg;
          const gy = gg + 2 * hh + i - a - 2 * b - c;
          sxx = fr(sxx + gx * gx); syy = fr(syy + gy * gy); sxy = fr(sxy + gx * gy);
          const v = px[y * w + x]!;
          sum = fr(sum + v); sq = fr(sq + v * v);
        }
      }
      const bi = by * bw + bx;
      gxx[bi] = sxx; gyy[bi] = syy; gxy[bi] = sxy; bsum[bi] = sum; bsq[bi] = sq; bcnt[bi] = (y1 - y0) * (x1 - x0);
    }
  }
  const vx = new Float32Array(nb), vy = new Float32Array(nb), energy = new Float32Array(nb);
  for (let i = 0; i < nb; i++) {
    vx[i] = gxx[i]! - gyy[i]!; vy[i] = 2 * gxy[i]!;
    energy[i] = (gxx[i]! + gyy[i]!) / bcnt[i]!;
  }
  return { gxx, gyy, gxy, bsum, bsq, bcnt, vx, vy, energy };
}

/** Foreground blocks: enough gradient energy and coherence (the mask cleaned), and each block's coherence. */
function segment(st: BlockStatistics, g: Geometry): { mask: Uint8Array; coh: Float32Array } {
  const { bw, bh, nb } = g;
  const { vx, vy, energy, bcnt } = st;
  const eS = boxBlur(energy, bw, bh, 1);
  const sorted = Float32Array.from(eS).sort();
  const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
  const p05 = sorted[Math.floor(sorted.length * 0.05)]!;
  const thr = Math.max(p05 * 2.5, p95 * 0.12, 300);
  const svx = gaussBlur(vx, bw, bh, 1.5), svy = gaussBlur(vy, bw, bh, 1.5), sen = gaussBlur(energy, bw, bh, 1.5);
  const mask = new Uint8Array(nb);
  const coh = new Float32Array(nb);
  for (let i = 0; i < nb; i++) {
    coh[i] = Math.hypot(svx[i]!, svy[i]!) / (sen[i]! * bcnt[i]! + 1e-6);
    mask[i] = eS[i]! > thr && coh[i]! > 0.08 ? 1 : 0;
  }
  return { mask: cleanMask(mask, bw, bh), coh };
}

/** The ridge flow that steers the filters: smoothed doubled-angle vectors, and the ridge direction per block. */
function orientationField(st: BlockStatistics, g: Geometry): { ovx: Float32Array; ovy: Float32Array; ori: Float32Array } {
  const { bw, bh, nb } = g;
  const ovx = gaussBlur(st.vx, bw, bh, 2.2), ovy = gaussBlur(st.vy, bw, bh, 2.2);
  // ridge direction angle per block (pixel coords), 0..π
  const ori = new Float32Array(nb);
  for (let i = 0; i < nb; i++) {
    let t = 0.5 * Math.atan2(ovy[i]!, ovx[i]!) + Math.PI / 2;
    if (t >= Math.PI) t -= Math.PI;
    ori[i] = t;
  }
  return { ovx, ovy, ori };
}

/**
 * The foreground per pixel, and inside it each pixel's filter orientation bin by bilinear
 * interpolation of the doubled-angle field (sharing one bin per 2x2 pixels was tried: it moved the
 * mean EER from 1.28 to 1.88, see matcher/README.md).
 */
function orientationBins(ovx: Float32Array, ovy: Float32Array, mask: Uint8Array, g: Geometry): { obin: Uint8Array; pmask: Uint8Array } {
  const { w, h, n, bw, bh } = g;
  const obin = new Uint8Array(n);
  const pmask = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    const row = ((y / BS) | 0) * bw, prow = y * w;
    for (let bx = 0; bx < bw; bx++) {
      if (!mask[row + bx]) continue;
      for (let p = prow + bx * BS, end = prow + Math.min(w, bx * BS + BS); p < end; p++) pmask[p] = 1;
    }
  }
  // the interpolation's columns and weight along x, the same for every row
  const cx0 = new Int32Array(w), cx1 = new Int32Array(w), cax = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) / BS - 0.5, 0), bw - 1);
    const x0 = Math.floor(fx);
    cx0[x] = x0; cx1[x] = Math.min(bw - 1, x0 + 1); cax[x] = fx - x0;
  }
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) / BS - 0.5, 0), bh - 1);
    const y0 = Math.floor(fy), y1 = Math.min(bh - 1, y0 + 1), ay = fy - y0;
    const brow = ((y / BS) | 0) * bw;
    for (let bx = 0; bx < bw; bx++) {
      if (!mask[brow + bx]) continue;
      for (let x = bx * BS, xEnd = Math.min(w, bx * BS + BS); x < xEnd; x++) {
      const x0 = cx0[x]!, x1 = cx1[x]!, ax = cax[x]!;
      const i00 = y0 * bw + x0, i01 = y0 * bw + x1, i10 = y1 * bw + x0, i11 = y1 * bw + x1;
      const a = (1 - ax) * (1 - ay), b = ax * (1 - ay), c = (1 - ax) * ay, d = ax * ay;
      const X = a * ovx[i00]! + b * ovx[i01]! + c * ovx[i10]! + d * ovx[i11]!;
      const Y = a * ovy[i00]! + b * ovy[i01]! + c * ovy[i10]! + d * ovy[i11]!;
      obin[y * w + x] = directionBin(Y, X, NORI);
      }
    }
  }
  return { obin, pmask };
}

/** Grey levels as ridge signal: local mean subtracted, divided by the local deviation (block-wise, smoothed). */
function normalise(px: Uint8Array, st: BlockStatistics, g: Geometry): Float32Array {
  const { w, h, n, bw, bh, nb } = g;
  const bmean = new Float32Array(nb), bstd = new Float32Array(nb);
  for (let i = 0; i < nb; i++) {
    const m = st.bsum[i]! / st.bcnt[i]!;
    bmean[i] = m; bstd[i] = Math.sqrt(Math.max(st.bsq[i]! / st.bcnt[i]! - m * m, 0));
  }
  const mS = gaussBlur(bmean, bw, bh, 1.2), sS = gaussBlur(bstd, bw, bh, 1.2);
  const norm = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const brow = ((y / BS) | 0) * bw, prow = y * w;
    for (let bx = 0; bx < bw; bx++) {
      const m = mS[brow + bx]!, sd = sS[brow + bx]! + 8;
      for (let p = prow + bx * BS, end = prow + Math.min(w, bx * BS + BS); p < end; p++) norm[p] = (m - px[p]!) / sd; // ridges positive
    }
  }
  return norm;
}

/** Smoothing along the ridges (Gaussian over FILTER_TAPS pixels in each pixel's flow direction). */
function alongRidge(norm: Float32Array, obin: Uint8Array, mask: Uint8Array, g: Geometry): Float32Array {
  const { w, h, n, bw } = g;
  const a0 = alongW[0]!, a1 = alongW[1]!, a2 = alongW[2]!, a3 = alongW[3]!, a4 = alongW[4]!, a5 = alongW[5]!, a6 = alongW[6]!, a7 = alongW[7]!;
  const a8 = alongW[8]!, a9 = alongW[9]!, a10 = alongW[10]!, a11 = alongW[11]!, a12 = alongW[12]!, a13 = alongW[13]!, a14 = alongW[14]!;
  const along = new Float32Array(n);
  const nA = 2 * ALONG_R + 1;
  // the filter's taps as offsets in this image's rows
  const alongLin = alongOff.map((o) => Int32Array.from({ length: nA }, (_, k) => o[2 * k + 1]! * w + o[2 * k]!));
  // the taps' offsets of the last orientation bin, in locals: neighbouring pixels mostly share a bin
  let bin = -1;
  let o0 = 0, o1 = 0, o2 = 0, o3 = 0, o4 = 0, o5 = 0, o6 = 0, o7 = 0, o8 = 0, o9 = 0, o10 = 0, o11 = 0, o12 = 0, o13 = 0, o14 = 0;
  for (let y = 0; y < h; y++) {
    const brow = ((y / BS) | 0) * bw;
    const innerY = y >= ALONG_R && y < h - ALONG_R;
    for (let bx = 0; bx < bw; bx++) {
      if (!mask[brow + bx]) continue;
      for (let x = bx * BS, xEnd = Math.min(w, bx * BS + BS); x < xEnd; x++) {
        const p = y * w + x;
        if (innerY && x >= ALONG_R && x < w - ALONG_R) {
          // away from the edges every tap is inside: no bounds checks, the weights sum to alongSum
          if (obin[p] !== bin) {
            bin = obin[p]!;
            const lin = alongLin[bin]!;
            o0 = lin[0]!; o1 = lin[1]!; o2 = lin[2]!; o3 = lin[3]!; o4 = lin[4]!; o5 = lin[5]!; o6 = lin[6]!; o7 = lin[7]!;
            o8 = lin[8]!; o9 = lin[9]!; o10 = lin[10]!; o11 = lin[11]!; o12 = lin[12]!; o13 = lin[13]!; o14 = lin[14]!;
          }
          // the 15 taps written out (see FILTER_TAPS), summed in the loop's order: the same value
          const s = 0 + a0 * norm[p + o0]! + a1 * norm[p + o1]! + a2 * norm[p + o2]! +
            a3 * norm[p + o3]! + a4 * norm[p + o4]! + a5 * norm[p + o5]! +
            a6 * norm[p + o6]! + a7 * norm[p + o7]! + a8 * norm[p + o8]! +
            a9 * norm[p + o9]! + a10 * norm[p + o10]! + a11 * norm[p + o11]! +
            a12 * norm[p + o12]! + a13 * norm[p + o13]! + a14 * norm[p + o14]!;
          along[p] = s / alongSum;
          continue;
        }
        const off = alongOff[obin[p]!]!;
        let s = 0, ws = 0;
        for (let k = 0; k < nA; k++) {
          const xx = x + off[2 * k]!, yy = y + off[2 * k + 1]!;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const wt = alongW[k]!;
          s += wt * norm[yy * w + xx]!; ws += wt;
        }
        along[p] = s / ws;
      }
    }
  }
  return along;
}

/** Ridge period per block, read from the across-ridge profile of the smoothed image, then smoothed. */
function ridgePeriods(along: Float32Array, ori: Float32Array, mask: Uint8Array, pmask: Uint8Array, g: Geometry): Float32Array {
  const { w, h, bw, bh, nb } = g;
  const period = new Float32Array(nb);
  const prof = new Float32Array(33);
  const periods: number[] = [];
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const bi = by * bw + bx;
      if (!mask[bi]) continue;
      const cx = bx * BS + BS / 2, cy = by * BS + BS / 2;
      const t = ori[bi]!;
      const nx = -Math.sin(t), ny = Math.cos(t);
      let ok = true;
      for (let k = -16; k <= 16; k++) {
        const xx = Math.round(cx + k * nx), yy = Math.round(cy + k * ny);
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || !pmask[yy * w + xx]) { ok = false; break; }
        prof[k + 16] = along[yy * w + xx]!;
      }
      if (!ok) continue;
      const T = profilePeriod(prof);
      if (T > 0) { period[bi] = T; periods.push(T); }
    }
  }
  periods.sort((a, b) => a - b);
  const medT = periods.length ? periods[periods.length >> 1]! : 9;
  return smoothPeriod(period, mask, bw, bh, medT);
}

/** The across-ridge Gabor, tuned per block to the local ridge period. */
function acrossRidge(along: Float32Array, perS: Float32Array, obin: Uint8Array, mask: Uint8Array, g: Geometry): Float32Array {
  const { w, h, n, bw } = g;
  const enh = new Float32Array(n);
  const nC = 2 * ACROSS_R + 1;
  const acrossLin = acrossOff.map((o) => Int32Array.from({ length: nC }, (_, k) => o[2 * k + 1]! * w + o[2 * k]!));
  let bin = -1;
  let o0 = 0, o1 = 0, o2 = 0, o3 = 0, o4 = 0, o5 = 0, o6 = 0, o7 = 0, o8 = 0, o9 = 0, o10 = 0, o11 = 0, o12 = 0, o13 = 0, o14 = 0;
  for (let y = 0; y < h; y++) {
    const brow = ((y / BS) | 0) * bw;
    const innerY = y >= ACROSS_R && y < h - ACROSS_R;
    for (let bx = 0; bx < bw; bx++) {
      if (!mask[brow + bx]) continue;
      // the period, and so the filter, is one per block: its weights stay in locals
      const T = Math.min(MAX_T, Math.max(MIN_T, Math.round(perS[brow + bx]!)));
      const wts = acrossW[T - MIN_T]!;
      const w0 = wts[0]!, w1 = wts[1]!, w2 = wts[2]!, w3 = wts[3]!, w4 = wts[4]!, w5 = wts[5]!, w6 = wts[6]!, w7 = wts[7]!;
      const w8 = wts[8]!, w9 = wts[9]!, w10 = wts[10]!, w11 = wts[11]!, w12 = wts[12]!, w13 = wts[13]!, w14 = wts[14]!;
      for (let x = bx * BS, xEnd = Math.min(w, bx * BS + BS); x < xEnd; x++) {
        const p = y * w + x;
        if (innerY && x >= ACROSS_R && x < w - ACROSS_R) {
          if (obin[p] !== bin) {
            bin = obin[p]!;
            const lin = acrossLin[bin]!;
            o0 = lin[0]!; o1 = lin[1]!; o2 = lin[2]!; o3 = lin[3]!; o4 = lin[4]!; o5 = lin[5]!; o6 = lin[6]!; o7 = lin[7]!;
            o8 = lin[8]!; o9 = lin[9]!; o10 = lin[10]!; o11 = lin[11]!; o12 = lin[12]!; o13 = lin[13]!; o14 = lin[14]!;
          }
          enh[p] = 0 + w0 * along[p + o0]! + w1 * along[p + o1]! + w2 * along[p + o2]! +
            w3 * along[p + o3]! + w4 * along[p + o4]! + w5 * along[p + o5]! +
            w6 * along[p + o6]! + w7 * along[p + o7]! + w8 * along[p + o8]! +
            w9 * along[p + o9]! + w10 * along[p + o10]! + w11 * along[p + o11]! +
            w12 * along[p + o12]! + w13 * along[p + o13]! + w14 * along[p + o14]!;
          continue;
        }
        const off = acrossOff[obin[p]!]!;
        let s = 0;
        for (let k = 0; k < nC; k++) {
          const xx = x + off[2 * k]!, yy = y + off[2 * k + 1]!;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          s += wts[k]! * along[yy * w + xx]!;
        }
        enh[p] = s;
      }
    }
  }
  return enh;
}

/** Block quality: raw coherence and the ridge contrast after enhancement; and the same smoothed. */
function blockQuality(enh: Float32Array, mask: Uint8Array, coh: Float32Array, bcnt: Float32Array, g: Geometry): { bq: Float32Array; bqS: Float32Array } {
  const { w, h, bw, bh, nb } = g;
  const benh = new Float32Array(nb);
  // in raster order, as each block's float32 sum has always been accumulated
  for (let y = 0; y < h; y++) {
    const brow = ((y / BS) | 0) * bw, prow = y * w;
    for (let bx = 0; bx < bw; bx++) {
      if (!mask[brow + bx]) continue;
      let sum = benh[brow + bx]!;
      for (let p = prow + bx * BS, end = prow + Math.min(w, bx * BS + BS); p < end; p++) sum = Math.fround(sum + Math.abs(enh[p]!));
      benh[brow + bx] = sum;
    }
  }
  const bq = new Float32Array(nb);
  for (let i = 0; i < nb; i++) {
    if (!mask[i]) continue;
    const amp = benh[i]! / bcnt[i]!;
    bq[i] = Math.min(1, coh[i]! * 1.6) * Math.min(1, amp / 1.2);
  }
  return { bq, bqS: gaussBlur(bq, bw, bh, 1) };
}

/**
 * a minutia where the enhanced ridges explain less of the image than this (their correlation) counts
 * for proportionally less, down to removal below the quality cut: smudged or wet regions, where the
 * filters draw ridges that the image hardly shows (matcher/README.md, "How it works")
 */
const CLARITY_FULL = 0.55;

/**
 * Per block, how well the enhanced ridges explain the normalised image: their correlation (clean print
 * 0.8-0.96, smudged or dry 0.5-0.7), smoothed over a block.
 */
function blockClarity(norm: Float32Array, enh: Float32Array, mask: Uint8Array, g: Geometry): Float32Array {
  const { w, h, bw, bh, nb } = g;
  const ne = new Float64Array(nb), nn = new Float64Array(nb), ee = new Float64Array(nb);
  for (let y = 0; y < h; y++) {
    const brow = ((y / BS) | 0) * bw, prow = y * w;
    for (let bx = 0; bx < bw; bx++) {
      const b = brow + bx;
      if (!mask[b]) continue;
      let sne = ne[b]!, snn = nn[b]!, see = ee[b]!;
      for (let p = prow + bx * BS, end = prow + Math.min(w, bx * BS + BS); p < end; p++) {
        const a = norm[p]!, e = enh[p]!;
        sne += a * e; snn += a * a; see += e * e;
      }
      ne[b] = sne; nn[b] = snn; ee[b] = see;
    }
  }
  const c = new Float32Array(nb);
  for (let i = 0; i < nb; i++) c[i] = mask[i] && nn[i]! > 0 && ee[i]! > 0 ? Math.max(0, ne[i]! / Math.sqrt(nn[i]! * ee[i]!)) : 0;
  return gaussBlur(c, bw, bh, 1);
}

/** Ridges where the enhanced signal is positive, without the specks and pinholes that thinning would turn into false minutiae. */
function binarise(enh: Float32Array, pmask: Uint8Array, g: Geometry): Uint8Array {
  const { w, h, n } = g;
  const bin = new Uint8Array(n);
  for (let p = 0; p < n; p++) bin[p] = pmask[p] && enh[p]! > 0 ? 1 : 0;
  removeSmall(bin, pmask, w, h, 1, 60);
  removeSmall(bin, pmask, w, h, 0, 100);
  return bin;
}

/** Image quality 0-100: mean block quality over the print, scaled by usable area and minutia count. */
function imageQuality(mask: Uint8Array, bq: Float32Array, nMinutiae: number, g: Geometry): number {
  let fgCount = 0, qSum = 0;
  for (let i = 0; i < g.nb; i++) if (mask[i]) { fgCount++; qSum += bq[i]!; }
  const areaMm2 = (fgCount * BS * BS) / (19.685 * 19.685);
  const areaFactor = Math.min(1, areaMm2 / 120);
  const countFactor = Math.min(1, nMinutiae / 20);
  return fgCount === 0 ? 0 : Math.round(100 * Math.min(1, (qSum / fgCount) * 1.15) * areaFactor * (0.5 + 0.5 * countFactor));
}

/** cells of the stored orientation field, in blocks per side */
const FIELD_BLOCKS = 2;
/** a cell whose mean block quality is below this is noise more than flow, and is left out */
const FIELD_MIN_QUALITY = 0.3;

/** smoothing (in blocks) of the enhanced image's own flow, and that flow's share in the stored field */
const ENHANCED_FLOW_SIGMA = 1.0;
const ENHANCED_FLOW_SHARE = 0.65;

/**
 * The ridge flow stored in the template (doubled-angle vectors per block). The flow that steers
 * the filters is smoothed over 2.2 blocks, which is what noisy regions need but which straightens
 * curved and distorted ridges (a dry print's loop came out visibly straighter than its ridges, and
 * its field then disagreed with the same finger's other impressions). The enhanced image's own
 * gradients follow the ridges as the filters drew them, curves included; alone they also follow
 * whatever the filters made of a poor region (DB3's EER rose from 1.80 to 2.15 %), so the stored
 * flow is a blend of the two as unit vectors. Measured over the five conditions of
 * robustness.ts: mean EER 1.72 -> 1.63 %, FMR1000 2.82 -> 2.61 %, the minutiae unchanged.
 */
function storedFlow(ovx: Float32Array, ovy: Float32Array, enh: Float32Array, pmask: Uint8Array, w: number, h: number, bw: number, bh: number): { vx: Float32Array; vy: Float32Array } {
  const nb = bw * bh;
  const ex = new Float32Array(nb), ey = new Float32Array(nb);
  // pmask is whole blocks of the block mask: masked-out blocks are skipped whole
  for (let y = 1; y < h - 1; y++) {
    const brow = ((y / BS) | 0) * bw;
    for (let bx = 0; bx < bw; bx++) {
      const bi = brow + bx;
      if (!pmask[y * w + bx * BS]) continue;
      let sx = ex[bi]!, sy = ey[bi]!;
      for (let x = Math.max(1, bx * BS), xEnd = Math.min(w - 1, bx * BS + BS); x < xEnd; x++) {
        const p = y * w + x;
        const gx = enh[p + 1]! - enh[p - 1]!, gy = enh[p + w]! - enh[p - w]!;
        sx = Math.fround(sx + (gx * gx - gy * gy)); sy = Math.fround(sy + 2 * gx * gy);
      }
      ex[bi] = sx; ey[bi] = sy;
    }
  }
  const sx = gaussBlur(ex, bw, bh, ENHANCED_FLOW_SIGMA), sy = gaussBlur(ey, bw, bh, ENHANCED_FLOW_SIGMA);
  const vx = new Float32Array(nb), vy = new Float32Array(nb);
  const share = ENHANCED_FLOW_SHARE;
  for (let i = 0; i < nb; i++) {
    const m1 = Math.hypot(ovx[i]!, ovy[i]!) || 1, m2 = Math.hypot(sx[i]!, sy[i]!) || 1;
    vx[i] = (1 - share) * ovx[i]! / m1 + share * sx[i]! / m2;
    vy[i] = (1 - share) * ovy[i]! / m1 + share * sy[i]! / m2;
  }
  return { vx, vy };
}

/**
 * The orientation field in coarse cells for the template: the doubled-angle vectors of a cell's
 * blocks summed, kept where most of the cell is print of usable quality.
 */
function fieldCells(ovx: Float32Array, ovy: Float32Array, mask: Uint8Array, bq: Float32Array, bw: number, bh: number): OrientationField {
  const cols = Math.ceil(bw / FIELD_BLOCKS), rows = Math.ceil(bh / FIELD_BLOCKS);
  const dir = new Uint8Array(cols * rows).fill(FIELD_NONE);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    let sx = 0, sy = 0, fg = 0, all = 0, qs = 0;
    for (let y = r * FIELD_BLOCKS; y < Math.min(bh, (r + 1) * FIELD_BLOCKS); y++) {
      for (let x = c * FIELD_BLOCKS; x < Math.min(bw, (c + 1) * FIELD_BLOCKS); x++) {
        all++;
        const i = y * bw + x;
        if (!mask[i]) continue;
        fg++; sx += ovx[i]!; sy += ovy[i]!; qs += bq[i]!;
      }
    }
    if (fg * 4 < all * 3 || (sx === 0 && sy === 0) || qs < FIELD_MIN_QUALITY * fg) continue;
    // ridge direction in pixel coordinates (y down), then counter-clockwise on screen
    let t = 0.5 * Math.atan2(sy, sx) + Math.PI / 2;
    t = Math.PI - t;
    t -= Math.floor(t / Math.PI) * Math.PI;
    dir[r * cols + c] = Math.round((t / Math.PI) * 128) % 128;
  }
  return { cell: FIELD_BLOCKS * BS, cols, rows, dir };
}

function profilePeriod(p: Float32Array): number {
  const n = p.length;
  let first = -1, last = -1, cnt = 0, firstMin = -1, lastMin = -1, cntMin = 0;
  let amp = 0;
  for (let i = 1; i < n - 1; i++) {
    const v = p[i]!;
    if (v > p[i - 1]! && v >= p[i + 1]! && v > 0) { if (first < 0) first = i; last = i; cnt++; }
    if (v < p[i - 1]! && v <= p[i + 1]! && v < 0) { if (firstMin < 0) firstMin = i; lastMin = i; cntMin++; }
    amp += Math.abs(v);
  }
  if (amp / n < 0.15) return 0;
  let T = 0, m = 0;
  if (cnt >= 2) { T += (last - first) / (cnt - 1); m++; }
  if (cntMin >= 2) { T += (lastMin - firstMin) / (cntMin - 1); m++; }
  if (!m) return 0;
  T /= m;
  return T >= MIN_T - 1 && T <= MAX_T + 2 ? T : 0;
}

function smoothPeriod(per: Float32Array, mask: Uint8Array, bw: number, bh: number, fallback: number): Float32Array {
  // average the valid estimates in a 7x7-block window; fall back to the image median
  const out = new Float32Array(per.length);
  for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) {
    let s = 0, c = 0;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
      const yy = by + dy, xx = bx + dx;
      if (yy < 0 || xx < 0 || yy >= bh || xx >= bw) continue;
      const v = per[yy * bw + xx]!;
      if (v > 0) { s += v; c++; }
    }
    out[by * bw + bx] = c >= 3 ? s / c : fallback;
  }
  void mask;
  return out;
}

function boxBlur(a: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0, c = 0;
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
      s += a[yy * w + xx]!; c++;
    }
    out[y * w + x] = s / c;
  }
  return out;
}

function gaussBlur(a: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.ceil(2.5 * sigma);
  const k = new Float32Array(2 * r + 1);
  for (let i = -r; i <= r; i++) k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  // where the whole kernel is inside, no bounds checks and its sum (the same additions) once
  let kSum = 0;
  for (let i = 0; i <= 2 * r; i++) kSum += k[i]!;
  const tmp = new Float32Array(a.length), out = new Float32Array(a.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0, ws = 0;
    if (x >= r && x < w - r) {
      for (let i = 0, q = y * w + x - r; i <= 2 * r; i++, q++) s += k[i]! * a[q]!;
      ws = kSum;
    } else {
      for (let i = -r; i <= r; i++) { const xx = x + i; if (xx < 0 || xx >= w) continue; s += k[i + r]! * a[y * w + xx]!; ws += k[i + r]!; }
    }
    tmp[y * w + x] = s / ws;
  }
  for (let y = 0; y < h; y++) {
    const inner = y >= r && y < h - r;
    for (let x = 0; x < w; x++) {
      let s = 0, ws = 0;
      if (inner) {
        for (let i = 0, q = (y - r) * w + x; i <= 2 * r; i++, q += w) s += k[i]! * tmp[q]!;
        ws = kSum;
      } else {
        for (let i = -r; i <= r; i++) { const yy = y + i; if (yy < 0 || yy >= h) continue; s += k[i + r]! * tmp[yy * w + x]!; ws += k[i + r]!; }
      }
      out[y * w + x] = s / ws;
    }
  }
  return out;
}

/** Majority smoothing, largest component, hole filling, then a one-block erosion. */
function cleanMask(m: Uint8Array, w: number, h: number): Uint8Array {
  let cur = m;
  for (let it = 0; it < 2; it++) {
    const nxt = new Uint8Array(cur.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let c = 0, t = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
        t++; c += cur[yy * w + xx]!;
      }
      nxt[y * w + x] = c * 2 > t ? 1 : 0;
    }
    cur = nxt;
  }
  // largest 4-connected component
  const lab = new Int32Array(cur.length).fill(-1);
  let best = -1, bestSize = 0;
  const stack: number[] = [];
  for (let i = 0; i < cur.length; i++) {
    if (!cur[i] || lab[i]! >= 0) continue;
    let size = 0;
    stack.push(i); lab[i] = i;
    while (stack.length) {
      const p = stack.pop()!; size++;
      const x = p % w, y = (p / w) | 0;
      const nb = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1];
      for (const q of nb) if (q >= 0 && cur[q] && lab[q]! < 0) { lab[q] = i; stack.push(q); }
    }
    if (size > bestSize) { bestSize = size; best = i; }
  }
  const out = new Uint8Array(cur.length);
  for (let i = 0; i < cur.length; i++) out[i] = lab[i] === best ? 1 : 0;
  // fill holes: background not reachable from the border
  const outside = new Uint8Array(cur.length);
  for (let i = 0; i < cur.length; i++) {
    const x = i % w, y = (i / w) | 0;
    if ((x === 0 || y === 0 || x === w - 1 || y === h - 1) && !out[i] && !outside[i]) {
      outside[i] = 1; stack.push(i);
      while (stack.length) {
        const p = stack.pop()!;
        const px = p % w, py = (p / w) | 0;
        const nb = [px > 0 ? p - 1 : -1, px < w - 1 ? p + 1 : -1, py > 0 ? p - w : -1, py < h - 1 ? p + w : -1];
        for (const q of nb) if (q >= 0 && !out[q] && !outside[q]) { outside[q] = 1; stack.push(q); }
      }
    }
  }
  for (let i = 0; i < cur.length; i++) if (!outside[i]) out[i] = 1;
  return out;
}
