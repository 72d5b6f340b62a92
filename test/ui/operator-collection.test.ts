import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  changesStock, collectionActions, collectionFaultText, fingerText, guidanceText, heldText, isOwnSessionFault, lastTryText, mergeFetched,
  needsOfficer, noticeText, overridableFingers, overrideFormProblem, removeSession, returnReasonOk, sortSessions, stepperState, upsertSession,
} from '../../kiosk-ui/operator/collection-logic.ts';
import { CollectionListSchema, CollectionViewSchema, StockAnswerSchema, SupervisorStatsSchema, type CollectionView } from '../../kiosk-ui/shared/collection-schemas.ts';
import { collectionStepRows, durationText } from '../../kiosk-ui/supervisor/logic.ts';

const pending = { status: 'pending' as const, tries: 0, bestScore: null };
const chip = {
  biodata: { nik: '3201014508900001', name: 'SITI NURHALIZA', cardSerial: 'KTPDEMO900001' },
  faceDataUrl: 'data:image/png;base64,AA==', signatureDataUrl: 'data:image/png;base64,AA==',
  passiveAuth: { valid: true as const, signer: 'CN=DS', signingTime: null },
};
const view = (over: Partial<CollectionView> = {}): CollectionView => ({
  id: 's1', step: 'card', kioskId: 'kiosk-1', identifiedBy: 'nik', startedAt: '2026-01-05T02:00:00.000Z',
  caseRecord: { caseId: 'c1', nik: '3201014508900001', nikMasked: '3201**********01', fullName: 'SITI NURHALIZA', cardSerial: 'KTPDEMO900001', receivedAt: '2026-01-01T00:00:00.000Z' },
  chip: null, comparison: [], cardPresent: false, cardAway: false, reading: false, notice: null, discrepancy: null, held: null,
  fingers: { rightIndex: pending, leftIndex: pending }, currentFinger: null, maxTries: 3, capturing: false, lastTry: null,
  officer: null, oldKtp: null, receipt: null, failure: null, endReason: null, ...over,
});
const receipt = {
  number: 'TT-20260105-0001', rows: [{ label: 'Nama', value: 'SITI NURHALIZA' }], qrText: 'KTPR1|x', qrSvg: '<svg/>', signatureSvg: '<svg/>',
  printed: { ok: true as const }, completedAt: '2026-01-05T02:03:00.000Z',
};
const enabled = (v: CollectionView) => Object.entries(collectionActions(v)).filter(([, s]) => s.enabled).map(([k]) => k).sort();

test('the sample view fits the shared schema (the same shape the hub sends)', () => {
  assert.ok(CollectionViewSchema.safeParse(view()).success);
  assert.ok(CollectionListSchema.safeParse({ sessions: [view({ step: 'receipt', receipt, chip })] }).success);
  assert.not.ok(CollectionViewSchema.safeParse({ ...view(), step: 'done' }).success, 'an unknown step is refused');
  assert.ok(StockAnswerSchema.safeParse({ day: '2026-01-05', inStock: [], collected: [], returned: [] }).success);
});

test('supervisor stats: the collection figures are kept, and an answer without them still parses', () => {
  const c = { started: 2, berhasil: 1, gagal: 1, cancelled: 0, abandoned: 0,
    verification: { count: 2, medianSeconds: 50, withinStandard: 2, standardMinutes: 2 }, handover: { count: 1, medianSeconds: 30, withinStandard: 1, standardMinutes: 1 } };
  const p = SupervisorStatsSchema.safeParse({ day: '2026-01-05', services: [], collection: c });
  assert.ok(p.success);
  assert.equal(p.success && p.data.collection?.berhasil, 1);
  assert.ok(SupervisorStatsSchema.safeParse({ day: '2026-01-05', services: [] }).success);
});

test('card step: read the card, confirm the old KTP, cancel; nothing else', () => {
  assert.equal(enabled(view()), ['cancel', 'oldKtp', 'readCard']);
  const reading = collectionActions(view({ reading: true })).readCard;
  assert.equal(reading, { enabled: false, hint: 'Sedang membaca kartu' });
});

test('data step: confirm on the resident\'s behalf; a lifted card blocks it and offers a read again', () => {
  assert.equal(enabled(view({ step: 'data', chip })), ['cancel', 'confirmData', 'oldKtp']);
  const away = collectionActions(view({ step: 'data', chip, cardAway: true }));
  assert.equal(away.confirmData, { enabled: false, hint: 'Letakkan kembali kartu di pembaca' });
  assert.ok(away.readCard.enabled);
});

test('fingerprint step: scan the current finger and override; while scanning only cancel the scan', () => {
  const v = view({ step: 'fingerprint', chip, currentFinger: 'rightIndex' });
  assert.equal(enabled(v), ['cancel', 'oldKtp', 'override', 'scan']);
  const busy = collectionActions({ ...v, capturing: true });
  assert.equal(busy.scan, { enabled: false, hint: 'Sedang memindai' });
  assert.ok(busy.cancelScan.enabled);
  assert.not.ok(collectionActions({ ...v, cardAway: true }).scan.enabled);
});

test('override: only a pending finger, and never both index fingers', () => {
  assert.equal(overridableFingers(view()), ['rightIndex', 'leftIndex']);
  const one = view({ step: 'fingerprint', chip, currentFinger: 'leftIndex', fingers: { rightIndex: { ...pending, status: 'overridden' }, leftIndex: pending } });
  assert.equal(overridableFingers(one), []);
  assert.equal(collectionActions(one).override, { enabled: false, hint: 'Satu jari harus tetap cocok' });
  const matched = view({ fingers: { rightIndex: { status: 'matched', tries: 1, bestScore: 40 }, leftIndex: pending } });
  assert.equal(overridableFingers(matched), ['leftIndex']);
  const failed = view({ fingers: { rightIndex: { status: 'failed', tries: 3, bestScore: 5 }, leftIndex: pending } });
  assert.equal(overridableFingers(failed), []);
});

test('signature step: accepting waits for the old KTP answer', () => {
  const v = view({ step: 'signature', chip });
  assert.equal(collectionActions(v).signAccept, { enabled: false, hint: 'Konfirmasi KTP lama dulu' });
  assert.ok(collectionActions(v).signStart.enabled && collectionActions(v).signClear.enabled);
  assert.ok(collectionActions({ ...v, oldKtp: 'none' }).signAccept.enabled);
  assert.not.ok(collectionActions({ ...v, oldKtp: 'none', cardAway: true }).signAccept.enabled);
});

test('held: resume only with a readable chip; a refused card can only be cancelled', () => {
  const disc = view({ step: 'held', chip, held: { code: 'DATA_DISCREPANCY', message: 'x' } });
  assert.ok(collectionActions(disc).resume.enabled);
  const refused = view({ step: 'held', held: { code: 'CARD_REFUSED', message: 'DG_HASH_MISMATCH' } });
  assert.equal(collectionActions(refused).resume, { enabled: false, hint: 'Kartu ditolak: tidak bisa dilanjutkan' });
  assert.ok(collectionActions(refused).cancel.enabled);
});

test('ended sessions: close (and reprint with a receipt); no live action', () => {
  assert.equal(enabled(view({ step: 'receipt', chip, receipt, oldKtp: 'withdrawn' })), ['close', 'reprint']);
  assert.equal(enabled(view({ step: 'failed', chip, failure: 'x' })), ['close']);
  assert.equal(enabled(view({ step: 'cancelled' })), ['close']);
  assert.equal(enabled(view({ step: 'abandoned' })), ['close']);
});

test('stepper: the live step, and where an ended session stopped', () => {
  assert.equal(stepperState(view()), { index: 0, stoppedAt: null });
  assert.equal(stepperState(view({ step: 'signature', chip })), { index: 3, stoppedAt: null });
  assert.equal(stepperState(view({ step: 'held', chip })), { index: 1, stoppedAt: 1 });
  assert.equal(stepperState(view({ step: 'held' })), { index: 0, stoppedAt: 0 });
  assert.equal(stepperState(view({ step: 'failed', chip, fingers: { rightIndex: { status: 'failed', tries: 3, bestScore: 4 }, leftIndex: pending } })), { index: 2, stoppedAt: 2 });
  assert.equal(stepperState(view({ step: 'cancelled', chip, fingers: { rightIndex: { status: 'matched', tries: 1, bestScore: 30 }, leftIndex: pending } })), { index: 2, stoppedAt: 2 });
});

test('finger words with tries', () => {
  assert.is(fingerText('rightIndex', { status: 'matched', tries: 1, bestScore: 40 }, 3), 'Telunjuk kanan: cocok (percobaan 1/3)');
  assert.is(fingerText('leftIndex', pending, 3), 'Telunjuk kiri: belum dipindai (0/3)');
  assert.is(fingerText('leftIndex', { status: 'pending', tries: 2, bestScore: 9 }, 3), 'Telunjuk kiri: belum cocok (percobaan 2/3)');
  assert.is(fingerText('rightIndex', { status: 'failed', tries: 3, bestScore: 9 }, 3), 'Telunjuk kanan: tidak cocok (3/3 percobaan habis)');
  assert.is(fingerText('rightIndex', { status: 'overridden', tries: 0, bestScore: null, override: { reason: 'jari terluka', operator: 'op1', supervisor: 'spv' } }, 3),
    'Telunjuk kanan: dilewati petugas — jari terluka (disetujui spv)');
  assert.is(lastTryText({ finger: 'leftIndex', match: false, score: 7.5, triesLeft: 1 }), 'Telunjuk kiri: tidak cocok (skor 7.5), sisa 1 percobaan');
  assert.is(lastTryText({ finger: 'rightIndex', error: { code: 'CAPTURE_TIMEOUT', message: 'x' } }), 'Telunjuk kanan: pemindaian tidak dihitung — jari tidak diletakkan tepat waktu');
  assert.is(lastTryText(null), null);
  assert.is(guidanceText('hold_still'), 'Jari di pemindai — tahan');
  assert.is(guidanceText('nonsense'), null);
});

test('notices and held reasons in Indonesian, the unknown ones with their code', () => {
  assert.match(noticeText({ code: 'WRONG_CARD', message: 'x' })!, 'BUKAN kartu warga ini');
  assert.match(noticeText({ code: 'CARD_REMOVED', message: 'x' })!, 'Letakkan kembali kartu yang sama');
  assert.is(noticeText({ code: 'NEW_THING', message: 'something' }), 'NEW_THING: something');
  assert.is(noticeText(null), null);
  assert.match(heldText({ code: 'CARD_REFUSED', message: 'DG_HASH_MISMATCH' })!, /Batalkan sesi, lalu kembalikan kartu\. \(DG_HASH_MISMATCH\)/);
  assert.match(heldText({ code: 'DATA_DISCREPANCY', message: 'x' })!, 'data yang salah');
});

test('hub errors: the override\'s refusals say what to do; a wrong supervisor PIN is not the officer\'s sign-out', () => {
  const http = (status: number, code: string, extra: object = {}) => ({ kind: 'http' as const, status, code, message: 'm', ...extra });
  assert.is(collectionFaultText(http(401, 'BAD_CREDENTIALS')), 'Nama pengguna atau PIN supervisor salah.');
  assert.is(collectionFaultText(http(403, 'SAME_PERSON')), 'Persetujuan harus dari supervisor lain, bukan dari Anda sendiri.');
  assert.match(collectionFaultText(http(409, 'NO_FINGER_LEFT')), 'minimal satu jari telunjuk harus cocok');
  assert.match(collectionFaultText(http(403, 'NOT_A_SUPERVISOR')), 'bukan supervisor');
  assert.is(collectionFaultText(http(429, 'TOO_MANY_ATTEMPTS', { retryAfterSeconds: 90 })), 'Terlalu banyak PIN salah. Coba lagi dalam 1 menit 30 detik.');
  assert.is(collectionFaultText(http(409, 'OFFICER_CONFIRMATION_NEEDED')), 'Konfirmasi KTP lama dulu (ditarik atau tidak ada).');
  assert.match(collectionFaultText({ kind: 'network', message: 'x' }), 'Tidak terhubung ke server');
  assert.not.ok(isOwnSessionFault(http(401, 'BAD_CREDENTIALS')));
  assert.ok(isOwnSessionFault(http(401, 'SESSION_EXPIRED')));
  assert.ok(isOwnSessionFault(http(401, 'UNAUTHORIZED')));
  assert.not.ok(isOwnSessionFault(http(403, 'SAME_PERSON')));
});

test('override form: finger, reason of 5+ characters, supervisor name and PIN', () => {
  const ok = { finger: 'rightIndex' as const, reason: 'jari terluka', username: 'spv', pin: '1234' };
  assert.is(overrideFormProblem(ok), null);
  assert.is(overrideFormProblem({ ...ok, finger: '' }), 'Pilih jari yang dilewati.');
  assert.match(overrideFormProblem({ ...ok, reason: ' luka ' })!, 'minimal 5 huruf');
  assert.is(overrideFormProblem({ ...ok, username: ' ' }), 'Isi nama pengguna supervisor.');
  assert.is(overrideFormProblem({ ...ok, pin: '' }), 'Supervisor mengisi PIN-nya.');
  assert.ok(returnReasonOk('rusak'));
  assert.not.ok(returnReasonOk('  a '));
});

test('the session list: events update in place, ended ones go, a refetch keeps what events said meanwhile', () => {
  const a = view({ id: 'a', startedAt: '2026-01-05T01:00:00Z' });
  const b = view({ id: 'b', startedAt: '2026-01-05T02:00:00Z' });
  let list = upsertSession(upsertSession([], a), b);
  list = upsertSession(list, { ...a, step: 'data' });
  assert.equal(list.map((x) => [x.id, x.step]), [['a', 'data'], ['b', 'card']]);
  assert.equal(removeSession(list, 'a').map((x) => x.id), ['b']);

  const fetchedOld = [{ ...a, step: 'card' as const }, b];
  const newerA = { ...a, step: 'fingerprint' as const };
  const c = view({ id: 'c' });
  const merged = mergeFetched(fetchedOld, [newerA, c], new Set(['a', 'c']), new Set(['b']));
  assert.equal(merged.map((x) => [x.id, x.step]), [['a', 'fingerprint'], ['c', 'card']]);
  // nothing touched: the answer replaces the list (sessions forgotten while away disappear)
  assert.equal(mergeFetched([b], [a], new Set(), new Set()).map((x) => x.id), ['b']);
});

test('live sessions first; who needs the officer; which changes re-read the stock', () => {
  const done = view({ id: 'done', step: 'receipt', startedAt: '2026-01-05T01:00:00Z' });
  const live = view({ id: 'live', step: 'fingerprint', startedAt: '2026-01-05T03:00:00Z' });
  assert.equal(sortSessions([done, live]).map((x) => x.id), ['live', 'done']);
  assert.ok(needsOfficer(view({ step: 'signature' })));
  assert.not.ok(needsOfficer(view({ step: 'signature', oldKtp: 'none' })));
  assert.ok(needsOfficer(view({ step: 'held' })));
  assert.ok(needsOfficer(view({ notice: { code: 'WRONG_CARD', message: 'x' } })));
  assert.not.ok(needsOfficer(view({ step: 'fingerprint' })));
  assert.ok(changesStock('signature', 'receipt'));
  assert.ok(changesStock('fingerprint', 'failed'));
  assert.not.ok(changesStock('receipt', 'receipt'));
  assert.not.ok(changesStock('card', 'data'));
});

test('supervisor: B2 and B3 medians against their standards', () => {
  assert.is(durationText(null), '—');
  assert.is(durationText(45.4), '45 detik');
  assert.is(durationText(80), '1 menit 20 detik');
  assert.is(durationText(120), '2 menit');
  const rows = collectionStepRows({
    verification: { count: 4, medianSeconds: 150, withinStandard: 1, standardMinutes: 2 },
    handover: { count: 0, medianSeconds: null, withinStandard: 0, standardMinutes: 1 },
  });
  assert.equal(rows.map((r) => [r.id, r.median, r.standard, r.within, r.over, r.overCount]), [
    ['verification', '2 menit 30 detik', '2 menit', '1 dari 4', true, 3],
    ['handover', '—', '1 menit', '0 dari 0', false, 0],
  ]);
});

test.run();
