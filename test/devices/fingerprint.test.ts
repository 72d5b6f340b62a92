/** The R30x scanner driver against its simulator over a real socat PTY pair. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPtyPair, socatAvailable, type PtyPair } from '../support/socat.ts';
import {
  DeviceBusyError, openSerialDevice, R30xScannerDriver, R30xScannerSimulator, tiffToScannerImage, FVC2002_DPI,
  type CaptureEvent,
} from '../../devices/index.ts';
import { testBackoff, waitFor } from './helpers.ts';

const datasets = process.env.KTP_DATASETS ?? join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'datasets');
const finger = (db: string, name: string) => {
  const r = tiffToScannerImage(readFileSync(join(datasets, 'fvc2002', db, name)), { sourceDpi: FVC2002_DPI[db] });
  if (!r.ok) throw r.error;
  return r.image;
};

let pair: PtyPair;
let driver: R30xScannerDriver;
let sim: R30xScannerSimulator;
const log: string[] = [];

test.before(async () => {
  assert.ok(socatAvailable(), 'socat is installed');
  pair = await createPtyPair();
  sim = new R30xScannerSimulator({
    transport: openSerialDevice({ path: pair.devicePath, baudRate: 57600 }).transport,
    reconnect: testBackoff, unplug: () => pair.close(),
  });
  sim.start();
  driver = new R30xScannerDriver({ transport: openSerialDevice({ path: pair.driverPath, baudRate: 57600 }).transport, reconnect: testBackoff, commandTimeoutMs: 1000 });
  driver.on('status', (st) => log.push(`${Date.now() % 100000} driver ${st.state} ${st.detail}`));
  sim.on('instruction', (i) => log.push(`${Date.now() % 100000} sim got ${i}`));
  sim.on('connection', (c) => log.push(`${Date.now() % 100000} sim connection ${c}`));
  driver.start();
  assert.ok(await driver.waitReady(5000), `driver online: ${driver.status.detail}`);
  assert.equal(driver.systemParameters?.packetSize, 128);
});

test.after(async () => {
  await driver.close();
  await sim.stop();
  await pair.close();
});

/** a person: puts the finger on when asked, lifts it when asked */
function person(image: Uint8Array, events: CaptureEvent[]) {
  return (e: CaptureEvent) => {
    events.push(e);
    if (e === 'place_finger') setTimeout(() => sim.placeFinger(image), 20);
    if (e === 'lift_finger') setTimeout(() => sim.liftFinger(), 20);
  };
}

test('capture returns the exact image the simulator served, with the prompts in order', async () => {
  const image = finger('DB1_B', '101_1.tif');
  const events: CaptureEvent[] = [];
  const r = await driver.capture({ onEvent: person(image, events), pollMs: 20 });
  assert.ok(r.ok, JSON.stringify(r));
  if (r.ok) {
    assert.equal(r.image.length, 36_864);
    assert.ok(Buffer.from(r.image).equals(Buffer.from(image)), 'same bytes');
    assert.ok(r.fingerLifted);
  }
  assert.equal(events, ['place_finger', 'hold_still', 'lift_finger']);
  assert.equal(driver.status.state, 'online');
});

test('poor images are reported and retried, then the capture succeeds', async () => {
  const image = finger('DB2_B', '102_3.tif');
  sim.poorImages(2);
  sim.placeFinger(image);
  const events: CaptureEvent[] = [];
  const r = await driver.capture({ onEvent: person(image, events), pollMs: 20 });
  assert.ok(r.ok);
  if (r.ok) assert.ok(Buffer.from(r.image).equals(Buffer.from(image)));
  assert.equal(events, ['poor_image', 'poor_image', 'hold_still', 'lift_finger']);
});

test('too many poor images is a POOR_IMAGE failure', async () => {
  sim.poorImages(3);
  sim.placeFinger(finger('DB3_B', '101_1.tif'));
  const r = await driver.capture({ maxPoorImages: 1, pollMs: 10 });
  assert.ok(!r.ok && r.code === 'POOR_IMAGE', JSON.stringify(r));
  sim.poorImages(0);
  sim.liftFinger();
});

test('a corrupted packet mid-image is a clear BAD_FRAMES failure; the next capture works', async () => {
  const image = finger('DB4_B', '101_1.tif');
  sim.corruptNextUpload();
  sim.placeFinger(image);
  const r = await driver.capture({ pollMs: 10 });
  assert.ok(!r.ok && r.code === 'BAD_FRAMES', JSON.stringify(r));
  if (!r.ok) assert.match(r.message, /BAD_CHECKSUM/);
  assert.equal(driver.status.state, 'error');
  const again = await driver.capture({ pollMs: 10, onEvent: (e) => { if (e === 'lift_finger') sim.liftFinger(); } });
  assert.ok(again.ok, JSON.stringify(again));
  if (again.ok) assert.ok(Buffer.from(again.image).equals(Buffer.from(image)));
  assert.equal(driver.status.state, 'online');
});

test('a second capture while one runs gets DeviceBusyError at once', async () => {
  sim.liftFinger();
  const first = driver.capture({ pollMs: 20 });
  await waitFor(() => driver.status.state === 'busy', 5000, 'first capture running');
  await driver.capture().then(() => assert.unreachable('should be busy'), (e) => assert.instance(e, DeviceBusyError));
  sim.placeFinger(finger('DB1_B', '102_1.tif'));
  sim.autoLift = true;
  const r = await first;
  sim.autoLift = false;
  assert.ok(r.ok);
});

test('cancel via AbortSignal ends the capture with CANCELLED', async () => {
  sim.liftFinger();
  const ac = new AbortController();
  const p = driver.capture({ signal: ac.signal, pollMs: 20, onEvent: (e) => { if (e === 'place_finger') ac.abort(); } });
  const r = await p;
  assert.ok(!r.ok && r.code === 'CANCELLED', JSON.stringify(r));
  assert.equal(driver.status.state, 'online');
});

test('no finger until the time-out gives TIMEOUT', async () => {
  sim.liftFinger();
  const r = await driver.capture({ timeoutMs: 300, pollMs: 20 });
  assert.ok(!r.ok && r.code === 'TIMEOUT', JSON.stringify(r));
});

test('a late answer after a time-out is not taken for the answer to the next instruction', async () => {
  sim.liftFinger();
  sim.slowMs = 300;
  const r = await driver.capture({ timeoutMs: 100, pollMs: 10 });
  assert.ok(!r.ok && r.code === 'TIMEOUT');
  sim.slowMs = 0;
  const image = finger('DB3_B', '105_2.tif');
  sim.placeFinger(image);
  const again = await driver.capture({ pollMs: 10, onEvent: (e) => { if (e === 'lift_finger') sim.liftFinger(); } });
  assert.ok(again.ok, JSON.stringify(again));
  if (again.ok) assert.ok(Buffer.from(again.image).equals(Buffer.from(image)));
});

test('disconnect mid-transfer fails cleanly; after replug the same driver captures again', async () => {
  const image = finger('DB2_B', '101_1.tif');
  sim.disconnectDuringNextUpload();
  sim.placeFinger(image);
  const r = await driver.capture({ pollMs: 10 });
  assert.ok(!r.ok && r.code === 'OFFLINE', JSON.stringify(r));
  await waitFor(() => driver.status.state === 'offline', 5000, 'driver offline');
  await pair.reopen();
  assert.ok(await driver.waitReady(10_000), `driver back: ${driver.status.detail}`);
  const again = await driver.capture({ pollMs: 10, onEvent: (e) => { if (e === 'lift_finger') sim.liftFinger(); } });
  assert.ok(again.ok, JSON.stringify(again) + log.slice(-30).join('\n'));
  if (again.ok) assert.ok(Buffer.from(again.image).equals(Buffer.from(image)));
});

test.run();
