/** The ISDV4 pad driver against its simulator over a real socat PTY pair. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PNG } from 'pngjs';
import { createPtyPair, socatAvailable, type PtyPair } from '../support/socat.ts';
import { Isdv4PadDriver, Isdv4PadSimulator, openSerialDevice, type PenPoint } from '../../devices/index.ts';
import { testBackoff, waitFor } from './helpers.ts';

let pair: PtyPair;
let driver: Isdv4PadDriver;
let sim: Isdv4PadSimulator;
const points: PenPoint[] = [];

test.before(async () => {
  assert.ok(socatAvailable(), 'socat is installed');
  pair = await createPtyPair();
  sim = new Isdv4PadSimulator({ transport: openSerialDevice({ path: pair.devicePath, baudRate: 38400 }).transport, reconnect: testBackoff });
  sim.start();
  driver = new Isdv4PadDriver({ transport: openSerialDevice({ path: pair.driverPath, baudRate: 38400 }).transport, reconnect: testBackoff });
  driver.on('point', (p) => points.push(p));
  driver.start();
  assert.ok(await driver.waitReady(5000), `pad online: ${driver.status.detail}`);
});

test.after(async () => {
  await driver.close();
  await sim.stop();
  await pair.close();
});

const zigzag = [
  [{ x: 2000, y: 8000, pressure: 300 }, { x: 4000, y: 3000, pressure: 500 }, { x: 6000, y: 8000, pressure: 700 }, { x: 8000, y: 3000, pressure: 900 }],
  [{ x: 10000, y: 5000 }, { x: 20000, y: 5000 }],
];

test('the query at connection gives the maxima', () => {
  assert.equal(driver.capabilities?.maxX, 26202);
  assert.equal(driver.capabilities?.maxPressure, 1023);
});

test('strokes drawn on the simulator arrive with their coordinates and pressure', async () => {
  await driver.startCapture();
  await waitFor(() => sim.isStreaming, 5000, 'pad streaming');
  points.length = 0;
  await sim.drawStrokes(zigzag);
  await waitFor(() => points.length >= 10, 5000, 'points');
  const down = points.filter((p) => p.tip);
  assert.equal(down.map((p) => [p.x, p.y, p.pressure]), [
    [2000, 8000, 300], [4000, 3000, 500], [6000, 8000, 700], [8000, 3000, 900], [10000, 5000, 614], [20000, 5000, 614],
  ]);
  const r = await driver.finish();
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.signature.strokes.length, 2);
  const svg = r.signature.toSvg({ width: 300, height: 120 });
  assert.equal(svg.match(/<path /g)?.length, 2);
  const png = PNG.sync.read(Buffer.from(r.signature.toPng({ width: 300, height: 120 })));
  assert.equal([png.width, png.height], [300, 120]);
  // the second stroke is a horizontal line: its middle is inked
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 100) dark++;
  assert.ok(dark > 200, `dark pixels: ${dark}`);
});

test('points after stop are not recorded; an empty signature is refused', async () => {
  await driver.startCapture();
  await driver.stopCapture();
  await waitFor(() => !sim.isStreaming, 5000, 'pad stopped');
  await sim.drawStrokes(zigzag); // dropped by the pad: not streaming
  const r = await driver.finish();
  assert.ok(!r.ok && r.code === 'EMPTY_SIGNATURE');
});

test('garbage bytes and a corrupted packet are skipped; the rest arrives intact', async () => {
  await driver.startCapture();
  await waitFor(() => sim.isStreaming, 5000, 'pad streaming');
  points.length = 0;
  await sim.sendGarbage(Uint8Array.of(0x01, 0x02, 0x7f));
  await sim.pen(100, 100, 0, false);
  sim.corruptNextPacket(); // the first tip-down sample loses its tail
  await sim.pen(100, 100, 500, true);
  await sim.pen(200, 200, 1000, true);
  await sim.pen(300, 300, 1000, true);
  await sim.pen(300, 300, 0, false);
  await waitFor(() => points.filter((p) => p.tip).length === 2, 5000, 'two good points');
  assert.ok(driver.errorCount >= 2, `errors counted: ${driver.errorCount}`);
  assert.equal(points.filter((p) => p.tip).map((p) => [p.x, p.y]), [[200, 200], [300, 300]]);
  const r = await driver.finish();
  assert.ok(r.ok && r.signature.pointCount === 2);
});

test('unplug and replug: offline, then back online and streaming again', async () => {
  await driver.startCapture();
  await pair.close();
  await waitFor(() => driver.status.state === 'offline', 5000, 'pad offline');
  await pair.reopen();
  assert.ok(await driver.waitReady(10_000), 'pad back');
  await waitFor(() => sim.isStreaming, 5000, 'capture resumed after reconnection');
  points.length = 0;
  await sim.drawStrokes([[{ x: 500, y: 600 }, { x: 700, y: 800 }]]);
  await waitFor(() => points.filter((p) => p.tip).length === 2, 5000, 'points after replug');
  const r = await driver.finish();
  assert.ok(r.ok, JSON.stringify(r));
  if (r.ok) assert.equal(r.signature.strokes.map((st) => st.map((p) => [p.x, p.y])), [[[500, 600], [700, 800]]]);
});

test.run();
