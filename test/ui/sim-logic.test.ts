import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CARD_VARIANTS, limitStroke, MAX_STROKE_POINTS, normalisePoint, pointerPressure, printerFault } from '../../kiosk-ui/sim/logic.ts';
import { ageText, dcHealth } from '../../kiosk-ui/supervisor/logic.ts';

const rect = { left: 100, top: 50, width: 400, height: 160 };

test('pointer positions become 0..1 of the pad, clamped at the edges', () => {
  assert.equal(normalisePoint(100, 50, rect), { x: 0, y: 0 });
  assert.equal(normalisePoint(500, 210, rect), { x: 1, y: 1 });
  assert.equal(normalisePoint(300, 90, rect), { x: 0.5, y: 0.25 });
  assert.equal(normalisePoint(20, 400, rect), { x: 0, y: 1 }, 'dragged outside stays on the edge');
  assert.equal(normalisePoint(300, 90, { ...rect, width: 0 }), { x: 0, y: 0 }, 'a collapsed canvas gives no NaN');
});

test('a mouse draws at pressure 0.5; pen and touch pass on what was measured', () => {
  assert.is(pointerPressure('mouse', 0), 0.5);
  assert.is(pointerPressure('mouse', 1), 0.5);
  assert.is(pointerPressure('pen', 0.8), 0.8);
  assert.is(pointerPressure('touch', 0), 0.5, 'a touch screen that measures nothing');
  assert.is(pointerPressure('pen', 3), 1);
});

test('a very long stroke is thinned to what the hub takes, keeping both ends', () => {
  const pts = Array.from({ length: 12_001 }, (_, i) => ({ x: i / 12_000, y: 0.5, pressure: 0.5 }));
  const out = limitStroke(pts);
  assert.is(out.length, MAX_STROKE_POINTS);
  assert.equal(out[0], pts[0]);
  assert.equal(out.at(-1), pts.at(-1));
  assert.is(limitStroke(pts.slice(0, 10)).length, 10, 'short strokes are untouched');
});

test('every card variant the hub knows has an Indonesian explanation', () => {
  assert.equal(CARD_VARIANTS.map((v) => v.value), ['good', 'changedDg', 'badSignature', 'unknownCa', 'truncated']);
  for (const v of CARD_VARIANTS) assert.ok(v.explain.length > 20 && v.label.length > 0, v.value);
});

test('the printer section names the fault from the device state, then from the switches', () => {
  const err = [{ id: 'printer', kind: 'printer', status: 'error' as const, detail: 'printer is out of paper' }];
  assert.is(printerFault(err, { paperOut: true, offline: false }), 'Printer bermasalah — printer is out of paper');
  const ok = [{ id: 'printer', kind: 'printer', status: 'online' as const }];
  assert.is(printerFault(ok, { paperOut: true, offline: false }), 'Kertas habis (simulasi)');
  assert.is(printerFault(ok, { paperOut: false, offline: false }), null);
});

test('the DC light: red when unreachable, amber with refused records, green otherwise', () => {
  const base = { configured: true, registered: true, reachable: true, deadLetters: [] as unknown[] };
  assert.is(dcHealth(base).tone, 'ok');
  assert.is(dcHealth({ ...base, reachable: false }).tone, 'error');
  assert.is(dcHealth({ ...base, deadLetters: [{}] }).text, 'Terhubung — 1 data gagal dikirim');
  assert.is(dcHealth({ ...base, configured: false }).tone, 'warn');
});

test('the oldest record\'s age reads in words', () => {
  assert.is(ageText(null), '—');
  assert.is(ageText(42), '42 detik');
  assert.is(ageText(600), '10 menit');
  assert.is(ageText(3 * 3600 + 5 * 60), '3 jam 5 menit');
  assert.is(ageText(5 * 86400), '5 hari');
});

test.run();
