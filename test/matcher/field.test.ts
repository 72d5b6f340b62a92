import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  compare, decodeImage, decodeIso19794, encodeIso19794, extractTemplate, fieldsCompared, FIELD_NONE,
  THRESHOLDS, THRESHOLDS_MINUTIAE, thresholdFor, verify, type Template,
} from '../../matcher/index.ts';
import { fvc } from './datasets.ts';

const ours = (f: string): Template => extractTemplate(decodeImage(readFileSync(fvc('DB1_B', f)))).template;
const a = ours('101_1.tif'), b = ours('101_2.tif');
const minutiaeOnly = (t: Template): Template => ({ ...t, minutiae: [...t.minutiae], field: undefined });

test('a template read back from its ISO record (as from a card) scores as the one in memory', () => {
  const r = decodeIso19794(encodeIso19794(b));
  assert.ok(r.ok, r.ok ? '' : r.error);
  if (!r.ok) return;
  assert.ok(fieldsCompared(a, r.template));
  const direct = compare(a, b), viaRecord = compare(a, r.template);
  // only the record's rounding of positions and angles differs
  assert.ok(Math.abs(direct - viaRecord) < 0.1 * direct, `${direct} vs ${viaRecord}`);
  assert.ok(verify(a, r.template).match);
});

test('verify uses the minutiae-only thresholds unless both templates carry a field', () => {
  const iso = decodeIso19794(readFileSync(fvc('DB1_B', '101_2.iso')));
  assert.ok(iso.ok);
  if (!iso.ok) return;
  assert.is(thresholdFor(a, b), THRESHOLDS.fmr01);
  assert.is(thresholdFor(a, b, 'fmr001'), THRESHOLDS.fmr001);
  assert.is(thresholdFor(a, iso.template), THRESHOLDS_MINUTIAE.fmr01);
  assert.is(thresholdFor(minutiaeOnly(a), b), THRESHOLDS_MINUTIAE.fmr01);
  const v = verify(a, iso.template);
  assert.is(v.match, v.score >= THRESHOLDS_MINUTIAE.fmr01);
});

test('minutiae that agree under ridge flows that cross are not a match', () => {
  // the same minutiae; the second template's ridge flow turned by 90 degrees everywhere
  const crossed: Template = {
    ...a, minutiae: [...a.minutiae],
    field: { ...a.field!, dir: a.field!.dir.map((d) => (d === FIELD_NONE ? d : (d + 64) % 128)) },
  };
  const same = compare(a, { ...a, minutiae: [...a.minutiae] });
  assert.ok(verify(a, { ...a, minutiae: [...a.minutiae] }).match);
  assert.ok(compare(a, crossed) < 0.05 * same, `crossed ${compare(a, crossed)} vs same ${same}`);
  assert.not.ok(verify(a, crossed, 'fmr1').match);
  // without the fields the flows are not known, and the minutiae decide
  assert.ok(verify(minutiaeOnly(a), minutiaeOnly(crossed)).match);
});

test('a ridge flow known over only a few cells counts in proportion to them', () => {
  // the same minutiae; of the second template's field only 20 cells are kept, all turned by 90
  // degrees: over so small an overlap a poor field (a dry print's) disagrees by chance, so it
  // lowers the score by half the full weight (20 of 40 cells) instead of sinking it
  let kept = 0;
  const patch: Template = {
    ...a, minutiae: [...a.minutiae],
    field: { ...a.field!, dir: a.field!.dir.map((d) => (d === FIELD_NONE || kept++ >= 20 ? FIELD_NONE : (d + 64) % 128)) },
  };
  const minutiaeScore = compare(minutiaeOnly(a), minutiaeOnly(patch));
  const s = compare(a, patch);
  assert.ok(fieldsCompared(a, patch));
  // f = 1 - w + w x 0 with w = 20 / 40, the score times f squared
  assert.ok(Math.abs(s - 0.25 * minutiaeScore) < 0.02 * minutiaeScore, `${s} against ${minutiaeScore}`);
});

test.run();
