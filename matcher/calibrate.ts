/**
 * Calibrates THRESHOLDS (thresholds.ts) on the FVC2002 B sets (all four databases, 320 impressions
 * of 40 fingers). Impostor pairs = every pair of different fingers, same- and cross-database, among
 * (a) our own templates, (b) the SecuGen records beside the images (frame stretched onto the image),
 * and (c) ours against SecuGen's; scored with compare(). Each threshold is the lowest score whose
 * false match rate over all those pairs does not exceed 1 %, 0.1 %, 0.01 %. Including other-vendor
 * templates keeps the thresholds honest for the records the hub receives from elsewhere.
 *   npx tsx matcher/calibrate.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFolder } from './evaluate.ts';
import { comparePrepared, prepareProbe } from './match.ts';
import { THRESHOLDS } from './thresholds.ts';

const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];
type Entry = { key: string; src: 'ours' | 'iso'; t: ReturnType<typeof loadFolder>[number]['template'] };
const all: Entry[] = [];
for (const [db, dpi] of DBS) {
  for (const it of loadFolder(join(root, 'fvc2002', db), { dpi })) all.push({ key: `${db}/${it.finger}`, src: 'ours', t: it.template });
  for (const it of loadFolder(join(root, 'fvc2002', db), { dpi, templates: 'iso' })) all.push({ key: `${db}/${it.finger}`, src: 'iso', t: it.template });
}
const P = all.map((a) => prepareProbe(a.t));
const imp: number[] = [], gen: number[] = [];
const bySrc = new Map<string, number[]>();
for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
  const s = comparePrepared(P[i]!, P[j]!);
  if (all[i]!.key === all[j]!.key) { if (all[i]!.src === 'ours' && all[j]!.src === 'ours') gen.push(s); continue; }
  imp.push(s);
  const k = [all[i]!.src, all[j]!.src].sort().join('-');
  let list = bySrc.get(k);
  if (!list) bySrc.set(k, (list = []));
  list.push(s);
}
for (const [k, v] of bySrc) {
  v.sort((a, b) => b - a);
  console.log(`${k}: ${v.length} impostor pairs, 0.1 % quantile ${v[Math.floor(v.length * 0.001)]!.toFixed(2)}, max ${v[0]!.toFixed(1)}`);
}
imp.sort((a, b) => b - a);
const at = (fmr: number): number => {
  // smallest threshold t with #(imp >= t) <= fmr * N: just above the (floor(fmr*N)+1)-th highest score
  const k = Math.floor(fmr * imp.length);
  return Math.ceil((imp[k]! + 1e-9) * 100) / 100;
};
const th = { fmr1: at(0.01), fmr01: at(0.001), fmr001: at(0.0001) };
const fnmr = (t: number): string => ((gen.filter((s) => s < t).length / gen.length) * 100).toFixed(2) + ' %';
console.log(`impostor pairs: ${imp.length}, genuine pairs: ${gen.length}; top impostor scores: ${imp.slice(0, 8).map((s) => s.toFixed(1)).join(' ')}`);
console.log(`calibrated: ${JSON.stringify(th)}  (in thresholds.ts: ${JSON.stringify(THRESHOLDS)})`);
console.log(`FNMR at them (genuine pairs of our templates): ${fnmr(th.fmr1)} / ${fnmr(th.fmr01)} / ${fnmr(th.fmr001)}`);
