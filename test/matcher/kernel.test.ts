import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { compactTemplate, compare, compareCompact, comparePrepared, decodeImage, decodeIso19794, encodeIso19794, extractTemplate, prepareProbe } from '../../matcher/index.ts';
import type { CompactTemplate, Template } from '../../matcher/index.ts';
import { U16, arenaAlloc, arenaFree, arenaReset, kernelConstants } from '../../matcher/kernel-host.ts';
import { EDGE_ANGLE_BIN, EDGE_KEYS, EDGE_LENGTH_BIN, edgeKey } from '../../matcher/match.ts';
import { FIELD_NONE } from '../../matcher/index.ts';
import { compileKernel } from '../../scripts/build-matcher-kernel.ts';
import { fvc } from './datasets.ts';

test('the committed kernel binary is what its source compiles to', async () => {
  const built = await compileKernel();
  const committed = readFileSync(new URL('../../matcher/kernel/compare.wasm', import.meta.url));
  assert.ok(built.length === committed.length && built.every((v, i) => v === committed[i]), 'matcher/kernel/compare.wasm is stale: run npm run build:matcher');
});

// two fingers of DB1, two impressions each: genuine and impostor pairs
const names = ['101_1', '101_2', '102_1', '102_2'];
const templates = names.map((n) => extractTemplate(decodeImage(readFileSync(fvc('DB1_B', `${n}.tif`)))).template);

test('a compact template prepared here and cloned into a worker thread compares there as it does here', async () => {
  // its residency fields (offsets into this thread's kernel memory) travel with the clone; the
  // worker's kernel has its own memory and must copy the template in, not read those offsets.
  // First of the comparisons in this file, so that both arenas are in their first generation.
  const a = prepareProbe(templates[0]!), b = compactTemplate(templates[1]!);
  const here = comparePrepared(a, b);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { register } = await import(workerData.tsxApi);
      register();
      const m = await import(workerData.match);
      parentPort.postMessage(m.comparePrepared(workerData.a, workerData.b));
    })().catch((e) => parentPort.postMessage(String(e)));`;
  const match = new URL('../../matcher/match.ts', import.meta.url).href;
  const worker = new Worker(code, { eval: true, workerData: { tsxApi, match, a, b } });
  try {
    const there = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    assert.is(there, here);
  } finally {
    await worker.terminate();
  }
});

/** Fills the arena so that exactly `free` bytes (rounded to 8) are left. */
function leave(free: number): void {
  const fill = arenaFree() - free;
  if (fill > 0) assert.ok(arenaAlloc(fill) >= 0);
}

test('scores stay the same when the template arena fills up and is emptied mid-comparison', () => {
  // the arena is a cache of the templates' arrays in the kernel's memory: whatever is resident
  // when a comparison starts (nothing, the probe without its hash, ...) must not change the score
  const fresh = (): CompactTemplate[] => templates.map((t) => compactTemplate(t));
  const ref = fresh();
  const expected: number[] = [];
  for (const a of ref) for (const b of ref) expected.push(comparePrepared(a, b));
  assert.ok(expected[1]! > expected[2]! * 4, `genuine ${expected[1]} against impostor ${expected[2]}`);
  for (const free of [0, 64, 2_000, 8_000, 30_000, 60_000, 120_000]) {
    arenaReset();
    const cs = fresh();
    const got: number[] = [];
    for (const a of cs) for (const b of cs) { leave(free); got.push(comparePrepared(a, b)); }
    assert.equal(got, expected, `with ${free} bytes left before each comparison`);
  }
});

test('a probe prepared before the arena was emptied still compares correctly', () => {
  const p = prepareProbe(templates[0]!), c = compactTemplate(templates[1]!);
  const before = compareCompact(p, c);
  arenaReset();
  assert.is(compareCompact(p, c), before);
  assert.ok(before > 1);
});

const cluster = (o: number) => Array.from({ length: 12 }, (_, i) => ({ x: o + (i % 4) * 30, y: o + Math.floor(i / 4) * 30, angle: i * 0.5, type: 1 as const, quality: 60 }));

test('minutiae spread wider than any finger match nothing, and comparing goes on as before', () => {
  const before = compare(templates[0]!, templates[1]!);
  // an ISO record may declare 1 ppcm: its minutiae, scaled to 500 dpi, lie kilometres apart, and
  // the comparison's position grids for that spread once failed to allocate (a RangeError)
  const record = encodeIso19794({ ...templates[0]!, minutiae: [...cluster(10), ...cluster(300)] });
  const view = new DataView(record.buffer, record.byteOffset);
  view.setUint16(18, 1); view.setUint16(20, 1); // x and y resolution, ppcm
  const decoded = decodeIso19794(record);
  assert.ok(decoded.ok, 'a record at 1 ppcm is well formed');
  const far = decoded.ok ? decoded.template : templates[0]!;
  assert.ok(far.minutiae.some((m) => m.x > 50_000), 'its minutiae are metres apart at 500 dpi');
  // two clusters 39,000 px (about 2 m) apart, and coordinates that are not numbers
  const wide: Template = { width: 40_000, height: 40_000, resolution: 500, quality: 50, minutiae: [...cluster(10), ...cluster(39_000)] };
  const nan: Template = { ...templates[0]!, minutiae: templates[0]!.minutiae.map((m, i) => (i === 3 ? { ...m, x: Number.NaN } : m)) };
  for (const bad of [far, wide, nan]) {
    assert.is(compare(bad, templates[0]!), 0);
    assert.is(compare(templates[0]!, bad), 0);
    assert.is(compareCompact(prepareProbe(bad), compactTemplate(templates[1]!)), 0);
  }
  assert.is(compare({ ...templates[0]! }, { ...templates[1]! }), before);
});

test('a template too large for the kernel arena matches nothing, and comparing goes on as before', () => {
  // only a hand-built template can be: an orientation field of 36 MB (a record's is at most 64 KB)
  const cols = 6_000, rows = 6_000;
  const huge: Template = { ...templates[0]!, field: { cell: 16, cols, rows, dir: new Uint8Array(cols * rows).fill(3) } };
  const before = compare(templates[0]!, templates[1]!);
  assert.is(compare(huge, templates[1]!), 0);
  assert.is(compare(templates[1]!, huge), 0);
  assert.is(compare({ ...templates[0]! }, { ...templates[1]! }), before);
});

test("a template's voting edges are packed once each, in key order, with the edge's own attributes", () => {
  // the kernel's vote reads these records instead of the edge arrays: a record that disagrees
  // with the arrays (a wrong offset, byte order or minutia) would vote for the wrong roots
  const c = compactTemplate(templates[0]!);
  const v = new DataView(c.vote.buffer, c.vote.byteOffset, c.vote.byteLength);
  const records = c.vote.byteLength / 16;
  assert.ok(records >= 3 * c.n, `about six voting edges a minutia (${records} for ${c.n} minutiae)`);
  const seen = new Set<number>();
  let lastKey = -1;
  for (let r = 0; r < records; r++) {
    const key = v.getUint16(16 * r, true), i = v.getUint8(16 * r + 2), j = v.getUint8(16 * r + 3);
    assert.ok(key >= lastKey, `record ${r} out of key order`);
    lastKey = key;
    // the edge of minutia i whose neighbour is j, among its six nearest
    let e = -1;
    for (let k = 0; k < 6; k++) if (c.nb[i * 10 + k] === j) e = i * 10 + k;
    assert.ok(e >= 0, `record ${r}: ${j} is not one of minutia ${i}'s nearest neighbours`);
    assert.not.ok(seen.has(e), `edge ${e} packed twice`);
    seen.add(e);
    assert.is(v.getFloat32(16 * r + 4, true), c.ed[e]);
    assert.is(v.getFloat32(16 * r + 8, true), c.ea[e]);
    assert.is(v.getFloat32(16 * r + 12, true), c.eb[e]);
  }
});

test("a probe's hash finds each voting edge from its own bin, both neighbours in length and edge angle, and the nearer neighbour in relative direction", () => {
  // the vote meets only the probe edges stored under the candidate edge's own key: an edge missing
  // from a bin loses votes, an edge stored too widely costs time for nothing
  const p = prepareProbe(templates[0]!);
  const starts = p.hashStart >> 1, entries = p.hashEntries >> 1;
  const holds = (key: number, e: number): boolean => {
    if (key < 0) return false;
    for (let h = U16[starts + key]!; h < U16[starts + key + 1]!; h++) if (U16[entries + h] === e) return true;
    return false;
  };
  const copies = new Map<number, number>();
  for (let h = 0; h < U16[starts + EDGE_KEYS]!; h++) copies.set(U16[entries + h]!, (copies.get(U16[entries + h]!) ?? 0) + 1);
  const TWO_PI = 2 * Math.PI, A = EDGE_ANGLE_BIN, L = EDGE_LENGTH_BIN;
  const wrap = (x: number): number => ((x % TWO_PI) + TWO_PI) % TWO_PI;
  // the middle of the bin `by` bins away from x's own (angles wrap; the last bin is the narrow one)
  const angleBin = (x: number, by: number): number => wrap((Math.floor(x / A) + by + 0.5) * A);
  let edges = 0;
  for (let e = 0; e < p.n * 10; e++) {
    const d = p.ed[e]!, ea = p.ea[e]!, eb = p.eb[e]!;
    if (p.nb[e]! < 0 || e % 10 >= 6 || edgeKey(d, ea, eb) < 0) continue;
    edges++;
    assert.ok(holds(edgeKey(d, ea, eb), e), `edge ${e} is not under its own key`);
    const nearerBelow = eb / A - Math.floor(eb / A) < 0.5;
    assert.is(holds(edgeKey(d, ea, angleBin(eb, -1)), e), nearerBelow, `edge ${e}: the bin below its relative direction`);
    assert.is(holds(edgeKey(d, ea, angleBin(eb, 1)), e), !nearerBelow, `edge ${e}: the bin above its relative direction`);
    assert.not.ok(holds(edgeKey(d, ea, angleBin(eb, 2)), e), `edge ${e}: two bins away`);
    assert.ok(holds(edgeKey(d, angleBin(ea, -1), eb), e) && holds(edgeKey(d, angleBin(ea, 1), eb), e), `edge ${e}: both bins beside its edge angle`);
    const db = Math.floor(d / L);
    if (db > 0) assert.ok(holds(edgeKey((db - 0.5) * L, ea, eb), e), `edge ${e}: the length bin below`);
    if (edgeKey((db + 1.5) * L, ea, eb) >= 0) assert.ok(holds(edgeKey((db + 1.5) * L, ea, eb), e), `edge ${e}: the length bin above`);
    // 3 lengths x 3 edge angles x 2 relative directions, fewer at the ends of the length range
    const lengths = (db > 0 ? 1 : 0) + 1 + (edgeKey((db + 1.5) * L, ea, eb) >= 0 ? 1 : 0);
    assert.is(copies.get(e), lengths * 3 * 2, `edge ${e}: copies`);
  }
  assert.ok(edges >= 3 * p.n, `about six voting edges a minutia (${edges} for ${p.n} minutiae)`);
});

test("pairing by position's bucket lists hold exactly the minutiae of the 3 x 3 buckets around each, row by row", () => {
  // the kernel reads one list where it walked the buckets a tolerance window touched: a minutia
  // missing from a list is a pair never found, one out of order can change which pair wins
  const { BUCKET } = kernelConstants();
  for (const t of templates) {
    const c = compactTemplate(t);
    const bucketOf = (i: number): [number, number] => [Math.floor((c.x[i]! - c.ox) / BUCKET), Math.floor((c.y[i]! - c.oy) / BUCKET)];
    const nw = c.bw + 2, nh = c.bh + 2;
    assert.is(c.nstart.length, nw * nh + 1);
    for (let cy = 0; cy < nh; cy++) for (let cx = 0; cx < nw; cx++) {
      const listed = Array.from(c.nidx.subarray(c.nstart[cy * nw + cx]!, c.nstart[cy * nw + cx + 1]!));
      // expected: buckets (cx-2..cx, cy-2..cy) row by row, each in index order
      const expected: number[] = [];
      for (let sy = cy - 2; sy <= cy; sy++) for (let sx = cx - 2; sx <= cx; sx++) {
        for (let i = 0; i < c.n; i++) { const [bx, by] = bucketOf(i); if (bx === sx && by === sy) expected.push(i); }
      }
      assert.equal(listed, expected, `bucket (${cx - 1}, ${cy - 1})`);
    }
  }
});

test("the field's row spans run from each row's first cell with a direction to its last", () => {
  // the field agreement skips the cells outside them: a span too short drops cells it should count
  for (const t of templates) {
    const c = compactTemplate(t);
    assert.ok(c.fcount > 0, 'our templates carry a field');
    for (let r = 0; r < c.frows; r++) {
      const row = Array.from(c.fdir.subarray(r * c.fcols, (r + 1) * c.fcols));
      const first = row.findIndex((d) => d !== FIELD_NONE), last = row.length - 1 - [...row].reverse().findIndex((d) => d !== FIELD_NONE);
      if (first < 0) assert.ok(c.fspans[2 * r]! > c.fspans[2 * r + 1]!, `row ${r} has no direction: an empty span`);
      else assert.equal([c.fspans[2 * r], c.fspans[2 * r + 1]], [first, last], `row ${r}`);
    }
  }
});

test.run();
