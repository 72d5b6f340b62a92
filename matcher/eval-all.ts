/**
 * Development aid: evaluates all four FVC2002 B databases (all-pairs, as `evaluate`) and compares
 * our minutiae with the SecuGen records of the same images (recall / precision within 10 px and
 * 0.6 rad), a quick proxy for extractor repeatability. Nothing is cached.
 *   npx tsx matcher/eval-all.ts [--json FILE]
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorRates, loadFolder } from './evaluate.ts';
import { comparePrepared, prepareProbe } from './match.ts';

const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];
const only = process.env.DB;
const rows: Record<string, unknown>[] = [];
let sE = 0, s100 = 0, s1000 = 0, s0 = 0;
for (const [db, dpi] of DBS) {
  if (only && !db.startsWith(only)) continue;
  const folder = join(root, 'fvc2002', db);
  const ours = loadFolder(folder, { dpi });
  const iso = loadFolder(folder, { dpi, templates: 'iso' });
  const P = ours.map((i) => prepareProbe(i.template));
  const g: number[] = [], im: number[] = [];
  for (let i = 0; i < ours.length; i++) for (let j = i + 1; j < ours.length; j++) {
    (ours[i]!.finger === ours[j]!.finger ? g : im).push(comparePrepared(P[i]!, P[j]!));
  }
  const r = errorRates(g, im);
  // agreement with SecuGen on the same image
  let hitS = 0, nS = 0, hitO = 0, nO = 0;
  for (let k = 0; k < ours.length; k++) {
    const a = ours[k]!.template.minutiae, b = iso[k]!.template.minutiae;
    const near = (m: { x: number; y: number; angle: number }, list: typeof a): boolean => list.some((o) => {
      let d = Math.abs(o.angle - m.angle) % (2 * Math.PI); if (d > Math.PI) d = 2 * Math.PI - d;
      return Math.hypot(o.x - m.x, o.y - m.y) <= 10 && d <= 0.6;
    });
    for (const m of b) { nS++; if (near(m, a)) hitS++; }
    for (const m of a) { nO++; if (near(m, b)) hitO++; }
  }
  const times = ours.map((i) => i.extractMs!).sort((a, b) => a - b);
  const row = { db, eer: +(r.eer * 100).toFixed(2), fmr100: +(r.fmr100 * 100).toFixed(2), fmr1000: +(r.fmr1000 * 100).toFixed(2), zeroFmr: +(r.zeroFmr * 100).toFixed(2),
    recallVsIso: +(hitS / nS).toFixed(3), precisionVsIso: +(hitO / nO).toFixed(3), meanMin: +(nO / ours.length).toFixed(1), isoMin: +(nS / ours.length).toFixed(1), extractMs: +times[times.length >> 1]!.toFixed(1) };
  rows.push(row);
  console.log(JSON.stringify(row));
  sE += r.eer; s100 += r.fmr100; s1000 += r.fmr1000; s0 += r.zeroFmr;
}
const n = rows.length;
const mean = { db: 'mean', eer: +(sE / n * 100).toFixed(3), fmr100: +(s100 / n * 100).toFixed(3), fmr1000: +(s1000 / n * 100).toFixed(3), zeroFmr: +(s0 / n * 100).toFixed(3) };
console.log(JSON.stringify(mean));
const jf = process.argv.indexOf('--json');
if (jf > 0) writeFileSync(process.argv[jf + 1]!, JSON.stringify([...rows, mean], null, 1));
