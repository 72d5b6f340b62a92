import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { actionFaultText, counterActions, isOverStandard, SOP_STEPS, totals, deviceAlerts, deviceAlertText, formatWait, groupWaiting, loginFaultText, minutesBetween, waitText, type Ticket } from '../../kiosk-ui/index.ts';

const ticket = (over: Partial<Ticket>): Ticket => ({
  id: 't1', label: 'A-001', serviceCode: 'A', priority: 'none', status: 'called', counterId: 'loket-1', targetCounterId: null,
  recallCount: 0, outcome: null, issuedAt: '2025-01-01T01:00:00Z', calledAt: '2025-01-01T01:05:00Z', startedAt: null, finishedAt: null,
  nikMasked: '3201**********01', ...over,
});

test('no ticket at the counter: only "call next"', () => {
  const a = counterActions(null);
  assert.ok(a.callNext.enabled);
  for (const k of ['recall', 'noShow', 'start', 'finish', 'transfer'] as const) assert.not.ok(a[k].enabled, k);
});

test('a called ticket: recall, start, transfer; call next waits with a hint', () => {
  const a = counterActions(ticket({}));
  assert.ok(a.recall.enabled && a.start.enabled && a.transfer.enabled);
  assert.not.ok(a.callNext.enabled);
  assert.is(a.callNext.hint, 'Selesaikan dulu A-001');
  assert.not.ok(a.finish.enabled);
});

test('no-show: disabled with a hint until the recalls the hub asks for', () => {
  assert.equal(counterActions(ticket({ recallCount: 1 }), 2).noShow, { enabled: false, hint: 'Bisa setelah 2× panggil ulang (baru 1×)' });
  assert.ok(counterActions(ticket({ recallCount: 2 }), 2).noShow.enabled);
  // the rule unknown: allowed until the hub answers RECALL_FIRST, then blocked until the next recall
  assert.ok(counterActions(ticket({ recallCount: 1 })).noShow.enabled);
  assert.not.ok(counterActions(ticket({ recallCount: 1 }), undefined, 1).noShow.enabled);
  assert.ok(counterActions(ticket({ recallCount: 2 }), undefined, 1).noShow.enabled);
});

test('a ticket being served: finish and transfer only', () => {
  const a = counterActions(ticket({ status: 'serving', startedAt: '2025-01-01T01:06:00Z' }));
  assert.ok(a.finish.enabled && a.transfer.enabled);
  assert.not.ok(a.recall.enabled || a.noShow.enabled || a.start.enabled || a.callNext.enabled);
});

test("waiting list: the counter's own services first, unknown services kept", () => {
  const g = groupWaiting([{ serviceCode: 'B' }, { serviceCode: 'A' }, { serviceCode: 'X' }, { serviceCode: 'B' }], ['A', 'B', 'C'], ['B', 'C']);
  assert.equal(g.map((x) => [x.serviceCode, x.mine, x.tickets.length]), [['B', true, 2], ['C', true, 0], ['A', false, 1], ['X', false, 1]]);
});

test('device alerts: printer problems first, with what it means for residents', () => {
  const alerts = deviceAlerts([
    { id: 'fp', kind: 'fingerprint', status: 'offline' },
    { id: 'p', kind: 'printer', status: 'error', detail: 'kertas habis' },
    { id: 'c', kind: 'card', status: 'online' },
  ]);
  assert.equal(alerts.map((d) => d.id), ['p', 'fp']);
  assert.is(deviceAlertText(alerts[0]!), 'Printer tiket bermasalah (kertas habis). Tiket tidak tercetak: warga akan diminta menunjukkan nomor di layar kiosk.');
  assert.is(deviceAlertText(alerts[1]!), 'Pemindai sidik jari tidak terhubung.');
});

test('sign-in messages: wrong credentials, rate limit with the wait, network', () => {
  assert.is(loginFaultText({ kind: 'http', status: 401, code: 'BAD_CREDENTIALS', message: '' }), 'Nama pengguna atau PIN salah.');
  assert.is(loginFaultText({ kind: 'http', status: 429, code: 'TOO_MANY_ATTEMPTS', message: '', retryAfterSeconds: 90 }), 'Terlalu banyak percobaan yang gagal. Coba lagi dalam 1 menit 30 detik.');
  assert.match(loginFaultText({ kind: 'network', message: 'x' }), 'Tidak dapat terhubung');
  assert.is(waitText(45), '45 detik');
  assert.is(waitText(120), '2 menit');
});

test('action errors in plain Indonesian', () => {
  assert.is(actionFaultText({ kind: 'http', status: 404, code: 'QUEUE_EMPTY', message: '' }), 'Tidak ada antrian yang menunggu untuk loket ini.');
  assert.is(actionFaultText({ kind: 'http', status: 409, code: 'RECALL_FIRST', message: '' }), 'Panggil ulang dulu sebelum menandai tidak hadir.');
  assert.match(actionFaultText({ kind: 'http', status: 409, code: 'SOMETHING', message: '' }), 'SOMETHING');
});

test('formatting: waits and minutes since', () => {
  assert.is(formatWait(12.4, 'id'), '± 12 menit');
  assert.is(formatWait(0, 'id'), 'kurang dari 1 menit');
  assert.is(formatWait(1, 'en'), 'about 1 minute');
  assert.is(minutesBetween('2025-01-01T01:00:00Z', new Date('2025-01-01T01:12:59Z')), 12);
  assert.is(minutesBetween('2025-01-01T01:00:00Z', new Date('2025-01-01T00:59:00Z')), 0);
});

test('supervisor: over the SOP standard only with data above it; totals add up', () => {
  assert.ok(isOverStandard({ avgServiceMinutes: 4.1, standardMinutes: 4 }));
  assert.not.ok(isOverStandard({ avgServiceMinutes: 4, standardMinutes: 4 }));
  assert.not.ok(isOverStandard({ avgServiceMinutes: null, standardMinutes: 4 }));
  const row = { serviceCode: 'A', nameId: 'A', issued: 5, served: 3, noShow: 1, waitingNow: 1, avgWaitMinutes: 2, p90WaitMinutes: 3, avgServiceMinutes: 5, standardMinutes: 4, overStandardCount: 2 };
  assert.equal(totals([row, { ...row, issued: 2, overStandardCount: 0 }]), { issued: 7, served: 6, noShow: 2, waitingNow: 2, overStandardCount: 2 });
  assert.equal(SOP_STEPS.map((s) => s.minutes), [2, 4, 2, 1]);
});

test.run();
