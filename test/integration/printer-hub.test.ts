/**
 * The hub's ticket printer on a real serial channel (socat PTY pair), our ESC/POS simulator at the
 * other end: tickets print, and a printer fault never stops a ticket from being issued.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EscPosPrinterSimulator, openSerialDevice } from '../../devices/index.ts';
import { createPtyPair, type PtyPair } from '../support/socat.ts';
import { nextEvent, nik, startTestHub, type TestHub } from '../support/hub.ts';

let pair: PtyPair;
let sim: EscPosPrinterSimulator;
let hub: TestHub;

test.before(async () => {
  pair = await createPtyPair();
  sim = new EscPosPrinterSimulator({ transport: openSerialDevice({ path: pair.devicePath, baudRate: 19200 }).transport, unplug: () => pair.close() });
  sim.start();
  hub = await startTestHub({ printer: { port: pair.driverPath, baudRate: 19200 } });
});
test.after(async () => {
  await hub.destroy();
  await sim.stop();
  await pair.close();
});

const issue = (n: number) => hub.api('POST', '/api/tickets', hub.demo!.kioskToken, { serviceCode: 'B', nik: nik(n), priority: 'none' });

test('a ticket taken at the kiosk comes out of the printer with its number and QR', async () => {
  const r = await issue(1);
  assert.is(r.status, 201);
  assert.equal(r.body.ticket.printed, { ok: true });
  const doc = sim.getPrinted().at(-1)!;
  assert.ok(doc.lines.some((l) => l.includes('B-001')), doc.lines.join('\n'));
  assert.ok(doc.lines.some((l) => l.includes('Pengambilan KTP-el')));
  assert.equal(doc.qrCodes, [r.body.ticket.qrText]);
  assert.is(doc.cut, 'full');
});

test('paper out: the ticket is still issued, the kiosk is told, the operator screen shows the fault', async () => {
  const op = await hub.login('operator');
  const opSocket = hub.socket('/operator', op);
  await nextEvent(opSocket, 'devices:state');
  sim.setPaperOut(true);
  const before = sim.getPrinted().length;
  const faultSeen = nextEvent(opSocket, 'devices:state', (s: any) => s.devices.some((d: any) => d.id === 'printer' && d.status === 'error'));
  const r = await issue(2);
  assert.is(r.status, 201);
  assert.is(r.body.ticket.label, 'B-002');
  assert.is(r.body.ticket.printed.ok, false);
  assert.is(r.body.ticket.printed.code, 'PAPER_OUT');
  assert.is(sim.getPrinted().length, before, 'nothing printed');
  const state = await faultSeen;
  assert.match(JSON.stringify(state), /paper/i);
  const queue = await hub.api('GET', '/api/queue', op);
  assert.ok(queue.body.waiting.some((t: any) => t.label === 'B-002'), 'the ticket waits in the queue');
  sim.setPaperOut(false);
  assert.equal((await issue(3)).body.ticket.printed, { ok: true });
});

test('printer unplugged: tickets go on, and printing resumes once it is back, without a restart', async () => {
  await pair.close();
  const r = await issue(4);
  assert.is(r.status, 201);
  assert.is(r.body.ticket.printed.code, 'PRINTER_OFFLINE');
  await pair.reopen();
  const until = Date.now() + 15_000;
  let printed = false;
  while (!printed && Date.now() < until) {
    await new Promise((res) => setTimeout(res, 300));
    const h = await hub.api('GET', '/api/health');
    printed = h.body.devices.find((d: any) => d.id === 'printer').status === 'online';
  }
  assert.ok(printed, 'printer online again');
  const again = await issue(5);
  assert.equal(again.body.ticket.printed, { ok: true });
  assert.ok(sim.getPrinted().at(-1)!.lines.some((l) => l.includes('B-005')));
});

test.run();
