/**
 * Card collection through the hub's API as the kiosk and the officer's screen drive it, on the demo
 * office's devices (real drivers on in-memory links to our simulators; a real SQLite file):
 * berhasil with a receipt and a DC record, gagal with the card's return, a refused card, a card
 * lifted mid-flow, an override, identification faults, and a kiosk going idle.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextEvent, startTestHub, type TestHub } from '../support/hub.ts';
import { DEMO_PEOPLE } from '../../hub/demo/residents.ts';

let hub: TestHub;
let op: string;
let sup: string;
let kiosk: string;
const person = (id: string) => DEMO_PEOPLE.find((p) => p.id === id)!;

test.before(async () => {
  hub = await startTestHub({ printer: { port: 'simulator', baudRate: 19200 } });
  op = await hub.login('operator');
  sup = await hub.login('supervisor');
  kiosk = hub.demo!.kioskToken;
});
test.after(async () => { await hub.destroy(); });

const k = (method: string, path: string, body?: unknown) => hub.api(method, path, kiosk, body);
const o = (method: string, path: string, body?: unknown) => hub.api(method, path, op, body);

async function until(id: string, pred: (v: any) => boolean, what: string, ms = 8000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await k('GET', `/api/collections/${id}`);
    if (pred(r.body)) return r.body;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ step: r.body.step, notice: r.body.notice, held: r.body.held })}`);
    await new Promise((res) => setTimeout(res, 30));
  }
}

async function toFingerprintStep(residentId: string, variant = 'good') {
  const start = await k('POST', '/api/collections', { nik: person(residentId).nik });
  assert.is(start.status, 201, JSON.stringify(start.body));
  assert.is(start.body.step, 'card');
  await o('POST', '/api/sim/card/insert', { residentId, variant });
  const read = await until(start.body.id, (v) => v.step !== 'card' || v.notice !== null, 'the card read');
  if (variant !== 'good') return read;
  assert.is(read.step, 'data');
  assert.is(read.chip.biodata.nik, person(residentId).nik);
  assert.ok(read.comparison.every((c: any) => c.same), JSON.stringify(read.comparison));
  const conf = await k('POST', `/api/collections/${read.id}/confirm`, { correct: true });
  assert.is(conf.body.step, 'fingerprint');
  return conf.body;
}

async function scan(id: string, residentId: string, finger: 'rightIndex' | 'leftIndex', impression: number) {
  await o('POST', '/api/sim/fingerprint/place', { residentId, finger, impression });
  const r = await k('POST', `/api/collections/${id}/fingerprint`);
  assert.is(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function sign(id: string) {
  assert.is((await k('POST', `/api/collections/${id}/signature/start`)).status, 200);
  await o('POST', '/api/sim/signature/stroke', { points: [{ x: 0.1, y: 0.5, pressure: 0.6 }, { x: 0.3, y: 0.3, pressure: 0.8 }, { x: 0.6, y: 0.7, pressure: 0.7 }, { x: 0.9, y: 0.4, pressure: 0.5 }] });
}

test('berhasil: card read, data confirmed, both index fingers match, signature, receipt printed, DC record queued', async () => {
  const opSocket = hub.socket('/operator', op);
  await nextEvent(opSocket, 'devices:state');
  const steps: string[] = [];
  opSocket.on('collection:state', (v: any) => { if (steps.at(-1) !== v.step) steps.push(v.step); });

  const s = await toFingerprintStep('r1');
  const right = await scan(s.id, 'r1', 'rightIndex', 2);
  assert.equal(right.lastTry.match, true, JSON.stringify(right.lastTry));
  assert.is(right.currentFinger, 'leftIndex');
  const left = await scan(s.id, 'r1', 'leftIndex', 2);
  assert.is(left.step, 'signature', JSON.stringify(left.lastTry));

  await sign(s.id);
  const early = await k('POST', `/api/collections/${s.id}/signature`);
  assert.is(early.status, 409);
  assert.is(early.body.error.code, 'OFFICER_CONFIRMATION_NEEDED');
  assert.is((await o('POST', `/api/collections/${s.id}/old-ktp`, { value: 'withdrawn' })).status, 200);
  const supSocket = hub.socket('/supervisor', sup);
  await nextEvent(supSocket, 'devices:state');
  const figuresChanged = nextEvent(supSocket, 'stats:changed');
  const done = await k('POST', `/api/collections/${s.id}/signature`);
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.is(done.body.step, 'receipt');
  assert.equal(done.body.receipt.printed, { ok: true });
  assert.equal(await figuresChanged, { day: hub.context.queue.today() }, 'the supervisor page is told its figures changed');

  const doc = hub.printer.getPrinted().at(-1)!;
  assert.match(doc.text, /TANDA TERIMA KTP-el/);
  assert.match(doc.text, /SITI NURHALIZA/);
  assert.match(doc.text, /BERHASIL/);
  assert.match(doc.text, /KTPDEMO900001/);
  assert.match(doc.text, /KTP lama: DITARIK/);
  assert.match(doc.text, /Petugas: Operator Satu/);
  assert.not.match(doc.text, /3201014508900001/, 'the NIK is masked on the receipt');
  assert.equal(doc.qr, [done.body.receipt.qrText]);

  const check = await o('POST', '/api/receipts/check', { code: done.body.receipt.qrText });
  assert.is(check.body.receiptNumber, done.body.receipt.number);
  assert.is(check.body.result, 'berhasil');
  const forged = await o('POST', '/api/receipts/check', { code: done.body.receipt.qrText.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')) });
  assert.is(forged.status, 400);

  const stock = await o('GET', '/api/stock');
  assert.ok(stock.body.collected.some((x: any) => x.cardSerial === 'KTPDEMO900001'));
  assert.not.ok(stock.body.inStock.some((x: any) => x.cardSerial === 'KTPDEMO900001'));
  const outbox = await hub.context.db.all<{ kind: string; case_id: string }>(`SELECT kind, case_id FROM outbox`);
  assert.equal(outbox.map((r) => r.kind), ['collection_result']);
  const rec = (await hub.context.outbox.due(new Date(Date.now() + 1000), 10, new Set()))[0]!.record;
  assert.equal((rec.body as any).result, 'berhasil');
  assert.equal((rec.body as any).verifiedFingers, [2, 7]);

  const events = (await o('GET', `/api/collections/${s.id}/events`)).body.events.map((e: any) => e.type);
  assert.equal(events.filter((e: string) => e !== 'finger.tried'), ['started', 'card.read', 'data.confirmed', 'old_ktp', 'berhasil']);
  assert.ok(steps.includes('data') && steps.includes('fingerprint') && steps.includes('signature') && steps.includes('receipt'), steps.join(','));

  const again = await k('POST', '/api/collections', { nik: person('r1').nik });
  assert.is(again.status, 409);
  assert.is(again.body.error.code, 'CARD_ALREADY_COLLECTED');
  await k('POST', `/api/collections/${s.id}/close`);
  await o('POST', '/api/sim/card/remove', {});
});

test('gagal: a finger that never matches ends the collection, keeps the card and records its return', async () => {
  const s = await toFingerprintStep('r2');
  let last;
  for (let i = 1; i <= 3; i++) last = await scan(s.id, 'r3', 'rightIndex', i); // someone else's finger
  assert.is(last.step, 'failed');
  assert.match(last.failure, /telunjuk kanan/);
  const kinds = (await hub.context.db.all<{ kind: string }>(`SELECT kind FROM outbox ORDER BY id`)).map((r) => r.kind);
  assert.equal(kinds.slice(-2), ['collection_result', 'card_return']);
  const stock = await o('GET', '/api/stock');
  assert.ok(stock.body.returned.some((x: any) => x.cardSerial === 'KTPDEMO850002' && /tidak cocok/.test(x.returnReason)));
  await o('POST', '/api/sim/card/remove', {});
  await k('POST', `/api/collections/${s.id}/close`);
});

test('a tampered card is refused at data reading and the flow stops for the officer', async () => {
  const s = await toFingerprintStep('r3', 'changedDg');
  assert.is(s.step, 'held');
  assert.is(s.held.code, 'CARD_REFUSED');
  assert.match(s.held.message, /DG_HASH_MISMATCH/);
  assert.is(s.chip, null, 'nothing from a refused chip is shown');
  const resume = await o('POST', `/api/collections/${s.id}/resume`);
  assert.is(resume.status, 409);
  assert.is((await o('POST', `/api/collections/${s.id}/cancel`, { reason: 'kartu ditolak' })).body.step, 'cancelled');
  await o('POST', '/api/sim/card/remove', {});
  await k('POST', `/api/collections/${s.id}/close`);
});

test('a card lifted mid-flow pauses the session until the same card is back; an override with a supervisor passes an injured finger', async () => {
  const s = await toFingerprintStep('r4');
  await o('POST', '/api/sim/card/remove', {});
  const away = await until(s.id, (v) => v.cardAway, 'the lift');
  assert.is(away.notice.code, 'CARD_REMOVED');
  const blocked = await k('POST', `/api/collections/${s.id}/fingerprint`);
  assert.is(blocked.body.error.code, 'CARD_REMOVED');
  await o('POST', '/api/sim/card/insert', { residentId: 'r4' });
  await until(s.id, (v) => !v.cardAway, 'the card back');

  const noApproval = await o('POST', `/api/collections/${s.id}/override`, { finger: 'rightIndex', reason: 'jari terluka', supervisor: { username: 'supervisor', pin: '000000x' } });
  assert.is(noApproval.status, 403, 'a wrong supervisor PIN refuses the approval, not the operator\'s session');
  assert.is(noApproval.body.error.field, 'supervisor.pin');
  const selfApproval = await hub.api('POST', `/api/collections/${s.id}/override`, sup, { finger: 'rightIndex', reason: 'jari terluka', supervisor: hub.demo!.supervisor });
  assert.is(selfApproval.body.error.code, 'SAME_PERSON');
  const ok = await o('POST', `/api/collections/${s.id}/override`, { finger: 'rightIndex', reason: 'jari terluka (perban)', supervisor: hub.demo!.supervisor });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.is(ok.body.fingers.rightIndex.status, 'overridden');
  assert.is(ok.body.currentFinger, 'leftIndex');
  const both = await o('POST', `/api/collections/${s.id}/override`, { finger: 'leftIndex', reason: 'jari terluka juga', supervisor: hub.demo!.supervisor });
  assert.is(both.body.error.code, 'NO_FINGER_LEFT', 'one finger must still be verified');
  const audit = await hub.context.db.all<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'collection.override%'`);
  assert.equal(audit.map((a) => a.action), ['collection.override.requested', 'collection.override.approved']);
  const left = await scan(s.id, 'r4', 'leftIndex', 3);
  assert.is(left.step, 'signature', JSON.stringify(left.lastTry));
  await o('POST', `/api/collections/${s.id}/cancel`, { reason: 'uji' });
  await o('POST', '/api/sim/card/remove', {});
  await k('POST', `/api/collections/${s.id}/close`);
});

test('identification: unknown NIK, malformed NIK, a forged code and a queue ticket', async () => {
  const unknown = await k('POST', '/api/collections', { nik: '3201010101900099' });
  assert.is(unknown.status, 404);
  assert.is(unknown.body.error.code, 'NO_CARD_IN_STOCK');
  const bad = await k('POST', '/api/collections', { nik: '12345' });
  assert.is(bad.body.error.code, 'NIK_LENGTH');
  assert.is(bad.body.error.field, 'nik');
  const forged = await k('POST', '/api/collections', { code: 'KTPQ1|x|B-001|AAAAAAAAAAAAAAAA' });
  assert.is(forged.body.error.code, 'UNKNOWN_CODE');
  const ticket = await k('POST', '/api/tickets', { serviceCode: 'B', nik: person('r4').nik, priority: 'none' });
  const byTicket = await k('POST', '/api/collections', { code: ticket.body.ticket.qrText });
  assert.is(byTicket.status, 201, JSON.stringify(byTicket.body));
  assert.is(byTicket.body.identifiedBy, 'ticket');
  assert.is(byTicket.body.caseRecord.cardSerial, 'KTPDEMO000004');

  // a kiosk going idle wipes the session; the case and the card are unchanged
  assert.is((await k('POST', `/api/collections/${byTicket.body.id}/abandon`, { reason: 'kiosk idle' })).status, 200);
  assert.is((await k('GET', `/api/collections/${byTicket.body.id}`)).status, 404);
  const row = await hub.context.db.get<{ status: string; end_reason: string }>('SELECT status, end_reason FROM collections WHERE id = ?', [byTicket.body.id]);
  assert.equal(row, { status: 'abandoned', end_reason: 'kiosk idle' });
  const stock = await o('GET', '/api/stock');
  assert.ok(stock.body.inStock.some((x: any) => x.cardSerial === 'KTPDEMO000004'));
  // another kiosk's session is not visible to this kiosk; the officer sees all
  assert.equal((await k('GET', '/api/collections')).body, { current: null });
});

test('the supervisor\'s day figures count the collections against the SOP standards', async () => {
  const st = await hub.api('GET', '/api/supervisor/stats', sup);
  assert.is(st.body.collection.berhasil, 1);
  assert.is(st.body.collection.gagal, 1);
  assert.is(st.body.collection.verification.standardMinutes, 2);
  assert.is(st.body.collection.handover.standardMinutes, 1);
  assert.is(st.body.collection.handover.count, 1);
});

test.run();
