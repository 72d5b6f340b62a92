import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAction, chooseNext, computeDayStats, dayKey, estimateWaitMinutes, formatLabel, statsToCsv, type QueueTicket } from '../../hub/domain/index.ts';

let seq = 0;
const t = (over: Partial<QueueTicket>): QueueTicket => ({
  id: `t${++seq}`, label: `A-${String(seq).padStart(3, '0')}`, serviceCode: 'A', priority: 'none', status: 'waiting',
  counterId: null, targetCounterId: null, recallCount: 0, issuedAt: `2026-11-25T01:${String(seq).padStart(2, '0')}:00Z`,
  calledAt: null, startedAt: null, finishedAt: null, outcome: null, ...over,
});
const counter = { id: 'loket-1', serviceCodes: ['A', 'B'] };
const policy = { maxConsecutivePriority: 2, noShowAfterRecalls: 2 };

test('labels carry the prefix and a three-digit number', () => {
  assert.is(formatLabel('B', 3), 'B-003');
  assert.is(formatLabel('A', 1234), 'A-1234');
});

test('the day rolls over at midnight in the office time zone, not UTC', () => {
  assert.is(dayKey(new Date('2026-11-25T16:59:00Z'), 'Asia/Jakarta'), '2026-11-25');
  assert.is(dayKey(new Date('2026-11-25T17:00:00Z'), 'Asia/Jakarta'), '2026-11-26');
});

test('oldest ticket of the services a counter serves goes first', () => {
  const a = t({}); const b = t({ serviceCode: 'B' }); const c = t({ serviceCode: 'C' });
  assert.is(chooseNext([c, b, a], counter, [], policy)?.id, a.id);
  assert.is(chooseNext([c], counter, [], policy), null);
});

test('priority residents go first, but not more than the policy allows in a row', () => {
  const regular = t({});
  const p1 = t({ priority: 'elderly' });
  const p2 = t({ priority: 'pregnant' });
  assert.is(chooseNext([regular, p1, p2], counter, [], policy)?.id, p1.id);
  assert.is(chooseNext([regular, p2], counter, ['elderly'], policy)?.id, p2.id);
  assert.is(chooseNext([regular, p2], counter, ['elderly', 'disabled'], policy)?.id, regular.id, 'regular served after two priority calls');
  assert.is(chooseNext([p2], counter, ['elderly', 'disabled'], policy)?.id, p2.id, 'priority still served when nobody else waits');
  assert.is(chooseNext([regular, p2], counter, ['none', 'elderly'], policy)?.id, p2.id, 'the streak counts only the latest calls');
});

test('a ticket transferred to a counter goes to that counter first and to no other', () => {
  const old = t({});
  const moved = t({ targetCounterId: 'loket-1' });
  assert.is(chooseNext([old, moved], counter, [], policy)?.id, moved.id);
  assert.is(chooseNext([moved], { id: 'loket-2', serviceCodes: ['A'] }, [], policy), null);
});

test('no-show only after the required recalls; actions need the right state and counter', () => {
  const called = t({ status: 'called', counterId: 'loket-1' });
  assert.is(checkAction(called, 'no_show', 'loket-1', policy)?.code, 'RECALL_FIRST');
  assert.is(checkAction({ ...called, recallCount: 2 }, 'no_show', 'loket-1', policy), null);
  assert.is(checkAction(called, 'finish', 'loket-1', policy)?.code, 'WRONG_STATE');
  assert.is(checkAction(called, 'start', 'loket-2', policy)?.code, 'NOT_YOUR_TICKET');
  assert.is(checkAction({ ...called, status: 'done' }, 'recall', 'loket-1', policy)?.code, 'WRONG_STATE');
  assert.is(checkAction(called, 'start', null, policy), null, 'a supervisor without a counter may act');
});

test('estimated wait shares the people ahead among the open counters', () => {
  assert.is(estimateWaitMinutes(0, 4, 1), 0);
  assert.is(estimateWaitMinutes(5, 4, 2), 10);
  assert.is(estimateWaitMinutes(1, 3, 0), 3);
});

test('day figures: waiting and service times against the standard, and CSV', () => {
  const done = t({ status: 'done', issuedAt: '2026-11-25T01:00:00Z', calledAt: '2026-11-25T01:10:00Z', startedAt: '2026-11-25T01:11:00Z', finishedAt: '2026-11-25T01:16:00Z' });
  const quick = t({ status: 'done', issuedAt: '2026-11-25T01:00:00Z', calledAt: '2026-11-25T01:02:00Z', startedAt: '2026-11-25T01:02:00Z', finishedAt: '2026-11-25T01:05:00Z' });
  const noShow = t({ status: 'no_show', issuedAt: '2026-11-25T01:00:00Z', calledAt: '2026-11-25T01:30:00Z' });
  const waiting = t({});
  const [a] = computeDayStats([done, quick, noShow, waiting], [{ code: 'A', nameId: 'Perekaman', standardMinutes: 4 }]);
  assert.equal(a, {
    serviceCode: 'A', nameId: 'Perekaman', issued: 4, served: 2, noShow: 1, waitingNow: 1,
    avgWaitMinutes: 14, p90WaitMinutes: 30, avgServiceMinutes: 4, standardMinutes: 4, overStandardCount: 1,
  });
  const csv = statsToCsv('2026-11-25', [a!]);
  assert.match(csv, /^day,service,name,issued/);
  assert.match(csv, /2026-11-25,A,Perekaman,4,2,1,1,14,30,4,4,1/);
});

test.run();
