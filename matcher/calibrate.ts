/**
 * Calibrates THRESHOLDS (thresholds.ts): scores every impostor pair among the FVC2002 B images of
 * all four databases (same-database and cross-database pairs of different fingers) with compare()
 * on our own templates and prints, for FMR 1 %, 0.1 % and 0.01 %, the lowest threshold whose false
 * match rate does not exceed it.   npx tsx matcher/calibrate.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFolder } from './evaluate.ts';
import { compactTemplate, compareCompact, prepareProbe } from './match.ts';
import { THRESHOLDS } from './thresholds.ts';

const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];
const all: { key: string; t: ReturnType<typeof loadFolder>[number]['template'] }[] = [];
for (const [db, dpi] of DBS) for (const it of loadFolder(join(root, 'fvc2002', db), { dpi })) all.push({ key: `${db}/${it.finger}`, t: it.template });
const P = all.map((a) => prepareProbe(a.t)), C = all.map((a) => compactTemplate(a.t));
const imp: number[] = [], gen: number[] = [];
for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
  const s = Math.max(compareCompact(P[i]!, C[j]!), compareCompact(P[j]!, C[i]!));
  (all[i]!.key === all[j]!.key ? gen : imp).push(s);
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
console.log(`FNMR at them (pooled genuine pairs): ${fnmr(th.fmr1)} / ${fnmr(th.fmr01)} / ${fnmr(th.fmr001)}`);
