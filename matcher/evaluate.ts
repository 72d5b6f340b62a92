import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from './image.ts';
import { extractTemplate } from './extract.ts';
import { decodeIso19794 } from './iso.ts';
import { comparePrepared, prepareProbe } from './match.ts';
import type { Template } from './types.ts';

export interface EvaluateOptions {
  /** resolution of the images (and of the records when scoring .iso files); default: as the files say */
  dpi?: number;
  /** score the .iso records beside the images instead of the images */
  templates?: 'images' | 'iso';
  /** how many of the worst genuine and impostor pairs to report (default 0) */
  worst?: number;
}

export interface ErrorRates {
  eer: number;
  /** lowest FNMR with FMR <= 1 % */
  fmr100: number;
  /** lowest FNMR with FMR <= 0.1 % */
  fmr1000: number;
  /** lowest FNMR with FMR = 0 */
  zeroFmr: number;
  eerThreshold: number;
}

export interface EvaluateReport extends ErrorRates {
  folder: string;
  source: 'images' | 'iso';
  templates: number;
  fingers: number;
  genuinePairs: number;
  impostorPairs: number;
  extractMsMedian: number | null;
  /** symmetric comparisons (compare() on prepared templates) a second, one core */
  matchesPerSecond: number;
  /** the same: a pair takes one symmetric comparison (kept for scripts that read it) */
  pairsPerSecond: number;
  meanMinutiae: number;
  meanQuality: number;
  /** .iso records whose declared frame differed from the image beside them and were stretched to it */
  isoFrameCorrected: number;
  genuineScores: number[];
  impostorScores: number[];
  /** the genuine pairs that score lowest and the impostor pairs that score highest (`worst` of each) */
  worstGenuine: ScoredPair[];
  worstImpostor: ScoredPair[];
}

/** A pair of impressions by file stem (`101_3`) and its score. */
export interface ScoredPair { a: string; b: string; score: number }

const IMAGE_EXT = ['.tif', '.tiff', '.png', '.bmp'];
const NAME = /^(\d+)_(\d+)\.[A-Za-z]+$/;

/** FMR/FNMR figures from score lists (higher = more similar; a pair matches when score >= threshold). */
export function errorRates(genuine: number[], impostor: number[]): ErrorRates {
  const g = Float64Array.from(genuine).sort(), im = Float64Array.from(impostor).sort();
  const thr = Float64Array.from(new Set([...genuine, ...impostor, Infinity])).sort();
  let eer = 1, gap = Infinity, eerThreshold = 0;
  let fmr100 = 1, fmr1000 = 1, zeroFmr = 1;
  let gi = 0, ii = 0;
  for (const t of thr) {
    while (gi < g.length && g[gi]! < t) gi++;
    while (ii < im.length && im[ii]! < t) ii++;
    const fnmr = g.length ? gi / g.length : 0;
    const fmr = im.length ? (im.length - ii) / im.length : 0;
    if (Math.abs(fmr - fnmr) < gap) { gap = Math.abs(fmr - fnmr); eer = (fmr + fnmr) / 2; eerThreshold = t; }
    if (fmr <= 0.01) fmr100 = Math.min(fmr100, fnmr);
    if (fmr <= 0.001) fmr1000 = Math.min(fmr1000, fnmr);
    if (fmr === 0) zeroFmr = Math.min(zeroFmr, fnmr);
  }
  return { eer, fmr100, fmr1000, zeroFmr, eerThreshold };
}

interface Item { finger: string; impression: string; template: Template; extractMs: number | null; corrected: boolean }

/** images extracted once, untimed, before extraction is timed (see loadFolder) */
const WARM_UP = 10;

export function loadFolder(folder: string, opts: EvaluateOptions = {}): Item[] {
  const source = opts.templates ?? 'images';
  const names = readdirSync(folder).filter((f) => NAME.test(f)).sort();
  const byStem = new Map<string, string[]>();
  for (const f of names) {
    const stem = f.replace(/\.[^.]+$/, '');
    byStem.set(stem, [...(byStem.get(stem) ?? []), f]);
  }
  const items: Item[] = [];
  let warmed = 0;
  for (const [stem, files] of byStem) {
    const [, finger, impression] = NAME.exec(files[0]!)!;
    const image = files.find((f) => IMAGE_EXT.some((e) => f.toLowerCase().endsWith(e)));
    if (source === 'iso') {
      const iso = files.find((f) => f.toLowerCase().endsWith('.iso'));
      if (!iso) continue;
      const bytes = readFileSync(join(folder, iso));
      let r = decodeIso19794(bytes, opts.dpi !== undefined ? { dpi: opts.dpi } : {});
      if (!r.ok) throw new Error(`${iso}: ${r.error}`);
      let corrected = false;
      if (image) {
        // Some vendors (the SecuGen records here) write every record in a fixed 300x400 frame,
        // stretched from the real image; map it back onto the image so that geometry is true.
        const img = decodeImage(readFileSync(join(folder, image)), opts.dpi !== undefined ? { dpi: opts.dpi } : {});
        const raw = decodeIso19794(bytes, { dpi: img.dpi });
        if (raw.ok) {
          const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          const fw = dv.getUint16(14), fh = dv.getUint16(16);
          if (fw !== img.width || fh !== img.height) {
            corrected = true;
            r = { ok: true, template: stretchTemplate(raw.template, img.width / fw, img.height / fh) };
          } else r = raw;
        }
      }
      items.push({ finger: finger!, impression: impression!, template: r.template, extractMs: null, corrected });
      continue;
    }
    if (!image) continue;
    const img = decodeImage(readFileSync(join(folder, image)), opts.dpi !== undefined ? { dpi: opts.dpi } : {});
    // V8 compiles the extractor in tiers over its first calls, which take up to twice as long; the
    // first WARM_UP images are extracted once untimed, so that the median is the steady state
    if (warmed < WARM_UP) { extractTemplate(img); warmed++; }
    const t0 = performance.now();
    const { template } = extractTemplate(img);
    items.push({ finger: finger!, impression: impression!, template, extractMs: performance.now() - t0, corrected: false });
  }
  return items;
}

/** Scales a template's coordinates (used to undo a vendor's frame stretch). */
export function stretchTemplate(t: Template, sx: number, sy: number): Template {
  return {
    ...t,
    width: Math.round(t.width * sx),
    height: Math.round(t.height * sy),
    minutiae: t.minutiae.map((m) => {
      // a direction stretched with the frame: transform its vector
      const dx = Math.cos(m.angle) * sx, dy = Math.sin(m.angle) * sy;
      let a = Math.atan2(dy, dx);
      if (a < 0) a += 2 * Math.PI;
      return { ...m, x: m.x * sx, y: m.y * sy, angle: a };
    }),
  };
}

export function evaluateFolder(folder: string, opts: EvaluateOptions = {}): EvaluateReport {
  const items = loadFolder(folder, opts);
  const probes = items.map((i) => prepareProbe(i.template));
  const genuine: number[] = [], impostor: number[] = [];
  const genuineAt: [number, number][] = [], impostorAt: [number, number][] = [];
  const t0 = performance.now();
  let comparisons = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const s = comparePrepared(probes[i]!, probes[j]!);
      comparisons++;
      if (items[i]!.finger === items[j]!.finger) { genuine.push(s); genuineAt.push([i, j]); } else { impostor.push(s); impostorAt.push([i, j]); }
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const stem = (k: number): string => `${items[k]!.finger}_${items[k]!.impression}`;
  const pick = (scores: number[], at: [number, number][], dir: 1 | -1): ScoredPair[] =>
    scores.map((score, k) => ({ a: stem(at[k]![0]), b: stem(at[k]![1]), score }))
      .sort((x, y) => dir * (x.score - y.score))
      .slice(0, opts.worst ?? 0);
  const times = items.map((i) => i.extractMs).filter((v): v is number => v !== null).sort((a, b) => a - b);
  return {
    folder,
    source: opts.templates ?? 'images',
    templates: items.length,
    fingers: new Set(items.map((i) => i.finger)).size,
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    ...errorRates(genuine, impostor),
    extractMsMedian: times.length ? times[times.length >> 1]! : null,
    matchesPerSecond: secs > 0 ? comparisons / secs : 0,
    pairsPerSecond: secs > 0 ? comparisons / secs : 0,
    meanMinutiae: items.reduce((s, i) => s + i.template.minutiae.length, 0) / Math.max(1, items.length),
    meanQuality: items.reduce((s, i) => s + i.template.quality, 0) / Math.max(1, items.length),
    isoFrameCorrected: items.filter((i) => i.corrected).length,
    genuineScores: genuine,
    impostorScores: impostor,
    worstGenuine: pick(genuine, genuineAt, 1),
    worstImpostor: pick(impostor, impostorAt, -1),
  };
}
