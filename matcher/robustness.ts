/**
 * How far the FVC2002 figures carry over to images that differ in ways a sensor or a scanner
 * driver could make them differ. For each condition, every even impression of each database is
 * changed before extraction and the all-pairs protocol runs as in `evaluate` (so each genuine pair
 * of an odd and an even impression crosses the two conditions):
 *   - as is;
 *   - shifted by half a pixel both ways (bilinear: a mild blur and a different sampling grid);
 *   - resampled to 400 and to 600 dpi, declared as such (the extractor normalises to 500);
 *   - sharpened (unsharp masking, half the difference from a [1 2 1] blur).
 * Prints each database's EER and FMR1000 and the means. The spread between the conditions is the
 * noise to expect of any single figure; a change to the extractor or the matcher should be judged
 * on all of them, not on the first alone.
 *   npx tsx matcher/robustness.ts [--save FILE | --load FILE]
 * Extraction is most of its minute: `--save` writes the templates of every condition to FILE (JSON)
 * and `--load` scores those instead of extracting, so that a change to the comparison alone is
 * judged in seconds. A saved file is only valid for the extractor that wrote it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorRates } from './evaluate.ts';
import { extractTemplate } from './extract.ts';
import { decodeImage, resampleTo } from './image.ts';
import { comparePrepared, prepareProbe } from './match.ts';
import type { GrayImage, Template } from './types.ts';

const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];

/** The image sampled half a pixel right and down (the last row and column repeat). */
function shiftHalfPixel(img: GrayImage): GrayImage {
  const { width: w, height: h, pixels: p } = img;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y1 = Math.min(h - 1, y + 1);
    for (let x = 0; x < w; x++) {
      const x1 = Math.min(w - 1, x + 1);
      out[y * w + x] = Math.round((p[y * w + x]! + p[y * w + x1]! + p[y1 * w + x]! + p[y1 * w + x1]!) / 4);
    }
  }
  return { ...img, pixels: out };
}

/** Unsharp masking: the image plus half its difference from a [1 2 1] blur (as some sensor drivers sharpen). */
function sharpen(img: GrayImage): GrayImage {
  const { width: w, height: h, pixels: p } = img;
  const t = new Float32Array(w * h), out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    t[y * w + x] = (p[y * w + Math.max(0, x - 1)]! + 2 * p[y * w + x]! + p[y * w + Math.min(w - 1, x + 1)]!) / 4;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const b = (t[Math.max(0, y - 1) * w + x]! + 2 * t[y * w + x]! + t[Math.min(h - 1, y + 1) * w + x]!) / 4;
    const v = p[y * w + x]! + 0.5 * (p[y * w + x]! - b);
    out[y * w + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return { ...img, pixels: out };
}

const CONDITIONS: [string, (img: GrayImage) => GrayImage][] = [
  ['as is', (img) => img],
  ['half-pixel shift', shiftHalfPixel],
  ['resampled to 400 dpi', (img) => resampleTo(img, 400)],
  ['resampled to 600 dpi', (img) => resampleTo(img, 600)],
  ['sharpened', sharpen],
];

const args = process.argv.slice(2);
const option = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const saveTo = option('--save'), loadFrom = option('--load');

/** a template as JSON: the field's Uint8Array as a plain array */
type StoredTemplate = Omit<Template, 'field'> & { field?: Omit<NonNullable<Template['field']>, 'dir'> & { dir: number[] } };
const toStored = (t: Template): StoredTemplate => ({ ...t, field: t.field && { ...t.field, dir: Array.from(t.field.dir) } });
const fromStored = (t: StoredTemplate): Template => ({ ...t, field: t.field && { ...t.field, dir: Uint8Array.from(t.field.dir) } });
// condition -> database -> file name -> template
type Store = Record<string, Record<string, Record<string, StoredTemplate>>>;
const loaded: Store | null = loadFrom ? JSON.parse(readFileSync(loadFrom, 'utf8')) as Store : null;
const saved: Store = {};

const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
// the mean over all conditions: one figure to judge a change by, less at the mercy of the few
// genuine pairs that decide each database's EER under any single condition
const allEers: number[] = [], allFmr1000s: number[] = [];
for (const [label, change] of CONDITIONS) {
  const eers: number[] = [], fmr1000s: number[] = [];
  for (const [db, dpi] of DBS) {
    const dir = join(root, 'fvc2002', db);
    const files = readdirSync(dir).filter((f) => /^\d+_\d+\.tif$/.test(f)).sort();
    const items = files.map((f) => {
      const [finger, imp] = f.replace('.tif', '').split('_').map(Number) as [number, number];
      const stored = loaded?.[label]?.[db]?.[f];
      if (loaded && !stored) throw new Error(`${loadFrom} holds no template for ${label} ${db}/${f}: save it again`);
      const template = stored ? fromStored(stored) : extractTemplate((imp % 2 === 0 ? change : (i: GrayImage) => i)(decodeImage(readFileSync(join(dir, f)), { dpi }))).template;
      if (saveTo) ((saved[label] ??= {})[db] ??= {})[f] = toStored(template);
      return { finger, probe: prepareProbe(template) };
    });
    const genuine: number[] = [], impostor: number[] = [];
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      (items[i]!.finger === items[j]!.finger ? genuine : impostor).push(comparePrepared(items[i]!.probe, items[j]!.probe));
    }
    const r = errorRates(genuine, impostor);
    eers.push(r.eer * 100); fmr1000s.push(r.fmr1000 * 100);
  }
  allEers.push(meanOf(eers)); allFmr1000s.push(meanOf(fmr1000s));
  console.log(`${label.padEnd(22)} EER ${eers.map((v) => v.toFixed(2)).join(' / ')} mean ${meanOf(eers).toFixed(2)} | FMR1000 ${fmr1000s.map((v) => v.toFixed(2)).join(' / ')} mean ${meanOf(fmr1000s).toFixed(2)}`);
}
console.log(`${'all conditions'.padEnd(22)} mean EER ${meanOf(allEers).toFixed(2)} | mean FMR1000 ${meanOf(allFmr1000s).toFixed(2)}`);
if (saveTo) writeFileSync(saveTo, JSON.stringify(saved));
