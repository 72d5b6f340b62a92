/** The ESC/POS printer driver against its simulator over a real socat PTY pair. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPtyPair, socatAvailable, type PtyPair } from '../support/socat.ts';
import {
  EscPosPrinterDriver, EscPosPrinterSimulator, layoutQueueTicket, openSerialDevice, type DeviceStatus,
} from '../../devices/index.ts';
import { testBackoff, waitFor } from './helpers.ts';

const ticket = (label: string) => layoutQueueTicket({
  officeName: 'Disdukcapil Kota Bandung', label, serviceNameId: 'Perekaman KTP-el',
  serviceNameEn: 'KTP-el enrolment', issuedAt: new Date(), peopleAhead: 2, estimatedWaitMinutes: 10,
  qrText: `Q:${label}`,
});

let pair: PtyPair;
let driver: EscPosPrinterDriver;
let sim: EscPosPrinterSimulator;
const statuses: DeviceStatus[] = [];

test.before(async () => {
  assert.ok(socatAvailable(), 'socat is installed');
  pair = await createPtyPair();
  sim = new EscPosPrinterSimulator({ transport: openSerialDevice({ path: pair.devicePath, baudRate: 115200 }).transport, reconnect: testBackoff });
  sim.start();
  driver = new EscPosPrinterDriver({ transport: openSerialDevice({ path: pair.driverPath, baudRate: 115200 }).transport, reconnect: testBackoff, statusTimeoutMs: 500 });
  driver.on('status', (s) => statuses.push(s));
  driver.start();
  assert.ok(await driver.waitReady(5000), 'driver online');
  await waitFor(() => sim.connected, 5000, 'simulator connected');
});

test.after(async () => {
  await driver.close();
  await sim.stop();
  await pair.close();
});

test('a ticket printed through the driver arrives at the simulator', async () => {
  const r = await driver.print(ticket('A-001'));
  assert.equal(r, { ok: true });
  await waitFor(() => sim.getPrinted().length === 1, 5000, 'document');
  const doc = sim.getPrinted()[0]!;
  assert.ok(doc.lines.some((l) => l.includes('A-001')));
  assert.ok(doc.lines.some((l) => l.includes('Perekaman KTP-el')));
  assert.equal(doc.qrCodes, ['Q:A-001']);
  assert.equal(driver.status.state, 'online');
});

test('paper out gives PAPER_OUT and prints nothing', async () => {
  sim.clearPrinted();
  sim.setPaperOut(true);
  const r = await driver.print(ticket('A-002'));
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.code === 'PAPER_OUT');
  assert.equal(driver.status.state, 'error');
  assert.equal(sim.getPrinted().length, 0);
  sim.setPaperOut(false);
  assert.equal(await driver.print(ticket('A-003')), { ok: true });
  await waitFor(() => sim.getPrinted().length === 1, 5000, 'document after paper refill');
  assert.equal(driver.status.state, 'online');
});

test('a printer that stops answering gives PRINTER_OFFLINE', async () => {
  sim.setOffline(true);
  const r = await driver.print(ticket('A-004'));
  assert.ok(!r.ok && r.code === 'PRINTER_OFFLINE', JSON.stringify(r));
  assert.equal(driver.status.state, 'offline');
  sim.setOffline(false);
});

test('two jobs at once are both printed, in order', async () => {
  sim.clearPrinted();
  const [a, b] = await Promise.all([driver.print(ticket('C-001')), driver.print(ticket('C-002'))]);
  assert.ok(a.ok && b.ok);
  await waitFor(() => sim.getPrinted().length === 2, 5000, 'two documents');
  assert.ok(sim.getPrinted()[0]!.lines.some((l) => l.includes('C-001')));
  assert.ok(sim.getPrinted()[1]!.lines.some((l) => l.includes('C-002')));
});

test('unplug: offline, typed failure; replug: back online and prints, same driver', async () => {
  sim.clearPrinted();
  await pair.close();
  await waitFor(() => driver.status.state === 'offline', 5000, 'driver offline: ' + JSON.stringify(statuses.slice(-4)));
  const r = await driver.print(ticket('A-005'));
  assert.ok(!r.ok && r.code === 'PRINTER_OFFLINE');
  await pair.reopen();
  assert.ok(await driver.waitReady(10_000), 'driver back online');
  await waitFor(() => sim.connected, 10_000, 'simulator reconnected');
  const r2 = await driver.print(ticket('A-006'));
  assert.equal(r2, { ok: true });
  await waitFor(() => sim.getPrinted().length === 1, 5000, 'document after replug');
  assert.ok(sim.getPrinted()[0]!.lines.some((l) => l.includes('A-006')));
  assert.ok(statuses.some((s) => s.state === 'offline') && statuses.at(-1)!.state === 'online');
});

test('an invalid job is a PRINTER_ERROR result, not a throw', async () => {
  const r = await driver.print({ blocks: [] });
  assert.ok(!r.ok && r.code === 'PRINTER_ERROR');
});

test.run();
