/**
 * A/B of this matcher's comparison against another copy of the matcher folder (an older commit
 * checked out with `git worktree add`, or a copy being tuned), on our FVC2002 templates:
 *   1. whether the two give the same score to every pair, bit for bit (a rewrite meant for speed
 *      must; a change of method reports how many pairs moved);
 *   2. the speed of `comparePrepared` over a sixth of all pairs (a different sixth in alternate
 *      rounds), in interleaved rounds that alternate which copy goes first, so that the host's
 *      swings (this VM runs the same code up to 1.5 times apart for minutes) hit both. Repeat it,
 *      and believe only differences larger than the rounds' spread.
 *   npx tsx matcher/kernel-ab.ts OTHER_MATCHER_DIR [--rounds N] [--templates FILE]
 * The templates are extracted once (about a minute) and written to FILE if given, then loaded
 * from it on later runs; a saved file is only valid for the extractor that wrote it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extractTemplate } from './extract.ts';
import { decodeImage } from './image.ts';
import type { Template } from './types.ts';

interface MatchModule {
  prepareProbe(t: Template): unknown;
  comparePrepared(a: unknown, b: unknown): number;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const other = args[0];
if (!other || other.startsWith('--') || !existsSync(join(other, 'match.ts'))) {
  console.error('usage: tsx matcher/kernel-ab.ts OTHER_MATCHER_DIR [--rounds N] [--templates FILE] (the folder must hold match.ts)');
  process.exit(2);
}
const rounds = Number(option('--rounds') ?? 7);
const store = option('--templates');
const root = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];

type Stored = Omit<Template, 'field'> & { field?: { cell: number; cols: number; rows: number; dir: number[] } };
function load(): Template[] {
  if (store && existsSync(store)) {
    const saved = JSON.parse(readFileSync(store, 'utf8')) as Stored[];
    return saved.map((t) => ({ ...t, field: t.field ? { ...t.field, dir: Uint8Array.from(t.field.dir) } : undefined }));
  }
  const out: Template[] = [];
  for (const [db, dpi] of DBS) {
    const dir = join(root, 'fvc2002', db);
    for (const f of readdirSync(dir).filter((n) => /^\d+_\d+\.tif$/.test(n)).sort()) out.push(extractTemplate(decodeImage(readFileSync(join(dir, f)), { dpi })).template);
  }
  if (store) writeFileSync(store, JSON.stringify(out.map((t) => ({ ...t, field: t.field ? { ...t.field, dir: Array.from(t.field.dir) } : undefined }))));
  return out;
}

const templates = load();
const here = (await import('./match.ts')) as MatchModule;
const there = (await import(pathToFileURL(join(resolve(other), 'match.ts')).href)) as MatchModule;
// each copy prepares its own forms (their layouts may differ)
const mine = templates.map((t) => here.prepareProbe(t));
const theirs = templates.map((t) => there.prepareProbe(structuredClone(t)));

let pairs = 0, differ = 0, maxDelta = 0;
for (let i = 0; i < templates.length; i++) {
  for (let j = i + 1; j < templates.length; j++) {
    const a = here.comparePrepared(mine[i], mine[j]), b = there.comparePrepared(theirs[i], theirs[j]);
    pairs++;
    if (a !== b) { differ++; maxDelta = Math.max(maxDelta, Math.abs(a - b)); }
  }
}
console.log(`scores: ${differ} of ${pairs} pairs differ${differ ? ` (largest difference ${maxDelta.toPrecision(3)})` : ' (bit for bit the same)'}`);

const speed = { here: [] as number[], there: [] as number[] };
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 ? (['there', 'here'] as const) : (['here', 'there'] as const)) {
    const m = side === 'here' ? here : there, p = side === 'here' ? mine : theirs;
    let n = 0;
    const t0 = performance.now();
    for (let i = r % 2; i < p.length; i += 2) for (let j = i + 1; j < p.length; j += 3) { m.comparePrepared(p[i], p[j]); n++; }
    if (r > 0) speed[side].push(n / ((performance.now() - t0) / 1000)); // round 0 warms both up
  }
}
const median = (v: number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1]!;
const line = (v: number[]): string => `${median(v).toFixed(0)} a second (rounds ${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)})`;
console.log(`this matcher:  ${line(speed.here)}`);
console.log(`${other}: ${line(speed.there)}`);
console.log(`ratio of medians ${(median(speed.here) / median(speed.there)).toFixed(3)}`);
