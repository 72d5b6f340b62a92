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

/**
 * The same cleaning done the obvious way, pixel by pixel with a flood fill, as a reference for
 * removeSmall on rasters too irregular to draw.
 */
function cleanedByFloodFill(src: Uint8Array, mask: Uint8Array, w: number, h: number, v: number, minSize: number): Uint8Array {
  const b = Uint8Array.from(src), seen = new Uint8Array(w * h);
  const steps = v === 1 ? [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]] : [[1, 0], [-1, 0], [0, 1], [0, -1]];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || src[start] !== v || !mask[start]) continue;
    const comp = [start];
    seen[start] = 1;
    let open = false;
    for (let k = 0; k < comp.length; k++) {
      const x = comp[k]! % w, y = Math.floor(comp[k]! / w);
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const xx = x + dx!, yy = y + dy!;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || !mask[yy * w + xx]) open = true;
      }
      for (const [dx, dy] of steps) {
        const xx = x + dx!, yy = y + dy!, q = yy * w + xx;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || seen[q] || src[q] !== v || !mask[q]) continue;
        seen[q] = 1;
        comp.push(q);
      }
    }
    if (comp.length < minSize && !(v === 0 && open)) for (const q of comp) b[q] = 1 - v;
  }
  return b;
}

test('speck and pinhole removal matches a pixel flood fill on random rasters, whatever it cleaned before', () => {
  // its run arrays are kept between calls (grown, or made for one call when too large to keep):
  // what an earlier, larger or smaller raster left in them must not matter
  let seed = 11;
  const noisy = (w: number, h: number): Uint8Array => Uint8Array.from({ length: w * h }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 16) % 100 < 45 ? 1 : 0;
  });
  const maskOf = (w: number, h: number): Uint8Array => {
    const m = new Uint8Array(w * h).fill(1);
    for (let x = 0; x < w; x++) m[x] = 0; // the first row is off the print: its edge matters
    for (let y = 0; y < h; y++) m[y * w + w - 1] = 0;
    return m;
  };
  const check = (w: number, h: number, tiny = false): void => {
    const src = noisy(w, h), mask = maskOf(w, h);
    for (const v of [1, 0]) {
      const got = Uint8Array.from(src);
      removeSmall(got, mask, w, h, v, 6);
      const want = cleanedByFloodFill(src, mask, w, h, v, 6);
      assert.ok(got.every((p, i) => p === want[i]), `${w}x${h}, value ${v}: ${got.filter((p, i) => p !== want[i]).length} pixels differ`);
      if (!tiny) assert.ok(want.some((p, i) => p !== src[i]), `${w}x${h}, value ${v}: the noise has components to clean`);
    }
  };
  check(37, 23);
  check(300, 200); // larger: the kept arrays grow
  check(37, 23);
  check(2100, 1000); // larger than is kept: made for this call only
  check(6, 4, true); // every valley of so small a print touches its edge
  check(301, 199);
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
