/**
 * Calibrates THRESHOLDS and THRESHOLDS_MINUTIAE (thresholds.ts) on the FVC2002 B sets (all four
 * databases, 320 impressions of 40 fingers). Impostor pairs = every pair of different fingers,
 * same- and cross-database, among (a) our own templates, (b) the SecuGen records beside the images,
 * and (c) ours against SecuGen's; scored with comparePrepared() (= compare()). Pairs of (a) weigh the
 * orientation fields and set THRESHOLDS; (b) and (c) are minutiae only and set THRESHOLDS_MINUTIAE,
 * which keeps the decision honest for records the hub receives from other vendors. Each threshold
 * is the lowest score whose false match rate over its pairs does not exceed 1 %, 0.1 %, 0.01 %.
 *   npx tsx matcher/calibrate.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFolder } from './evaluate.ts';
import { comparePrepared, prepareProbe } from './match.ts';
import { THRESHOLDS, THRESHOLDS_MINUTIAE } from './thresholds.ts';

const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];
type Entry = { key: string; src: 'ours' | 'iso'; t: ReturnType<typeof loadFolder>[number]['template'] };
const all: Entry[] = [];
for (const [db, dpi] of DBS) {
  for (const it of loadFolder(join(root, 'fvc2002', db), { dpi })) all.push({ key: `${db}/${it.finger}`, src: 'ours', t: it.template });
  for (const it of loadFolder(join(root, 'fvc2002', db), { dpi, templates: 'iso' })) all.push({ key: `${db}/${it.finger}`, src: 'iso', t: it.template });
}
const P = all.map((a) => prepareProbe(a.t));
const impField: number[] = [], impMinutiae: number[] = [], gen: number[] = [];
const bySrc = new Map<string, number[]>();
for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
  const s = comparePrepared(P[i]!, P[j]!);
  const ours = all[i]!.src === 'ours' && all[j]!.src === 'ours';
  if (all[i]!.key === all[j]!.key) { if (ours) gen.push(s); continue; }
  (ours ? impField : impMinutiae).push(s);
  const k = [all[i]!.src, all[j]!.src].sort().join('-');
  let list = bySrc.get(k);
  if (!list) bySrc.set(k, (list = []));
  list.push(s);
}
for (const [k, v] of bySrc) {
  v.sort((a, b) => b - a);
  console.log(`${k}: ${v.length} impostor pairs, 0.1 % quantile ${v[Math.floor(v.length * 0.001)]!.toFixed(2)}, max ${v[0]!.toFixed(1)}`);
}
/** smallest threshold t with #(imp >= t) <= fmr * N: just above the (floor(fmr*N)+1)-th highest score */
const at = (imp: number[], fmr: number): number => Math.ceil((imp[Math.floor(fmr * imp.length)]! + 1e-9) * 100) / 100;
const levels = (imp: number[]) => {
  imp.sort((a, b) => b - a);
  return { fmr1: at(imp, 0.01), fmr01: at(imp, 0.001), fmr001: at(imp, 0.0001) };
};
const field = levels(impField), minutiae = levels(impMinutiae);
const fnmr = (t: number): string => ((gen.filter((s) => s < t).length / gen.length) * 100).toFixed(2) + ' %';
console.log(`impostor pairs: ${impField.length} with fields (top ${impField.slice(0, 6).map((s) => s.toFixed(1)).join(' ')}), ${impMinutiae.length} minutiae only (top ${impMinutiae.slice(0, 6).map((s) => s.toFixed(1)).join(' ')}); genuine pairs of our templates: ${gen.length}`);
console.log(`THRESHOLDS calibrated: ${JSON.stringify(field)}  (in thresholds.ts: ${JSON.stringify(THRESHOLDS)})`);
console.log(`THRESHOLDS_MINUTIAE calibrated: ${JSON.stringify(minutiae)}  (in thresholds.ts: ${JSON.stringify(THRESHOLDS_MINUTIAE)})`);
console.log(`FNMR of our genuine pairs at THRESHOLDS: ${fnmr(field.fmr1)} / ${fnmr(field.fmr01)} / ${fnmr(field.fmr001)}`);
