/** The pure collection rules: finger order, tries, both-or-one, overrides, the day's figures, day bounds. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyOverride, canOverride, collectionDayStats, dayBounds, freshFingers, recordTry, verdict, verifiedPositions,
  type VerificationPolicy,
} from '../../hub/domain/index.ts';

const BOTH: VerificationPolicy = { maxTries: 3, requireBoth: true };
const ONE: VerificationPolicy = { maxTries: 3, requireBoth: false };
const override = { reason: 'jari terluka', operator: 'op', supervisor: 'sup' };

test('right index first, then left; both matching verifies and names ISO positions 2 and 7', () => {
  let f = freshFingers();
  assert.equal(verdict(f, BOTH), { kind: 'next', finger: 'rightIndex' });
  f = recordTry(f, 'rightIndex', true, 40, BOTH);
  assert.equal(verdict(f, BOTH), { kind: 'next', finger: 'leftIndex' });
  f = recordTry(f, 'leftIndex', true, 35, BOTH);
  assert.equal(verdict(f, BOTH), { kind: 'verified' });
  assert.equal(verifiedPositions(f), [2, 7]);
});

test('a finger gets three tries; the third miss fails the collection with the finger named', () => {
  let f = freshFingers();
  f = recordTry(f, 'rightIndex', false, 1, BOTH);
  f = recordTry(f, 'rightIndex', false, 3, BOTH);
  assert.equal(verdict(f, BOTH), { kind: 'next', finger: 'rightIndex' });
  assert.is(f.rightIndex.tries, 2);
  assert.is(f.rightIndex.bestScore, 3);
  f = recordTry(f, 'rightIndex', false, 2, BOTH);
  const v = verdict(f, BOTH);
  assert.is(v.kind, 'failed');
  assert.match((v as { reason: string }).reason, /telunjuk kanan/);
  assert.is(recordTry(f, 'rightIndex', true, 50, BOTH), f, 'a failed finger takes no more tries');
});

test('with one finger enough, a failed right index moves on to the left, and a match there verifies', () => {
  let f = freshFingers();
  for (let i = 0; i < 3; i++) f = recordTry(f, 'rightIndex', false, 1, ONE);
  assert.equal(verdict(f, ONE), { kind: 'next', finger: 'leftIndex' });
  f = recordTry(f, 'leftIndex', true, 30, ONE);
  assert.equal(verdict(f, ONE), { kind: 'verified' });
  assert.equal(verifiedPositions(f), [7]);
});

test('an override passes over a pending finger, but never both, and never a finger already tried out', () => {
  let f = freshFingers();
  assert.equal(canOverride(f, 'rightIndex'), { ok: true });
  f = applyOverride(f, 'rightIndex', override);
  assert.equal(verdict(f, BOTH), { kind: 'next', finger: 'leftIndex' });
  assert.is(canOverride(f, 'leftIndex').ok, false);
  assert.is((canOverride(f, 'leftIndex') as { code: string }).code, 'NO_FINGER_LEFT');
  f = recordTry(f, 'leftIndex', true, 30, BOTH);
  assert.equal(verdict(f, BOTH), { kind: 'verified' });
  assert.equal(verifiedPositions(f), [7], 'only the matched finger counts as verified');
  let g = freshFingers();
  g = recordTry(g, 'rightIndex', true, 30, BOTH);
  assert.is((canOverride(g, 'rightIndex') as { code: string }).code, 'FINGER_NOT_PENDING');
});

test('the day\'s figures: B2 and B3 medians and how many were within the 2- and 1-minute standards', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 2, 0, s)).toISOString();
  const s = collectionDayStats([
    { status: 'berhasil', startedAt: at(0), verifiedAt: at(90), completedAt: at(130) },
    { status: 'berhasil', startedAt: at(0), verifiedAt: at(150), completedAt: at(250) },
    { status: 'gagal', startedAt: at(0), verifiedAt: null, completedAt: null },
    { status: 'abandoned', startedAt: at(0), verifiedAt: null, completedAt: null },
  ]);
  assert.equal([s.started, s.berhasil, s.gagal, s.abandoned, s.cancelled], [4, 2, 1, 1, 0]);
  assert.equal(s.verification, { count: 2, medianSeconds: 120, withinStandard: 1, standardMinutes: 2 });
  assert.equal(s.handover, { count: 2, medianSeconds: 70, withinStandard: 1, standardMinutes: 1 });
});

test('an office day in Jakarta starts at 17:00 UTC the evening before', () => {
  assert.equal(dayBounds('2026-11-25', 'Asia/Jakarta'), { start: '2026-11-24T17:00:00.000Z', end: '2026-11-25T17:00:00.000Z' });
  assert.equal(dayBounds('2026-12-31', 'Asia/Jayapura'), { start: '2026-12-30T15:00:00.000Z', end: '2026-12-31T15:00:00.000Z' });
});

test.run();
