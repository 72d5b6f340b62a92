/**
 * Operations on the binary rasters of extraction: cleaning the binarised ridges before thinning,
 * and distances from the print's border in blocks.
 */

/**
 * Scratch of removeSmall, kept between calls: allocating (and zeroing) arrays for every possible
 * run on each call took a fifth of its time. Every element is written before it is read, so
 * nothing needs clearing. Module state is per thread; past KEEP_MAX elements (an image of about
 * 1,000 x 1,000 px) the arrays are made for the call and not kept, so that one huge image does not
 * hold its memory for good.
 */
const KEEP_MAX = 1 << 20;
interface Runs { ry: Int32Array; rx0: Int32Array; rx1: Int32Array; parent: Int32Array; size: Int32Array; out: Uint8Array }
const makeRuns = (cap: number): Runs => ({
  ry: new Int32Array(cap), rx0: new Int32Array(cap), rx1: new Int32Array(cap), parent: new Int32Array(cap), size: new Int32Array(cap), out: new Uint8Array(cap),
});
let keptRuns = makeRuns(0);
let keptUnm = new Int32Array(0);

/**
 * Flips connected components of value `v` (inside the mask) smaller than `minSize` pixels; a
 * valley component that reaches the mask's edge or the image's is open, not a pinhole, and stays.
 * Works on runs of pixels along rows joined by union-find: ridges connect 8-way, valleys 4-way,
 * so the two never cross each other.
 */
export function removeSmall(b: Uint8Array, mask: Uint8Array, w: number, h: number, v: number, minSize: number): void {
  const diag = v === 1 ? 1 : 0;
  // runs: row, first and last x; parent, size and whether it touches the outside, per run
  const cap = ((w + 1) >> 1) * h; // runs are at least one pixel apart
  if (cap <= KEEP_MAX && cap > keptRuns.ry.length) keptRuns = makeRuns(cap);
  const { ry, rx0, rx1, parent, size, out } = cap > KEEP_MAX ? makeRuns(cap) : keptRuns;
  const rowStart = new Int32Array(h + 1);
  // unmasked pixels before x in a row, from a 0 in front of each row (only valleys ask whether
  // they reach the mask's edge)
  const nu = v === 0 ? (w + 1) * h : 0;
  if (nu <= KEEP_MAX && nu > keptUnm.length) keptUnm = new Int32Array(nu);
  const unm = nu > KEEP_MAX ? new Int32Array(nu) : keptUnm;
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
    return i;
  };
  let nr = 0;
  for (let y = 0; y < h; y++) {
    rowStart[y] = nr;
    const row = y * w;
    if (v === 0) {
      unm[y * (w + 1)] = 0;
      for (let x = 0; x < w; x++) unm[y * (w + 1) + x + 1] = unm[y * (w + 1) + x]! + (mask[row + x] ? 0 : 1);
    }
    for (let x = 0; x < w; x++) {
      if (b[row + x] !== v || !mask[row + x]) continue;
      const x0 = x;
      while (x + 1 < w && b[row + x + 1] === v && mask[row + x + 1]) x++;
      ry[nr] = y; rx0[nr] = x0; rx1[nr] = x; parent[nr] = nr; size[nr] = x - x0 + 1; out[nr] = 0;
      nr++;
    }
  }
  rowStart[h] = nr;
  if (v === 0) {
    // a run touches the outside where a neighbour (4-way) is off the image or off the mask
    for (let r = 0; r < nr; r++) {
      const y = ry[r]!, x0 = rx0[r]!, x1 = rx1[r]!;
      let t = y === 0 || y === h - 1 || x0 === 0 || x1 === w - 1 || !mask[y * w + x0 - 1] || !mask[y * w + x1 + 1];
      if (!t && unm[(y - 1) * (w + 1) + x1 + 1]! - unm[(y - 1) * (w + 1) + x0]! > 0) t = true;
      if (!t && unm[(y + 1) * (w + 1) + x1 + 1]! - unm[(y + 1) * (w + 1) + x0]! > 0) t = true;
      out[r] = t ? 1 : 0;
    }
  }
  // join runs of neighbouring rows that overlap (widened by one for diagonal neighbours)
  for (let y = 1; y < h; y++) {
    let j = rowStart[y - 1]!;
    const jEnd = rowStart[y]!;
    for (let r = rowStart[y]!; r < rowStart[y + 1]!; r++) {
      const lo = rx0[r]! - diag, hi = rx1[r]! + diag;
      while (j < jEnd && rx1[j]! < lo) j++;
      for (let k = j; k < jEnd && rx0[k]! <= hi; k++) {
        const a = find(r), c = find(k);
        if (a !== c) { parent[a] = c; size[c]! += size[a]!; out[c] = out[c]! | out[a]!; }
      }
    }
  }
  for (let r = 0; r < nr; r++) {
    const root = find(r);
    if (size[root]! >= minSize || (v === 0 && out[root])) continue;
    const row = ry[r]! * w;
    for (let x = rx0[r]!; x <= rx1[r]!; x++) b[row + x] = 1 - v;
  }
}

/**
 * Chessboard distance in blocks from each block to the nearest background block or image edge
 * (capped at 12): a two-pass distance transform, where outside the image counts as background.
 */
export function blockDistance(m: Uint8Array, w: number, h: number): Uint8Array {
  const CAP = 12;
  const d = new Uint8Array(m.length);
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : d[y * w + x]!);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    d[i] = m[i] ? Math.min(CAP, 1 + Math.min(at(x - 1, y), at(x - 1, y - 1), at(x, y - 1), at(x + 1, y - 1))) : 0;
  }
  for (let y = h - 1; y >= 0; y--) for (let x = w - 1; x >= 0; x--) {
    const i = y * w + x;
    if (d[i]) d[i] = Math.min(d[i]!, 1 + Math.min(at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1)));
  }
  return d;
}
