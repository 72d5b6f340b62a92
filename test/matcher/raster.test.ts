import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blockDistance, removeSmall } from '../../matcher/raster.ts';

/** A raster from rows of '#' (1) and '.' (0). */
function raster(rows: string[]): { b: Uint8Array; w: number; h: number } {
  const w = rows[0]!.length, h = rows.length;
  const b = new Uint8Array(w * h);
  rows.forEach((r, y) => { for (let x = 0; x < w; x++) b[y * w + x] = r[x] === '#' ? 1 : 0; });
  return { b, w, h };
}

function show(b: Uint8Array, w: number): string[] {
  const out: string[] = [];
  for (let y = 0; y < b.length / w; y++) out.push(Array.from(b.subarray(y * w, (y + 1) * w), (v) => (v ? '#' : '.')).join(''));
  return out;
}

/** The rows after removing components of value v smaller than minSize (mask: all, unless given). */
function cleaned(rows: string[], v: 0 | 1, minSize: number, mask?: Uint8Array): string[] {
  const { b, w, h } = raster(rows);
  removeSmall(b, mask ?? new Uint8Array(w * h).fill(1), w, h, v, minSize);
  return show(b, w);
}

const ones = (rows: string[]): number => rows.join('').split('#').length - 1;

test('a speck of ridge smaller than the limit is cleared; a larger ridge stays', () => {
  assert.equal(cleaned([
    '..........',
    '.##.......',
    '.##...####',
    '......####',
    '..........',
  ], 1, 5), [
    '..........',
    '..........',
    '......####',
    '......####',
    '..........',
  ]);
});

test('ridge pixels touching only at a corner are one ridge', () => {
  const rows = ['.......', '.##....', '...##..', '.....#.', '.......'];
  assert.is(ones(cleaned(rows, 1, 5)), 5, 'the diagonal chain of 5 pixels is kept');
});

test('a pinhole in a ridge is filled, but a valley that reaches the edge of the print stays', () => {
  assert.equal(cleaned(['#######', '#.###..', '#######', '#######'], 0, 5), [
    '#######',
    '#####..',
    '#######',
    '#######',
  ]);
});

test('valley pixels touching only at a corner are separate valleys', () => {
  // four single-pixel valleys, diagonal to each other, inside a ridge: each is a pinhole
  const rows = ['######', '#.####', '##.###', '###.##', '####.#', '######'];
  assert.is(ones(cleaned(rows, 0, 3)), 36, 'all four are filled');
});

test('outside the mask nothing changes, and the mask edge counts as the print edge', () => {
  // the right half is outside the mask: the pinhole at x=3 is not looked at; the one at x=1 is
  // enclosed by masked ridge and is filled
  const mask = raster(['###..', '###..', '###..']).b;
  assert.equal(cleaned(['#####', '#.#.#', '#####'], 0, 5, mask), ['#####', '###.#', '#####']);
});

test('block distance counts rings to the nearest background block or the image edge, capped at 12', () => {
  const m = new Uint8Array(7 * 5).fill(1);
  m[2 * 7 + 5] = 0;
  assert.equal(Array.from(blockDistance(m, 7, 5)), [
    1, 1, 1, 1, 1, 1, 1,
    1, 2, 2, 2, 1, 1, 1,
    1, 2, 3, 2, 1, 0, 1,
    1, 2, 2, 2, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1,
  ]);
  const big = blockDistance(new Uint8Array(40 * 40).fill(1), 40, 40);
  assert.is(big[20 * 40 + 20], 12);
  assert.is(blockDistance(new Uint8Array(4), 2, 2).every((v) => v === 0), true);
});

test.run();
