/** The queue through a real hub: kiosks issue, operators call and serve, the display follows. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextEvent, nik, startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
let op: string;
let kiosk: string;

test.before(async () => {
  hub = await startTestHub({ printer: { port: 'simulator', baudRate: 9600 } });
  kiosk = hub.demo!.kioskToken;
  op = await hub.login('operator');
  await hub.api('POST', '/api/operator/counter', op, { counterId: 'loket-1' });
});
test.after(async () => { await hub.destroy(); });

const issue = (serviceCode: string, n: string, priority = 'none') => hub.api('POST', '/api/tickets', kiosk, { serviceCode, nik: n, priority });

test('a kiosk gets numbered tickets per service with a QR and a wait estimate', async () => {
  const a1 = await issue('A', nik(1));
  assert.is(a1.status, 201);
  assert.is(a1.body.ticket.label, 'A-001');
  assert.is(a1.body.ticket.peopleAhead, 0);
  assert.match(a1.body.ticket.qrSvg, /^<svg/);
  assert.equal(a1.body.ticket.printed, { ok: true });
  const paper = hub.printer.getPrinted().at(-1)!;
  assert.match(paper.text, /A-001/);
  assert.match(paper.text, /Perekaman KTP-el/);
  assert.equal(paper.qr, [a1.body.ticket.qrText]);
  assert.not.match(paper.text, /320101/, 'no NIK on paper');
  const a2 = await issue('A', nik(2, true));
  assert.is(a2.body.ticket.label, 'A-002');
  assert.is(a2.body.ticket.peopleAhead, 1);
  assert.is(a2.body.ticket.estimatedWaitMinutes, 4, 'one person ahead, 4 standard minutes, one open counter (loket-1) serves A');
  assert.is((await issue('B', nik(3))).body.ticket.label, 'B-001');
});

test('bad input is refused with the field and the reason, and issues nothing', async () => {
  const before = (await hub.api('GET', '/api/queue', op)).body.waiting.length;
  const bad = await issue('A', '320101450890');
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.code, 'NIK_LENGTH');
  assert.equal(bad.body.error.field, 'nik');
  assert.is((await issue('Z', nik(4))).body.error.code, 'UNKNOWN_SERVICE');
  const noPriority = await hub.api('POST', '/api/tickets', kiosk, { serviceCode: 'A', nik: nik(4), priority: 'vip' });
  assert.is(noPriority.body.error.field, 'priority');
  const notJson = await fetch(hub.url + '/api/tickets', { method: 'POST', headers: { authorization: `Bearer ${kiosk}` }, body: 'nik=1' });
  assert.is(notJson.status, 400);
  assert.is((await hub.api('GET', '/api/queue', op)).body.waiting.length, before);
});

test('calling shows the number at the counter on the display, without personal data', async () => {
  const display = hub.socket('/display', hub.demo!.displayToken);
  await nextEvent(display, 'display:state');
  const call = nextEvent(display, 'display:call');
  const state = nextEvent(display, 'display:state', (s: any) => s.counters.some((c: any) => c.current?.label === 'A-001'));
  const called = await hub.api('POST', '/api/counters/loket-1/call-next', op);
  assert.is(called.body.ticket.label, 'A-001');
  assert.equal(await call, { ...(await call), label: 'A-001', counterId: 'loket-1', counterName: 'Loket 1', recall: false });
  const s = await state;
  const text = JSON.stringify(s);
  assert.not.match(text, /320101|nik|Masked/i, 'no NIK on the display');
  assert.is(s.waiting.find((w: any) => w.serviceCode === 'A').count, 1);
  assert.is(s.lastCalls[0].label, 'A-001');
});

test('a counter with a resident at it cannot call the next one', async () => {
  const r = await hub.api('POST', '/api/counters/loket-1/call-next', op);
  assert.is(r.status, 409);
  assert.is(r.body.error.code, 'COUNTER_BUSY');
});

test('no-show is refused until the ticket was recalled twice; recalls reach the display', async () => {
  const cur = (await hub.api('GET', '/api/queue', op)).body.counters.find((c: any) => c.id === 'loket-1').current;
  assert.is((await hub.api('POST', `/api/tickets/${cur.id}/no-show`, op, {})).body.error.code, 'RECALL_FIRST');
  const display = hub.socket('/display', hub.demo!.displayToken);
  const recallCall = nextEvent(display, 'display:call', (c: any) => c.recall);
  assert.is((await hub.api('POST', `/api/tickets/${cur.id}/recall`, op, {})).body.ticket.recallCount, 1);
  assert.is((await recallCall).label, 'A-001');
  await hub.api('POST', `/api/tickets/${cur.id}/recall`, op, {});
  const ns = await hub.api('POST', `/api/tickets/${cur.id}/no-show`, op, {});
  assert.is(ns.body.ticket.status, 'no_show');
});

test('serve, transfer to another counter keeping the number, finish with an outcome', async () => {
  const next = await hub.api('POST', '/api/counters/loket-1/call-next', op);
  assert.is(next.body.ticket.label, 'A-002');
  const moved = await hub.api('POST', `/api/tickets/${next.body.ticket.id}/transfer`, op, { counterId: 'loket-2' });
  assert.is(moved.body.ticket.status, 'waiting');
  assert.is(moved.body.ticket.label, 'A-002');
  const op2 = await hub.login('operator');
  await hub.api('POST', '/api/operator/counter', op2, { counterId: 'loket-2' });
  const at2 = await hub.api('POST', '/api/counters/loket-2/call-next', op2);
  assert.is(at2.body.ticket.label, 'A-002', 'the transferred ticket goes first at its new counter');
  assert.is((await hub.api('POST', `/api/tickets/${at2.body.ticket.id}/start`, op, {})).body.error.code, 'NOT_YOUR_TICKET');
  assert.is((await hub.api('POST', `/api/tickets/${at2.body.ticket.id}/start`, op2, {})).body.ticket.status, 'serving');
  const done = await hub.api('POST', `/api/tickets/${at2.body.ticket.id}/finish`, op2, { outcome: 'completed' });
  assert.is(done.body.ticket.status, 'done');
  assert.is(done.body.ticket.outcome, 'completed');
  assert.is((await hub.api('POST', `/api/tickets/${at2.body.ticket.id}/finish`, op2, { outcome: 'oops' })).body.error.field, 'outcome');
});

test('transfer to another service keeps the label and joins that service', async () => {
  const b = await hub.api('POST', '/api/counters/loket-1/call-next', op);
  assert.is(b.status, 404, 'loket-1 does not serve B');
  assert.is(b.body.error.code, 'QUEUE_EMPTY');
  const op3 = await hub.login('operator');
  await hub.api('POST', '/api/operator/counter', op3, { counterId: 'loket-3' });
  const called = await hub.api('POST', '/api/counters/loket-3/call-next', op3);
  assert.is(called.status, 200, JSON.stringify(called.body));
  assert.is(called.body.ticket.label, 'B-001');
  const moved = await hub.api('POST', `/api/tickets/${called.body.ticket.id}/transfer`, op3, { serviceCode: 'A' });
  assert.is(moved.body.ticket.serviceCode, 'A');
  assert.is((await hub.api('POST', '/api/counters/loket-1/call-next', op)).body.ticket.label, 'B-001');
});

test('the supervisor sees the day per service and can download it as CSV', async () => {
  const sup = await hub.login('supervisor');
  const stats = await hub.api('GET', '/api/supervisor/stats', sup);
  const a = stats.body.services.find((s: any) => s.serviceCode === 'A');
  assert.is(a.issued, 3, 'A-001, A-002 and B-001 now in A');
  assert.is(a.served, 1);
  assert.is(a.noShow, 1);
  assert.is(a.standardMinutes, 4);
  const csv = await fetch(`${hub.url}/api/supervisor/stats.csv`, { headers: { authorization: `Bearer ${sup}` } });
  assert.is(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  const text = await csv.text();
  assert.match(text, /^day,service,name,issued,served,no_show/);
  assert.match(text, /,A,Perekaman KTP-el,3,1,1,/);
  assert.is((await hub.api('GET', '/api/supervisor/stats?day=25-11-2026', sup)).body.error.field, 'day');
});

test('two operators calling at once never get the same ticket', async () => {
  for (let i = 0; i < 30; i++) await issue('D', nik(100 + i));
  const opA = await hub.login('operator');
  const opB = await hub.login('supervisor');
  await hub.api('POST', '/api/operator/counter', opA, { counterId: 'loket-2' });
  await hub.api('POST', '/api/operator/counter', opB, { counterId: 'loket-1' });
  // clear both counters first
  for (const [t, c] of [[opA, 'loket-2'], [opB, 'loket-1']] as const) {
    const cur = (await hub.api('GET', '/api/queue', t)).body.counters.find((x: any) => x.id === c).current;
    if (cur) { await hub.api('POST', `/api/tickets/${cur.id}/start`, t, {}); await hub.api('POST', `/api/tickets/${cur.id}/finish`, t, { outcome: 'completed' }); }
  }
  const seen: string[] = [];
  const worker = async (token: string, counter: string) => {
    for (;;) {
      const r = await hub.api('POST', `/api/counters/${counter}/call-next`, token);
      if (r.status === 404) return;
      assert.is(r.status, 200, JSON.stringify(r.body));
      seen.push(r.body.ticket.label);
      await hub.api('POST', `/api/tickets/${r.body.ticket.id}/start`, token, {});
      await hub.api('POST', `/api/tickets/${r.body.ticket.id}/finish`, token, { outcome: 'completed' });
    }
  };
  await Promise.all([worker(opA, 'loket-2'), worker(opB, 'loket-1')]);
  const d = seen.filter((l) => l.startsWith('D-'));
  assert.is(d.length, 30);
  assert.is(new Set(d).size, 30, 'every D ticket called exactly once');
});

test('a kiosk retrying with the same Idempotency-Key gets the same ticket, printed once', async () => {
  const send = (key: string, n: string) => fetch(hub.url + '/api/tickets', {
    method: 'POST', headers: { authorization: `Bearer ${kiosk}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ serviceCode: 'C', nik: n, priority: 'none' }),
  });
  const printedBefore = hub.printer.getPrinted().length;
  const first = await send('kiosk-retry-0001', nik(50));
  assert.is(first.status, 201);
  const again = await send('kiosk-retry-0001', nik(50));
  assert.is(again.status, 200);
  const a = (await first.json()) as any; const b = (await again.json()) as any;
  assert.is(b.ticket.id, a.ticket.id);
  assert.is(b.ticket.label, 'C-001');
  assert.is(hub.printer.getPrinted().length, printedBefore + 1, 'printed once');
  const misuse = await send('kiosk-retry-0001', nik(51));
  assert.is(misuse.status, 409);
  const next = await send('kiosk-retry-0002', nik(51));
  assert.is(((await next.json()) as any).ticket.label, 'C-002');
});

test('sign-in is rate-limited after repeated failures, with the wait given', async () => {
  let last = { status: 0, body: {} as any };
  for (let i = 0; i < 6; i++) last = await hub.api('POST', '/api/auth/login', undefined, { username: 'operator1', pin: '000000' });
  assert.is(last.status, 429);
  assert.is(last.body.error.code, 'TOO_MANY_ATTEMPTS');
  assert.ok(last.body.error.retryAfterSeconds > 0);
  const right = await hub.api('POST', '/api/auth/login', undefined, hub.demo!.operator);
  assert.is(right.status, 429, 'even the right PIN waits until the window passes');
});

test.run();
