/**
 * npm run bench:matcher — extraction time, 1:1 matches a second on one core, and 1:N search speed
 * over a synthetic gallery of 100,000 templates (real FVC2002 templates, randomly rotated, shifted,
 * jittered, with minutiae dropped and added) on all cores.   Options: --gallery N --probes N
 */
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { decodeImage } from './image.ts';
import { extractTemplate } from './extract.ts';
import { compare } from './match.ts';
import { MatcherPool } from './pool.ts';
import { FIELD_NONE, type Minutia, type OrientationField, type Template } from './types.ts';

const args = process.argv.slice(2);
const opt = (k: string, d: number): number => { const i = args.indexOf(`--${k}`); return i >= 0 ? Number(args[i + 1]) : d; };
const GALLERY = opt('gallery', 100_000);
const PROBES = opt('probes', 20);
const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]!; };

// --- extraction
const real: { id: string; t: Template }[] = [];
const times: number[] = [];
for (const [db, dpi] of DBS) {
  const dir = join(root, 'fvc2002', db);
  const imgs = readdirSync(dir).filter((f) => f.endsWith('.tif')).sort().map((f) => ({ f, img: decodeImage(readFileSync(join(dir, f)), { dpi }) }));
  // warm-up: V8 compiles the extractor's large function in tiers over its first calls (the first
  // images of a fresh process take about twice as long); a hub extracts all day, so time it warm
  for (const { img } of imgs.slice(0, 10)) extractTemplate(img);
  const dbTimes: number[] = [];
  for (const { f, img } of imgs) {
    const t0 = performance.now();
    const { template } = extractTemplate(img);
    dbTimes.push(performance.now() - t0);
    real.push({ id: `${db}/${f.replace('.tif', '')}`, t: template });
  }
  times.push(...dbTimes);
  console.log(`extract ${db}: median ${median(dbTimes).toFixed(1)} ms, max ${Math.max(...dbTimes).toFixed(1)} ms`);
}
console.log(`extract all ${times.length} images: median ${median(times).toFixed(1)} ms`);

// --- 1:1 on one core
{
  // compare(a, b) on real templates, the symmetric score verify() uses; templates keep their
  // prepared form (cached per template object), as the card's template does across captures
  const T = real.map((r) => r.t);
  for (let j = 0; j < T.length; j++) compare(T[0]!, T[j]!); // warm-up, prepares every template
  const rates: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    let n = 0;
    const t0 = performance.now();
    for (let i = rep; i < T.length; i += 4) for (let j = 0; j < T.length; j++) { compare(T[i]!, T[j]!); n++; }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  // the spread of the runs says how far the host's speed moved while they ran (see README, "Speed")
  console.log(`1:1 one core: ${median(rates).toFixed(0)} matches/s (compare(a, b), symmetric, real templates; median of 5 runs of ${Math.round(T.length * T.length / 4)}, ${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)})`);
  // the same with templates never seen before: each comparison also prepares both
  const fresh = (t: Template): Template => ({ ...t, minutiae: t.minutiae.slice() });
  let m = 0;
  const t1 = performance.now();
  for (let i = 0; i < T.length; i += 8) for (let j = 0; j < T.length; j += 2) { compare(fresh(T[i]!), fresh(T[j]!)); m++; }
  console.log(`1:1 one core, both templates new (preparation included): ${(m / ((performance.now() - t1) / 1000)).toFixed(0)} matches/s`);
}

// --- 1:N synthetic gallery
// mulberry32: 32-bit integer arithmetic throughout (a classic LCG in doubles loses its low bits
// and cycles after a few thousand draws, which filled the gallery with identical copies)
let seed = 12345;
const rnd = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let z = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
  return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
};
function perturb(t: Template): Template {
  const rot = (rnd() - 0.5) * 0.6, dx = (rnd() - 0.5) * 60, dy = (rnd() - 0.5) * 60;
  const c = Math.cos(rot), s = Math.sin(rot);
  const cx = t.width / 2, cy = t.height / 2;
  const ms: Minutia[] = [];
  for (const m of t.minutiae) {
    if (rnd() < 0.2) continue;
    const x = m.x - cx, y = m.y - cy;
    ms.push({ ...m, x: cx + c * x - s * y + dx + (rnd() - 0.5) * 6, y: cy + s * x + c * y + dy + (rnd() - 0.5) * 6, angle: (m.angle - rot + (rnd() - 0.5) * 0.3 + 4 * Math.PI) % (2 * Math.PI) });
  }
  for (let k = 0; k < 4; k++) ms.push({ x: rnd() * t.width, y: rnd() * t.height, angle: rnd() * 2 * Math.PI, type: 1, quality: 30 });
  return { ...t, minutiae: ms, ...(t.field ? { field: moveField(t.field, rot, cx, cy, dx, dy) } : {}) };
}
/** The orientation field under the same rotation and shift as the minutiae (nearest cell). */
function moveField(f: OrientationField, rot: number, cx: number, cy: number, dx: number, dy: number): OrientationField {
  const c = Math.cos(rot), s = Math.sin(rot);
  const turn = Math.round((rot * 128) / Math.PI);
  const dir = new Uint8Array(f.dir.length).fill(FIELD_NONE);
  for (let gy = 0; gy < f.rows; gy++) for (let gx = 0; gx < f.cols; gx++) {
    const x = (gx + 0.5) * f.cell - cx - dx, y = (gy + 0.5) * f.cell - cy - dy;
    const sx = Math.floor((c * x + s * y + cx) / f.cell), sy = Math.floor((-s * x + c * y + cy) / f.cell);
    if (sx < 0 || sy < 0 || sx >= f.cols || sy >= f.rows) continue;
    const d = f.dir[sy * f.cols + sx]!;
    if (d !== FIELD_NONE) dir[gy * f.cols + gx] = (((d - turn) % 128) + 128) % 128;
  }
  return { ...f, dir };
}
// probes: impression 1 of the first fingers; their impressions 2..8 are in the gallery as themselves
const probes = real.filter((r) => r.id.endsWith('_1')).slice(0, PROBES);
const gallery: { id: string; template: Template }[] = real.filter((r) => !r.id.endsWith('_1')).map((r) => ({ id: r.id, template: r.t }));
// distractors are perturbed copies of gallery prints, never of a probe (that would be a mate
// easier than any real one)
const bases = gallery.slice();
while (gallery.length < GALLERY) {
  const base = bases[Math.floor(rnd() * bases.length)]!;
  gallery.push({ id: `${base.id}~synthetic-${gallery.length}`, template: perturb(base.template) });
}
const threads = availableParallelism();
const pool = new MatcherPool({ threads });
const tAdd = performance.now();
await pool.add(gallery);
await pool.search(probes[0]!.t, { topK: 5 }); // builds the index
console.log(`1:N gallery of ${pool.size} templates loaded and indexed in ${((performance.now() - tAdd) / 1000).toFixed(1)} s on ${threads} threads`);
let rank1 = 0, mated = 0;
const t0 = performance.now();
for (const p of probes) {
  const hits = await pool.search(p.t, { topK: 5 });
  const finger = p.id.replace(/_\d+$/, ''); // perturbed copies of a mate count as the finger too
  mated++;
  if (hits[0] && hits[0].id.startsWith(finger + '_')) rank1++;
}
const secs = (performance.now() - t0) / 1000;
console.log(`1:N: ${(probes.length * pool.size / secs).toFixed(0)} comparisons/s over ${threads} cores (${(secs / probes.length * 1000).toFixed(0)} ms a search of ${pool.size}); rank-1 ${rank1}/${mated} probes found their finger`);
await pool.close();
