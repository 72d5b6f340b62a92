import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { ALL_CLIPS, applyCall, callPhrase, counterNumberWords, emptyState, type DisplayCall } from '../../queue-display/index.ts';

test('counter numbers 1..9, 10, 11, teens', () => {
  assert.equal(counterNumberWords(1), ['satu']);
  assert.equal(counterNumberWords(9), ['sembilan']);
  assert.equal(counterNumberWords(10), ['sepuluh']);
  assert.equal(counterNumberWords(11), ['sebelas']);
  assert.equal(counterNumberWords(12), ['dua', 'belas']);
  assert.equal(counterNumberWords(19), ['sembilan', 'belas']);
});

test('counter numbers 20..99: N puluh and N puluh M', () => {
  assert.equal(counterNumberWords(20), ['dua', 'puluh']);
  assert.equal(counterNumberWords(21), ['dua', 'puluh', 'satu']);
  assert.equal(counterNumberWords(47), ['empat', 'puluh', 'tujuh']);
  assert.equal(counterNumberWords(90), ['sembilan', 'puluh']);
  assert.equal(counterNumberWords(99), ['sembilan', 'puluh', 'sembilan']);
});

test('outside 1..99 there are no counter words', () => {
  assert.is(counterNumberWords(0), null);
  assert.is(counterNumberWords(100), null);
  assert.is(counterNumberWords(2.5), null);
  assert.is(counterNumberWords(-3), null);
});

test('the call phrase: letter by name, digits one by one, the counter as a number', () => {
  const p = callPhrase('B-003', 'Loket 2');
  assert.is(p.text, 'nomor antrian B nol nol tiga, silakan ke loket dua');
  assert.equal(p.clips, ['nomor-antrian', 'huruf-b', 'nol', 'nol', 'tiga', 'silakan-ke-loket', 'dua']);
  assert.is(callPhrase('A-120', 'Loket 15').text, 'nomor antrian A satu dua nol, silakan ke loket lima belas');
  assert.is(callPhrase('D-007', 'Loket 21').text, 'nomor antrian D nol nol tujuh, silakan ke loket dua puluh satu');
});

test('counters without a number are spelled; past 99 digit by digit', () => {
  assert.is(callPhrase('C-010', 'Loket B').text, 'nomor antrian C nol satu nol, silakan ke loket B');
  assert.is(callPhrase('C-010', 'Loket 101').text, 'nomor antrian C nol satu nol, silakan ke loket satu nol satu');
  assert.equal(callPhrase('c-1', 'Loket B').clips, ['nomor-antrian', 'huruf-c', 'satu', 'silakan-ke-loket', 'huruf-b']);
});

test('every clip the phrase can use has a committed file', () => {
  const missing = ALL_CLIPS.filter((c) => !existsSync(new URL(`../../queue-display/audio/${c}.ogg`, import.meta.url)));
  assert.equal(missing, []);
  for (let n = 1; n <= 99; n++) {
    for (const clip of callPhrase('Z-999', `Loket ${n}`).clips) assert.ok(ALL_CLIPS.includes(clip), `${clip} for ${n}`);
  }
});

const call = (label: string, counterId: string, at: string, recall = false): DisplayCall => ({ label, counterId, counterName: counterId.replace('loket-', 'Loket '), at, recall });

test('a call shows on its counter and heads the last calls, once', () => {
  const s0 = { ...emptyState, counters: [{ id: 'loket-1', name: 'Loket 1', current: null }, { id: 'loket-2', name: 'Loket 2', current: null }] };
  const c1 = call('A-001', 'loket-2', '2025-01-01T01:00:00Z');
  const s1 = applyCall(s0, c1);
  assert.is(s1.counters[1]!.current?.label, 'A-001');
  assert.is(s1.counters[0]!.current, null);
  assert.equal(s1.lastCalls, [c1]);
  // the same call again (state and event crossing) is not listed twice
  assert.equal(applyCall(s1, c1).lastCalls, [c1]);
  const c2 = call('B-001', 'loket-1', '2025-01-01T01:01:00Z');
  assert.equal(applyCall(s1, c2).lastCalls.map((c) => c.label), ['B-001', 'A-001']);
});

test('the last calls keep 10; an unknown counter gets a tile', () => {
  let s = emptyState;
  for (let i = 0; i < 14; i++) s = applyCall(s, call(`A-${i}`, 'loket-9', `2025-01-01T01:${String(i).padStart(2, '0')}:00Z`));
  assert.is(s.lastCalls.length, 10);
  assert.is(s.lastCalls[0]!.label, 'A-13');
  assert.equal(s.counters.map((c) => c.id), ['loket-9']);
});

test.run();
