/**
 * Which of `bins` orientation bins a ridge direction falls in, the direction given as a
 * doubled-angle vector (x, y): the extractor asks this for every pixel of the print, to pick the
 * oriented filter there.
 */

/** the definition: round((atan2(y, x) / 2 + π/2) / π x bins) mod bins */
export function directionBinExact(y: number, x: number, bins: number): number {
  let t = 0.5 * Math.atan2(y, x) + Math.PI / 2;
  if (t >= Math.PI) t -= Math.PI;
  return Math.round((t / Math.PI) * bins) % bins;
}

/** the polynomial arctangent below is within 2.1e-4 rad of atan2; a bin is 2π / bins of the doubled angle */
const MAX_ERROR_RAD = 2.1e-4;

/**
 * directionBinExact without atan2 for almost every call (atan2 was a tenth of the extraction's
 * time): a cubic arctangent places the doubled angle within MAX_ERROR_RAD, which decides the bin
 * unless the angle lies within ten times that of a boundary between two bins; there atan2
 * decides (about 2 % of calls with 32 bins), so the answer is always directionBinExact's.
 */
export function directionBin(y: number, x: number, bins: number): number {
  const ax = Math.abs(x), ay = Math.abs(y);
  const mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
  if (mx === 0) return directionBinExact(y, x, bins);
  const a = mn / mx, s = a * a;
  let r = ((-0.0464964749 * s + 0.15931422) * s - 0.327622764) * s * a + a;
  if (ay > ax) r = Math.PI / 2 - r;
  if (x < 0) r = Math.PI - r;
  if (y < 0) r = -r;
  // bin centres lie at whole u, boundaries at half
  const half = bins / 2;
  const u = (r / Math.PI) * half + half;
  const f = u - Math.floor(u);
  const margin = ((10 * MAX_ERROR_RAD) / Math.PI) * half;
  if (f > 0.5 - margin && f < 0.5 + margin) return directionBinExact(y, x, bins);
  return Math.round(u) % bins;
}
