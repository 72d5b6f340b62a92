/**
 * Thinning of the binarised ridges to one-pixel skeletons: Zhang-Suen, then staircase corners
 * stripped, with both decided from lookup tables over a pixel's 8-neighbour code.
 */

// Neighbour ring: E, NE, N, NW, W, SW, S, SE
export const RDX = [1, 1, 0, -1, -1, -1, 0, 1];
export const RDY = [0, -1, -1, -1, 0, 1, 1, 1];

// A pixel's neighbour code: bit k set when the neighbour at (RDX[k], RDY[k]) is, so E, NE, N, NW,
// W, SW, S, SE from bit 0 to bit 7.

// Zhang-Suen decisions for each neighbour code, per sub-iteration.
const ZS1 = new Uint8Array(256), ZS2 = new Uint8Array(256), SIMPLE = new Uint8Array(256);
(function buildThinTables() {
  for (let c = 0; c < 256; c++) {
    const b = (k: number): number => (c >> k) & 1;
    // Zhang-Suen uses P2..P9 = N, NE, E, SE, S, SW, W, NW
    const P = [b(2), b(1), b(0), b(7), b(6), b(5), b(4), b(3)];
    let B = 0, A = 0;
    for (let i = 0; i < 8; i++) { B += P[i]!; if (!P[i] && P[(i + 1) % 8]) A++; }
    const [p2, , p4, , p6, , p8] = P as [number, number, number, number, number, number, number, number];
    const base = B >= 2 && B <= 6 && A === 1;
    ZS1[c] = base && !(p2 && p4 && p6) && !(p4 && p6 && p8) ? 1 : 0;
    ZS2[c] = base && !(p2 && p4 && p8) && !(p2 && p6 && p8) ? 1 : 0;
    // a pixel whose set neighbours form one 8-connected group and that is not an end: removing it
    // keeps the skeleton connected (used to strip staircase corners left by Zhang-Suen)
    const set: number[] = [];
    for (let k = 0; k < 8; k++) if (b(k)) set.push(k);
    if (set.length < 2) { SIMPLE[c] = 0; continue; }
    const adj = (i: number, j: number): boolean => {
      const dx = Math.abs(RDX[i]! - RDX[j]!), dy = Math.abs(RDY[i]! - RDY[j]!);
      return dx <= 1 && dy <= 1;
    };
    const seen = new Set<number>([set[0]!]);
    const st = [set[0]!];
    while (st.length) { const a = st.pop()!; for (const q of set) if (!seen.has(q) && adj(a, q)) { seen.add(q); st.push(q); } }
    SIMPLE[c] = seen.size === set.length && set.length <= 3 ? 1 : 0;
  }
})();

// The same decisions indexed by a pixel's 3 x 3 window as three 3-bit rows (up << 6 | middle << 3 |
// down, each row's bits west to east from bit 2 to bit 0, the centre ignored): moving one pixel
// east shifts each row and reads only the new east column.
const ZS1W = new Uint8Array(512), ZS2W = new Uint8Array(512);
for (let win = 0; win < 512; win++) {
  const u = win >> 6, m = (win >> 3) & 7, d = win & 7;
  // the neighbour code's bit order: E, NE, N, NW, W, SW, S, SE
  const c = (m & 1) | ((u & 1) << 1) | (((u >> 1) & 1) << 2) | (((u >> 2) & 1) << 3) |
    (((m >> 2) & 1) << 4) | (((d >> 2) & 1) << 5) | (((d >> 1) & 1) << 6) | ((d & 1) << 7);
  ZS1W[win] = ZS1[c]!; ZS2W[win] = ZS2[c]!;
}

export function thin(s: Uint8Array, w: number, h: number): void {
  // clear the frame so that neighbour reads never leave the image
  for (let x = 0; x < w; x++) { s[x] = 0; s[(h - 1) * w + x] = 0; }
  for (let y = 0; y < h; y++) { s[y * w] = 0; s[y * w + w - 1] = 0; }
  let n = 0;
  for (let p = 0; p < s.length; p++) if (s[p]) n++;
  const pts = new Int32Array(n);
  n = 0;
  for (let p = 0; p < s.length; p++) if (s[p]) pts[n++] = p;
  const del = new Int32Array(n);
  for (let iter = 0; iter < 40; iter++) {
    let changed = 0;
    for (let sub = 0; sub < 2; sub++) {
      const table = sub ? ZS2W : ZS1W;
      let nd = 0;
      // the image does not change during a sub-iteration (deletions are applied after it), so the
      // window of the pixel east of the last one is that window shifted
      let last = -2, u = 0, m = 0, d = 0;
      for (let i = 0; i < n; i++) {
        const p = pts[i]!;
        const up = p - w, dn = p + w;
        if (p === last + 1) {
          u = ((u << 1) | s[up + 1]!) & 7; m = ((m << 1) | s[p + 1]!) & 7; d = ((d << 1) | s[dn + 1]!) & 7;
        } else {
          u = (s[up - 1]! << 2) | (s[up]! << 1) | s[up + 1]!;
          m = (s[p - 1]! << 2) | (s[p]! << 1) | s[p + 1]!;
          d = (s[dn - 1]! << 2) | (s[dn]! << 1) | s[dn + 1]!;
        }
        last = p;
        if (table[(u << 6) | (m << 3) | d]) del[nd++] = p;
      }
      for (let i = 0; i < nd; i++) s[del[i]!] = 0;
      changed += nd;
    }
    if (!changed) break;
    let m = 0;
    for (let i = 0; i < n; i++) if (s[pts[i]!]) pts[m++] = pts[i]!;
    n = m;
  }
  // one pixel at a time: each removal changes its neighbours' codes
  for (let i = 0; i < n; i++) {
    const p = pts[i]!;
    if (!s[p]) continue;
    const up = p - w, dn = p + w;
    const c = s[p + 1]! | (s[up + 1]! << 1) | (s[up]! << 2) | (s[up - 1]! << 3) |
      (s[p - 1]! << 4) | (s[dn - 1]! << 5) | (s[dn]! << 6) | (s[dn + 1]! << 7);
    if (SIMPLE[c]) s[p] = 0;
  }
}
