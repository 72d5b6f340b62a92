import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeImage, decodeIso19794, extractTemplate, verify, stretchTemplate } from '../../matcher/index.ts';
import type { Template } from '../../matcher/index.ts';
import { fvc } from './datasets.ts';

// A fixed subset: 4 fingers x 3 impressions from each FVC2002 B database (48 images, 48 genuine
// pairs, 216 same-database impostor pairs). Thresholds are the fmr01 (0.1 %) level.
const DBS: [string, number][] = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];
const FINGERS = ['101', '103', '105', '107'];
const IMPRESSIONS = ['1', '2', '3'];

interface Item { db: string; finger: string; t: Template }
const items: Item[] = [];
const isoItems: Item[] = [];
for (const [db, dpi] of DBS) for (const f of FINGERS) for (const i of IMPRESSIONS) {
  const img = decodeImage(readFileSync(fvc(db, `${f}_${i}.tif`)), { dpi });
  items.push({ db, finger: f, t: extractTemplate(img).template });
  const r = decodeIso19794(readFileSync(fvc(db, `${f}_${i}.iso`)), { dpi });
  if (!r.ok) throw new Error(r.error);
  // SecuGen writes a 300x400 frame stretched from the image
  isoItems.push({ db, finger: f, t: stretchTemplate(r.template, img.width / 300, img.height / 400) });
}

function run(list: Item[]): { genuine: number; genuinePass: number; impostor: number; impostorPass: number } {
  const r = { genuine: 0, genuinePass: 0, impostor: 0, impostorPass: 0 };
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
    const a = list[i]!, b = list[j]!;
    if (a.db !== b.db) continue;
    const { match } = verify(a.t, b.t, 'fmr01');
    if (a.finger === b.finger) { r.genuine++; if (match) r.genuinePass++; } else { r.impostor++; if (match) r.impostorPass++; }
  }
  return r;
}

/** how many of the 28 genuine pairs of one finger's 8 impressions pass at fmr01 */
function fingerPasses(db: string, finger: string, dpi = 500): number {
  const t = [1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
    extractTemplate(decodeImage(readFileSync(fvc(db, `${finger}_${i}.tif`)), { dpi })).template);
  let pass = 0;
  for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) if (verify(t[i]!, t[j]!, 'fmr01').match) pass++;
  return pass;
}

test('our templates: genuine pairs keep passing, impostors keep failing at FMR 0.1 %', () => {
  const r = run(items);
  assert.is(r.genuine, 48);
  assert.is(r.impostor, 216);
  assert.is(r.impostorPass, 0, 'impostor pairs accepted');
  if (process.env.SHOW) console.log('ours', r);
  assert.ok(r.genuinePass >= GENUINE_MIN, `genuine pairs accepted: ${r.genuinePass} of 48`);
});

test('SecuGen templates match each other the same way', () => {
  const r = run(isoItems);
  // none passes now; an earlier matcher let two pairs with the synthetic DB4's 'wolf' record 105_1
  // through. 216 pairs expect 0.2 false matches at 0.1 % FMR: more than one is a regression.
  assert.ok(r.impostorPass <= 1, `impostor pairs accepted: ${r.impostorPass}`);
  if (process.env.SHOW) console.log('iso', r);
  assert.ok(r.genuinePass >= ISO_GENUINE_MIN, `genuine pairs accepted: ${r.genuinePass} of 48`);
});

test('interoperability: our templates match SecuGen templates of the same finger', () => {
  let g = 0, gp = 0, ip = 0;
  for (const a of items) for (const b of isoItems) {
    if (a.db !== b.db) continue;
    const { match } = verify(a.t, b.t, 'fmr01');
    if (a.finger === b.finger) { g++; if (match) gp++; } else if (match) ip++;
  }
  assert.is(ip, 0, 'impostor pairs accepted');
  if (process.env.SHOW) console.log('interop', gp, g, ip);
  assert.ok(gp >= INTEROP_GENUINE_MIN, `genuine pairs accepted: ${gp} of ${g}`);
});

test('a distorted loop with a dry impression (DB2 finger 109): most of its genuine pairs pass', () => {
  // what sets DB2's EER: the finger's prints are stretched differently each time and 109_8 is a
  // dry print of dotted ridges, so its ridge flows agree poorly under a rigid alignment
  const pass = fingerPasses('DB2_B', '109', 569);
  assert.ok(pass >= FINGER_109_MIN, `genuine pairs of finger 109 accepted: ${pass} of 28`);
});

test('a print cut off at the edge (DB4 finger 108, impression 7): its genuine pairs pass on the part both show', () => {
  // 108_7 holds the upper half of the print only; its pairings are local, and aligned by their
  // minutiae's directions alone they paired too few minutiae elsewhere (matcher/README.md, "How it
  // works": the rotation now also comes from the pairs' positions)
  const pass = fingerPasses('DB4_B', '108');
  assert.ok(pass >= FINGER_108_MIN, `genuine pairs of finger 108 accepted: ${pass} of 28`);
});

test('a dry print (DB3 finger 110, impression 3): its pairs are found where the vote ranks the true alignment low', () => {
  // 110_3 is a dry print of quality 24; against 110_4 the vote's six best roots grow only chance
  // pairings, and the true one starts from a root it ranks lower (matcher/README.md, "How it works":
  // the extra roots once a comparison scores 0.25)
  const pass = fingerPasses('DB3_B', '110');
  assert.ok(pass >= FINGER_110_MIN, `genuine pairs of finger 110 accepted: ${pass} of 28`);
});

// Regression floors: reached when this was written 48/48, 48/48 and 140/144; a small margin below.
const GENUINE_MIN = 46;
const ISO_GENUINE_MIN = 46;
const INTEROP_GENUINE_MIN = 136;
// 19 of 28 while the stored ridge flow was the filters' own (smoothed over 2.2 blocks), 20 since it
// blends in the enhanced image's flow: a single pair lost here moves DB2's EER by 0.36 %
const FINGER_109_MIN = 20;
// 26 of 28 since the alignment weighs the pairs' positions (24 with the directions alone)
const FINGER_108_MIN = 26;
// 24 of 28 with the extra roots and block clarity (23 before: 110_3~110_4 scored 3.30 where it now
// scores 6.42)
const FINGER_110_MIN = 24;

test.run();
