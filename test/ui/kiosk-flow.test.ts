import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasSessionData, idleView, initialState, kioskReducer, parseIdleSeconds, type IssuedTicket, type KioskAction, type KioskState } from '../../kiosk-ui/index.ts';

const run = (actions: KioskAction[], from: KioskState = initialState) => actions.reduce(kioskReducer, from);
const digits = (s: string): KioskAction[] => [...s].map((d) => ({ type: 'digit', digit: d }));
const ticket: IssuedTicket = {
  id: 't1', label: 'A-001', serviceCode: 'REC', priority: 'elderly', issuedAt: '2025-01-01T01:00:00Z', peopleAhead: 2,
  estimatedWaitMinutes: 8, qrText: 'q', qrSvg: '<svg/>', printed: { ok: true },
};

test('the steps follow: service, NIK, what to bring, priority, ticket', () => {
  let s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('3201014508900001')]);
  assert.is(s.step, 'nik');
  assert.is(s.nik, '3201014508900001');
  s = run([{ type: 'nikChecked', fault: null }, { type: 'requirementsRead' }, { type: 'choosePriority', priority: 'elderly' }, { type: 'submit' }], s);
  assert.is(s.step, 'priority');
  assert.ok(s.submitting);
  s = kioskReducer(s, { type: 'issued', ticket });
  assert.is(s.step, 'ticket');
  assert.is(s.ticket?.label, 'A-001');
});

test('the keypad stops at 16 digits; backspace and clear work', () => {
  let s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('32010145089000019999')]);
  assert.is(s.nik, '3201014508900001');
  s = run([{ type: 'backspace' }, { type: 'backspace' }], s);
  assert.is(s.nik, '32010145089000');
  s = kioskReducer(s, { type: 'clear' });
  assert.is(s.nik, '');
});

test('a fault keeps the resident on the NIK step; typing clears the message', () => {
  let s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('320101'), { type: 'nikChecked', fault: { code: 'NIK_LENGTH', got: 6 } }]);
  assert.is(s.step, 'nik');
  assert.equal(s.nikFault, { code: 'NIK_LENGTH', got: 6 });
  s = kioskReducer(s, { type: 'digit', digit: '4' });
  assert.is(s.nikFault, null);
});

test('the hub refusing the NIK brings the resident back to the NIK with what was typed', () => {
  const s = run([
    { type: 'chooseService', serviceCode: 'REC' }, ...digits('9999994508900001'), { type: 'nikChecked', fault: null },
    { type: 'requirementsRead' }, { type: 'submit' }, { type: 'nikRefused', fault: { code: 'NIK_REGION', region: '999999' } },
  ]);
  assert.is(s.step, 'nik');
  assert.is(s.nik, '9999994508900001');
  assert.equal(s.nikFault, { code: 'NIK_REGION', region: '999999' });
  assert.not.ok(s.submitting);
});

test('a failed submit shows an error and issues nothing; an answer after a reset is ignored', () => {
  let s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('3201014508900001'), { type: 'nikChecked', fault: null }, { type: 'requirementsRead' }, { type: 'submit' }]);
  const failed = kioskReducer(s, { type: 'submitFailed', error: { kind: 'unavailable' } });
  assert.is(failed.step, 'priority');
  assert.is(failed.ticket, null);
  assert.equal(failed.submitError, { kind: 'unavailable' });
  s = run([{ type: 'reset' }, { type: 'issued', ticket }], s);
  assert.equal(s, initialState);
});

test('back goes one step back; from the NIK it wipes what was typed', () => {
  let s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('3201014508900001'), { type: 'nikChecked', fault: null }, { type: 'requirementsRead' }]);
  s = kioskReducer(s, { type: 'back' });
  assert.is(s.step, 'requirements');
  s = kioskReducer(s, { type: 'back' });
  assert.is(s.step, 'nik');
  assert.is(s.nik, '3201014508900001');
  s = kioskReducer(s, { type: 'back' });
  assert.equal(s, initialState);
});

test('reset wipes everything; the start screen has nothing to wipe', () => {
  const s = run([{ type: 'chooseService', serviceCode: 'REC' }, ...digits('320101')]);
  assert.ok(hasSessionData(s));
  const r = kioskReducer(s, { type: 'reset' });
  assert.equal(r, initialState);
  assert.not.ok(hasSessionData(r));
});

test('idle: countdown only in the last 10 s, expiry at the timeout', () => {
  const t0 = 1_000_000;
  assert.equal(idleView(t0, t0 + 49_000, 60_000), { expired: false, secondsLeft: 11, showCountdown: false });
  assert.equal(idleView(t0, t0 + 50_000, 60_000), { expired: false, secondsLeft: 10, showCountdown: true });
  assert.equal(idleView(t0, t0 + 59_001, 60_000), { expired: false, secondsLeft: 1, showCountdown: true });
  assert.equal(idleView(t0, t0 + 60_000, 60_000), { expired: true, secondsLeft: 0, showCountdown: false });
  // a touch moves the start
  assert.is(idleView(t0 + 55_000, t0 + 60_000, 60_000).showCountdown, false);
});

test('idle seconds: ?idle= within 10..3600, else 60', () => {
  assert.is(parseIdleSeconds(null), 60);
  assert.is(parseIdleSeconds('90'), 90);
  assert.is(parseIdleSeconds('5'), 60);
  assert.is(parseIdleSeconds('abc'), 60);
  assert.is(parseIdleSeconds('12.5'), 60);
});

test.run();
