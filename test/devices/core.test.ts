/** The driver base (busy, time-out, cancel, reconnect) over the in-memory pair; the printer too. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backoffDelay, createMemoryTransportPair, DeviceBusyError, DeviceCancelledError, DeviceOfflineError,
  DeviceTimeoutError, EscPosPrinterDriver, EscPosPrinterSimulator, layoutQueueTicket, openSerialDevice,
  SerialDeviceDriver, type OperationOptions, type TransportFactory,
} from '../../devices/index.ts';
import { testBackoff, waitFor } from './helpers.ts';

/** waits for any byte back after sending one; the other end answers when told */
class PingDriver extends SerialDeviceDriver {
  private waiting: ((b: number) => void) | undefined;
  constructor(transport: TransportFactory) {
    super({ name: 'ping', transport, reconnect: testBackoff });
  }
  protected onBytes(bytes: Uint8Array): void { this.waiting?.(bytes[0]!); }
  ping(opts: OperationOptions = {}): Promise<number> {
    return this.exclusive('ping', opts, async (signal) => {
      await this.write(Uint8Array.of(1));
      return await new Promise<number>((resolve, reject) => {
        this.waiting = resolve;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    });
  }
}

test('backoff grows exponentially up to the cap', () => {
  assert.equal([0, 1, 2, 3, 10].map((a) => backoffDelay(a, { initialDelayMs: 100, maxDelayMs: 1000 })), [100, 200, 400, 800, 1000]);
});

test('busy, time-out, cancel, offline and reconnect', async () => {
  const pair = createMemoryTransportPair();
  const driver = new PingDriver(() => pair.driver);
  let answer = true;
  await pair.device.open();
  pair.device.on('data', () => { if (answer) void pair.device.write(Uint8Array.of(7)); });
  driver.start();
  assert.ok(await driver.waitReady(2000));
  assert.equal(await driver.ping(), 7);

  answer = false;
  const first = driver.ping({ timeoutMs: 100 });
  const second = driver.ping();
  await second.then(() => assert.unreachable('second should be busy'), (e) => assert.instance(e, DeviceBusyError));
  assert.equal(driver.status.state, 'busy');
  await first.then(() => assert.unreachable(), (e) => assert.instance(e, DeviceTimeoutError));

  const ac = new AbortController();
  const p = driver.ping({ signal: ac.signal });
  ac.abort();
  await p.then(() => assert.unreachable(), (e) => assert.instance(e, DeviceCancelledError));

  const during = driver.ping();
  pair.unplug();
  await during.then(() => assert.unreachable(), (e) => assert.instance(e, DeviceOfflineError));
  assert.equal(driver.status.state, 'offline');
  await driver.ping().then(() => assert.unreachable(), (e) => assert.instance(e, DeviceOfflineError));

  pair.replug();
  await pair.device.open();
  answer = true;
  assert.ok(await driver.waitReady(2000), 'reconnected without recreating the driver');
  assert.equal(await driver.ping(), 7);
  await driver.close();
});

test('printer and simulator over the in-memory pair (npm start without socat)', async () => {
  const dev = openSerialDevice({ kind: 'memory', name: 'printer' });
  const sim = new EscPosPrinterSimulator({ transport: dev.simulatorTransport!, reconnect: testBackoff });
  const driver = new EscPosPrinterDriver({ transport: dev.transport, reconnect: testBackoff });
  sim.start();
  driver.start();
  assert.ok(await driver.waitReady(2000));
  await waitFor(() => sim.connected);
  const job = layoutQueueTicket({
    officeName: 'Kantor', label: 'M-1', serviceNameId: 'Perekaman', serviceNameEn: 'Enrolment',
    issuedAt: new Date(), peopleAhead: 0, estimatedWaitMinutes: 0, qrText: 'm1',
  });
  assert.equal(await driver.print(job), { ok: true });
  await waitFor(() => sim.getPrinted().length === 1);
  dev.pair!.unplug();
  const r = await driver.print(job);
  assert.ok(!r.ok && r.code === 'PRINTER_OFFLINE');
  dev.pair!.replug();
  assert.ok(await driver.waitReady(2000));
  await waitFor(() => sim.connected);
  assert.equal(await driver.print(job), { ok: true });
  await waitFor(() => sim.getPrinted().length === 2);
  await driver.close();
  await sim.stop();
});

test.run();
