import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { directionBin, directionBinExact } from '../../matcher/direction-bin.ts';

const BINS = 32;
/** the doubled-angle vector of a ridge direction t (radians, 0..π), scaled by len */
const doubled = (t: number, len = 1): [number, number] => [len * Math.sin(2 * t - Math.PI), len * Math.cos(2 * t - Math.PI)];

test('a horizontal ridge is bin 0 and a vertical one bin 16 of 32; every bin holds its own centre', () => {
  assert.is(directionBin(...doubled(0), BINS), 0);
  assert.is(directionBin(...doubled(Math.PI / 2), BINS), 16);
  for (let b = 0; b < BINS; b++) assert.is(directionBin(...doubled((b * Math.PI) / BINS), BINS), b, `bin ${b}`);
});

test('the fast bin is the exact one on a dense sweep of directions and lengths', () => {
  for (let i = 0; i < 200_000; i++) {
    const t = (i / 200_000) * Math.PI;
    const len = 10 ** ((i % 13) - 6);
    const [y, x] = doubled(t, len);
    if (directionBin(y, x, BINS) !== directionBinExact(y, x, BINS)) assert.unreachable(`differs at t=${t}, length ${len}`);
  }
});

test('the fast bin is the exact one right beside every boundary between two bins, where the polynomial is least sure', () => {
  const offsets = [0, 1e-12, 1e-7, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2.5e-3, 5e-3];
  for (let b = 0; b < BINS; b++) {
    const boundary = ((b + 0.5) * Math.PI) / BINS;
    for (const o of offsets) for (const t of [boundary - o, boundary + o]) {
      const [y, x] = doubled(t, 3.7);
      assert.is(directionBin(y, x, BINS), directionBinExact(y, x, BINS), `boundary ${b}, offset ${o}`);
    }
  }
});

test('a zero vector (no ridge flow) and signed zeros give the exact answer', () => {
  for (const [y, x] of [[0, 0], [-0, 0], [0, -0], [-0, -0], [0, -1], [-0, -1], [0, 1], [-0, 1]] as const) {
    assert.is(directionBin(y, x, BINS), directionBinExact(y, x, BINS), `(${Object.is(y, -0) ? '-0' : y}, ${Object.is(x, -0) ? '-0' : x})`);
  }
});

test.run();
