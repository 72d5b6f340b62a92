/**
 * Minutiae from a ridge skeleton: endings and bifurcations by neighbour counts, false ones removed
 * (spurs, short islands, bridges, facing endings of broken ridges, clusters, the print's border),
 * directions traced along the ridge, and a quality per minutia.
 */
import { RDX, RDY } from './thin.ts';
import type { Minutia, MinutiaType } from './types.ts';

/** quality factor of a minutia with another within CROWD_R (city-block px) */
const CROWD_Q = 0.6, CROWD_R = 20;
/** quality factor of a minutia whose direction is more than FLOW_TOL (rad) off the ridge flow */
const FLOW_Q = 0.6, FLOW_TOL = 0.35;

/**
 * What a skeleton pixel is, by its 8-neighbour code: 1 an ending (one neighbour), 2 a branch point
 * (three or more ridges leave it), 0 neither.
 */
const POINT_TYPE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let nbh = 0, trans = 0;
  for (let k = 0; k < 8; k++) { const a = (c >> k) & 1; nbh += a; if (!a && (c >> ((k + 1) & 7)) & 1) trans++; }
  POINT_TYPE[c] = nbh === 1 ? 1 : trans >= 3 ? 2 : 0;
}

interface Cand { x: number; y: number; type: MinutiaType; angle: number; q: number; alive: boolean; p: number }

/** Follows the skeleton from p through first neighbour q for up to maxLen steps. */
function trace(s: Uint8Array, w: number, isMin: Uint8Array, p: number, q: number, maxLen: number): { end: number; len: number; hitMin: boolean } {
  let prev = p, cur = q, len = 1;
  while (len < maxLen) {
    if (isMin[cur]) return { end: cur, len, hitMin: true };
    let next = -1, cnt = 0;
    for (let k = 0; k < 8; k++) {
      const r = cur + RDY[k]! * w + RDX[k]!;
      if (!s[r] || r === prev || r === p) continue;
      // skip pixels adjacent to where we came from: they are the same branch
      const dpx = (r % w) - (prev % w), dpy = ((r / w) | 0) - ((prev / w) | 0);
      if (Math.abs(dpx) <= 1 && Math.abs(dpy) <= 1) continue;
      if (next < 0 || (k & 1) === 0) next = r; // prefer 4-neighbours
      cnt++;
    }
    if (next < 0) return { end: cur, len, hitMin: false };
    prev = cur; cur = next; len++;
  }
  return { end: cur, len, hitMin: false };
}

export function findMinutiae(s: Uint8Array, w: number, h: number, info: (x: number, y: number) => { dist: number; q: number; ori: number }): Minutia[] {
  const cands: Cand[] = [];
  const isMin = new Uint8Array(s.length);
  // candidate index by pixel: a few hundred entries, where an array the image's size was 4 bytes a pixel
  const idx = new Map<number, number>();
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const p = y * w + x;
    if (!s[p]) continue;
    const up = p - w, dn = p + w;
    // the neighbour code's bit order (thin.ts): E, NE, N, NW, W, SW, S, SE
    const c = s[p + 1]! | (s[up + 1]! << 1) | (s[up]! << 2) | (s[up - 1]! << 3) |
      (s[p - 1]! << 4) | (s[dn - 1]! << 5) | (s[dn]! << 6) | (s[dn + 1]! << 7);
    const type = POINT_TYPE[c]! as MinutiaType | 0;
    if (!type) continue;
    // merge adjacent branch pixels
    if (type === 2) {
      let dup = false;
      for (let k = 0; k < 8 && !dup; k++) { const r = p + RDY[k]! * w + RDX[k]!; if (isMin[r] === 2) dup = true; }
      if (dup) { isMin[p] = 2; continue; }
    }
    isMin[p] = type;
    idx.set(p, cands.length);
    cands.push({ x, y, type, angle: 0, q: 0, alive: true, p });
  }
  const DIR_LEN = 10;
  const SPUR = 9, ISLAND = 10, BRIDGE = 6;
  for (const m of cands) {
    const branches: { end: number; len: number; hitMin: boolean }[] = [];
    for (let k = 0; k < 8; k++) {
      const r = m.p + RDY[k]! * w + RDX[k]!;
      if (!s[r] || isMin[r] === 2) continue;
      // only the first pixel of each run of neighbours starts a branch
      const prevK = (k + 7) & 7;
      const rp = m.p + RDY[prevK]! * w + RDX[prevK]!;
      if (s[rp] && (k & 1) === 1) continue;
      if (s[rp] && (k & 1) === 0 && (prevK & 1) === 0) continue;
      branches.push(trace(s, w, isMin, m.p, r, 24));
    }
    if (m.type === 1) {
      const b = branches[0];
      if (!b) { m.alive = false; continue; }
      const ex = b.end % w, ey = (b.end / w) | 0;
      m.angle = Math.atan2(-(m.y - ey), m.x - ex);
      if (b.hitMin) {
        const o = cands[idx.get(b.end) ?? -1];
        if (o && o.type === 2 && b.len <= SPUR) { m.alive = false; o.alive = false; }
        if (o && o.type === 1 && b.len <= ISLAND) { m.alive = false; o.alive = false; }
      } else if (b.len < 6) m.alive = false;
      // direction from a point DIR_LEN along the ridge
      const d = trace(s, w, new Uint8Array(0) as Uint8Array, m.p, firstNeighbour(s, w, m.p), DIR_LEN);
      const dx = d.end % w, dy = (d.end / w) | 0;
      m.angle = Math.atan2(-(m.y - dy), m.x - dx);
    } else {
      if (branches.length < 3) { m.alive = false; continue; }
      const vs: [number, number][] = [];
      for (const b of branches.slice(0, 3)) {
        if (b.hitMin && b.len <= BRIDGE) {
          const o = cands[idx.get(b.end) ?? -1];
          if (o && o.type === 2) { m.alive = false; o.alive = false; }
        }
        const ex = b.end % w, ey = (b.end / w) | 0;
        const L = Math.hypot(ex - m.x, ey - m.y) || 1;
        vs.push([(ex - m.x) / L, (ey - m.y) / L]);
      }
      // the two branches closest in direction are the fork; the third is the stem
      let bi = 0, bd = -2;
      for (let i = 0; i < 3; i++) {
        const a = vs[i]!, b = vs[(i + 1) % 3]!;
        const dot = a[0] * b[0] + a[1] * b[1];
        if (dot > bd) { bd = dot; bi = i; }
      }
      const f1 = vs[bi]!, f2 = vs[(bi + 1) % 3]!, st = vs[(bi + 2) % 3]!;
      const dx = st[0] - (f1[0] + f2[0]) / 2, dy = st[1] - (f1[1] + f2[1]) / 2;
      m.angle = Math.atan2(-dy, dx);
    }
  }
  // border and quality
  for (const m of cands) {
    if (!m.alive) continue;
    const inf = info(m.x, m.y);
    if (inf.dist <= 1) { m.alive = false; continue; }
    m.q = inf.q * Math.min(1, inf.dist / 3);
    if (m.q < 0.2) m.alive = false;
    // a true minutia points along the local ridge flow (the field is y-down, angles y-up); the
    // quality weighs how much a minutia counts when matching, so doubtful ones count less
    const flow = Math.PI - inf.ori;
    let d = Math.abs((m.angle - flow) % Math.PI);
    if (d > Math.PI / 2) d = Math.PI - d;
    if (d > FLOW_TOL) m.q *= FLOW_Q;
  }
  // broken ridges: two facing endings close together
  const alive = cands.filter((m) => m.alive);
  for (let i = 0; i < alive.length; i++) {
    const a = alive[i]!;
    if (a.type !== 1) continue;
    for (let j = i + 1; j < alive.length; j++) {
      const b = alive[j]!;
      if (b.type !== 1 || !b.alive || !a.alive) continue;
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.hypot(dx, dy);
      if (d > 16 || d < 1e-6) continue;
      const da = Math.abs(angDiff(a.angle, b.angle + Math.PI));
      if (da < 0.8) { a.alive = false; b.alive = false; }
    }
  }
  // clusters of minutiae within a ridge period are almost always noise
  const alive2 = cands.filter((m) => m.alive);
  for (let i = 0; i < alive2.length; i++) {
    const a = alive2[i]!;
    let close = 0;
    for (const b of alive2) if (b !== a && Math.abs(b.x - a.x) + Math.abs(b.y - a.y) < 7) close++;
    if (close >= 1) a.alive = false;
  }
  {
    // a minutia with another close by (of those kept) is more often an artefact of noise
    const al = cands.filter((m) => m.alive);
    for (const a of al) {
      for (const b of al) if (b !== a && Math.abs(b.x - a.x) + Math.abs(b.y - a.y) < CROWD_R) { a.q *= CROWD_Q; break; }
    }
  }
  const out: Minutia[] = [];
  for (const m of cands) {
    if (!m.alive) continue;
    // ISO/IEC 19794-2 direction: the ridge (ending) or valley (bifurcation) runs away from the
    // minutia in this direction (checked against the SecuGen records of FVC2002)
    let a = (m.angle + Math.PI) % (2 * Math.PI);
    if (a < 0) a += 2 * Math.PI;
    out.push({ x: m.x, y: m.y, angle: a, type: m.type, quality: Math.max(1, Math.min(100, Math.round(m.q * 100))) });
  }
  // keep the best if there are very many (a template format limit of 255 and matching cost)
  out.sort((a, b) => b.quality - a.quality || a.y - b.y || a.x - b.x);
  return out.slice(0, 120);
}

function firstNeighbour(s: Uint8Array, w: number, p: number): number {
  for (let k = 0; k < 8; k++) { const r = p + RDY[k]! * w + RDX[k]!; if (s[r]) return r; }
  return p;
}

function angDiff(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  return d;
}
