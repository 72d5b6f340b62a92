import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { decodeImage } from './image.ts';
import { extractTemplate } from './extract.ts';
import { decodeAnsi378, decodeIso19794, encodeIso19794 } from './iso.ts';
import { compare } from './match.ts';
import { THRESHOLDS } from './thresholds.ts';
import { evaluateFolder } from './evaluate.ts';
import type { Template } from './types.ts';

const USAGE = `usage:
  npm run matcher -- extract IMAGE [--dpi N] [--width W --height H] [--out FILE.iso]
  npm run matcher -- match A B [--dpi N]          (A, B: images or .iso/.ansi records)
  npm run matcher -- evaluate FOLDER [--dpi N] [--templates iso] [--worst N] [--json]`;

function parseArgs(argv: string[]): { pos: string[]; flags: Map<string, string> } {
  const pos: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags.set(k, v);
      else if (k === 'json') flags.set(k, '1');
      else { flags.set(k, argv[i + 1] ?? ''); i++; }
    } else pos.push(a);
  }
  return { pos, flags };
}

function num(flags: Map<string, string>, k: string): number | undefined {
  const v = flags.get(k);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} needs a positive number`);
  return n;
}

function loadTemplate(file: string, flags: Map<string, string>): { template: Template; quality: number; ms?: number } {
  const bytes = readFileSync(file);
  const ext = extname(file).toLowerCase();
  if (ext === '.iso' || ext === '.ansi' || ext === '.fmr' || ext === '.ist') {
    const dpi = num(flags, 'dpi');
    const r = ext === '.ansi' ? decodeAnsi378(bytes, dpi ? { dpi } : {}) : decodeIso19794(bytes, dpi ? { dpi } : {});
    if (!r.ok) {
      const alt = decodeAnsi378(bytes, dpi ? { dpi } : {});
      if (alt.ok) return { template: alt.template, quality: alt.template.quality };
      throw new Error(`${file}: ${r.error}`);
    }
    return { template: r.template, quality: r.template.quality };
  }
  const opts: Parameters<typeof decodeImage>[1] = {};
  const dpi = num(flags, 'dpi'), width = num(flags, 'width'), height = num(flags, 'height');
  if (dpi) opts.dpi = dpi;
  if (width && height) { opts.width = width; opts.height = height; }
  if (ext === '.raw') opts.format = 'raw';
  const img = decodeImage(bytes, opts);
  const t0 = performance.now();
  const r = extractTemplate(img);
  return { ...r, ms: performance.now() - t0 };
}

const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  const { pos, flags } = parseArgs(rest);
  if (cmd === 'extract' && pos.length === 1) {
    const r = loadTemplate(pos[0]!, flags);
    console.log(`minutiae: ${r.template.minutiae.length}  quality: ${r.quality}  size: ${r.template.width}x${r.template.height} @500dpi  time: ${r.ms?.toFixed(1)} ms`);
    const out = flags.get('out');
    if (out) { writeFileSync(out, encodeIso19794(r.template)); console.log(`wrote ${out}`); }
    return 0;
  }
  if (cmd === 'match' && pos.length === 2) {
    const a = loadTemplate(pos[0]!, flags), b = loadTemplate(pos[1]!, flags);
    const score = compare(a.template, b.template);
    const decide = (t: number): string => (score >= t ? 'MATCH' : 'no match');
    console.log(`score: ${score.toFixed(2)}`);
    console.log(`decision: ${decide(THRESHOLDS.fmr01)} (FMR 0.1 %, threshold ${THRESHOLDS.fmr01})`);
    console.log(`  at FMR 1 % (${THRESHOLDS.fmr1}): ${decide(THRESHOLDS.fmr1)}; at FMR 0.01 % (${THRESHOLDS.fmr001}): ${decide(THRESHOLDS.fmr001)}`);
    return score >= THRESHOLDS.fmr01 ? 0 : 1;
  }
  if (cmd === 'evaluate' && pos.length === 1) {
    const dpi = num(flags, 'dpi');
    const tpl = flags.get('templates');
    if (tpl !== undefined && tpl !== 'iso' && tpl !== 'images') throw new Error('--templates takes iso or images');
    const worst = flags.has('worst') ? Math.floor(num(flags, 'worst') ?? 0) : 0;
    const r = evaluateFolder(pos[0]!, { ...(dpi ? { dpi } : {}), templates: tpl === 'iso' ? 'iso' : 'images', worst });
    const { genuineScores, impostorScores, worstGenuine, worstImpostor, ...summary } = r;
    void genuineScores; void impostorScores;
    if (flags.has('json')) { console.log(JSON.stringify(worst ? { ...summary, worstGenuine, worstImpostor } : summary)); return 0; }
    console.log(`${r.folder} (${r.source}): ${r.templates} templates of ${r.fingers} fingers`);
    console.log(`pairs: ${r.genuinePairs} genuine, ${r.impostorPairs} impostor (all pairs)`);
    console.log(`EER ${pct(r.eer)}  FMR100 ${pct(r.fmr100)}  FMR1000 ${pct(r.fmr1000)}  ZeroFMR ${pct(r.zeroFmr)}`);
    console.log(`extraction median ${r.extractMsMedian === null ? '-' : r.extractMsMedian.toFixed(1) + ' ms'}  matches/s ${r.matchesPerSecond.toFixed(0)} (symmetric, one core)  mean minutiae ${r.meanMinutiae.toFixed(1)}`);
    if (r.isoFrameCorrected) console.log(`${r.isoFrameCorrected} records declared a frame other than their image's and were stretched onto it`);
    const list = (pairs: typeof worstGenuine): string => pairs.map((p) => `${p.a}~${p.b} ${p.score.toFixed(2)}`).join(', ');
    if (worst) {
      console.log(`lowest genuine: ${list(worstGenuine)}`);
      console.log(`highest impostor: ${list(worstImpostor)}`);
    }
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 2;
}
