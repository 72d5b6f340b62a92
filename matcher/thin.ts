/**
 * Thinning of the binarised ridges to one-pixel skeletons: Zhang-Suen, then staircase corners
 * stripped, with both decided from lookup tables over a pixel's 8-neighbour code.
 */

// Neighbour ring: E, NE, N, NW, W, SW, S, SE
export const RDX = [1, 1, 0, -1, -1, -1, 0, 1];
export const RDY = [0, -1, -1, -1, 0, 1, 1, 1];

export function code8(s: Uint8Array, w: number, p: number): number {
  let c = 0;
  for (let k = 0; k < 8; k++) if (s[p + RDY[k]! * w + RDX[k]!]) c |= 1 << k;
  return c;
}

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

export function thin(s: Uint8Array, w: number, h: number): void {
  // clear the frame so that neighbour reads never leave the image
  for (let x = 0; x < w; x++) { s[x] = 0; s[(h - 1) * w + x] = 0; }
  for (let y = 0; y < h; y++) { s[y * w] = 0; s[y * w + w - 1] = 0; }
  let n = 0;
  for (let p = 0; p < s.length; p++) if (s[p]) n++;
  let pts = new Int32Array(n);
  n = 0;
  for (let p = 0; p < s.length; p++) if (s[p]) pts[n++] = p;
  const del = new Int32Array(n);
  for (let iter = 0; iter < 40; iter++) {
    let changed = 0;
    for (let sub = 0; sub < 2; sub++) {
      const table = sub ? ZS2 : ZS1;
      let nd = 0;
      for (let i = 0; i < n; i++) {
        const p = pts[i]!;
        const up = p - w, dn = p + w;
        // same bit order as code8: E, NE, N, NW, W, SW, S, SE
        const c = s[p + 1]! | (s[up + 1]! << 1) | (s[up]! << 2) | (s[up - 1]! << 3) |
          (s[p - 1]! << 4) | (s[dn - 1]! << 5) | (s[dn]! << 6) | (s[dn + 1]! << 7);
        if (table[c]) del[nd++] = p;
      }
      for (let i = 0; i < nd; i++) s[del[i]!] = 0;
      changed += nd;
    }
    if (!changed) break;
    let m = 0;
    for (let i = 0; i < n; i++) if (s[pts[i]!]) pts[m++] = pts[i]!;
    n = m;
  }
  pts = pts.subarray(0, n);
  for (const p of pts) if (s[p] && SIMPLE[code8(s, w, p)]) s[p] = 0;
}
