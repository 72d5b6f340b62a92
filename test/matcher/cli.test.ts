import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeIso19794 } from '../../matcher/index.ts';
import { DATASETS, fvc } from './datasets.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'matcher/cli.ts'), ...args], { cwd: repo, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'matcher-cli-'));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('extract writes a readable ISO record', () => {
  const out = join(dir, 'a.iso');
  const r = cli('extract', fvc('DB1_B', '102_1.tif'), '--out', out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /minutiae: \d+ +quality: \d+/);
  assert.ok(existsSync(out));
  assert.ok(decodeIso19794(readFileSync(out)).ok);
});

test('match prints score and decision; exit code says match or not', () => {
  const same = cli('match', fvc('DB1_B', '102_1.tif'), fvc('DB1_B', '102_2.tif'));
  assert.is(same.status, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /score: [\d.]+/);
  assert.match(same.stdout, /decision: MATCH/);
  const diff = cli('match', fvc('DB1_B', '102_1.tif'), fvc('DB1_B', '105_1.tif'));
  assert.is(diff.status, 1);
  assert.match(diff.stdout, /decision: no match/);
  const bad = cli('match', join(DATASETS, 'iso19794-2-invalid', '101_1_truncate_1_byte.iso'), fvc('DB1_B', '101_1.iso'));
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /truncated/);
});

test('evaluate --json on a small folder: all-pairs counts and the figures', () => {
  const folder = join(dir, 'set');
  spawnSync('mkdir', [folder]);
  for (const f of ['101', '102', '103']) for (const i of ['1', '2', '3']) {
    symlinkSync(fvc('DB1_B', `${f}_${i}.tif`), join(folder, `${f}_${i}.tif`));
    symlinkSync(fvc('DB1_B', `${f}_${i}.iso`), join(folder, `${f}_${i}.iso`));
  }
  for (const extra of [[], ['--templates', 'iso']]) {
    const r = cli('evaluate', folder, '--json', ...extra);
    assert.is(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.is(j.genuinePairs, 9);
    assert.is(j.impostorPairs, 27);
    for (const k of ['eer', 'fmr100', 'fmr1000', 'zeroFmr']) assert.ok(j[k] >= 0 && j[k] <= 1, k);
    assert.type(j.matchesPerSecond, 'number');
    assert.ok('extractMsMedian' in j);
  }
});

test('evaluate --worst names the weakest genuine and the strongest impostor pairs', () => {
  const folder = join(dir, 'worst');
  spawnSync('mkdir', [folder]);
  for (const f of ['101', '102']) for (const i of ['1', '2', '3']) symlinkSync(fvc('DB1_B', `${f}_${i}.tif`), join(folder, `${f}_${i}.tif`));
  const r = cli('evaluate', folder, '--json', '--worst', '2');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.worstGenuine.length, 2);
  assert.is(j.worstImpostor.length, 2);
  for (const p of j.worstGenuine) assert.is(p.a.split('_')[0], p.b.split('_')[0], 'a genuine pair is one finger');
  for (const p of j.worstImpostor) assert.is.not(p.a.split('_')[0], p.b.split('_')[0], 'an impostor pair is two fingers');
  assert.ok(j.worstGenuine[0].score <= j.worstGenuine[1].score, 'lowest genuine first');
  assert.ok(j.worstImpostor[0].score >= j.worstImpostor[1].score, 'highest impostor first');
  assert.ok(j.worstImpostor[0].score < j.worstGenuine[0].score, 'on these six clean prints every impostor scores below every genuine pair');
  const text = cli('evaluate', folder, '--worst', '1');
  assert.match(text.stdout, /lowest genuine: 10[12]_\d~10[12]_\d [\d.]+/);
  assert.match(text.stdout, /highest impostor: 101_\d~102_\d [\d.]+/);
  const bad = cli('evaluate', folder, '--worst', 'x');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--worst needs a positive number/);
});

test.run();
