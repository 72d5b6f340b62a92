/**
 * Fingerprint capture-to-image time over a socat PTY pair: GenImg (finger already on) + UpImage +
 * 288 data packets of 128 bytes, until the 36,864-byte image is assembled (lift excluded).
 *   npx tsx test/bench/serial-devices.bench.ts [runs=20] [lineRateBaud=0]
 * lineRateBaud > 0 paces the simulator's image data like a real UART (57600 is the module default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPtyPair } from '../support/socat.ts';
import { openSerialDevice, R30xScannerDriver, R30xScannerSimulator, tiffToScannerImage } from '../../devices/index.ts';

const runs = Number(process.argv[2] ?? 20);
const lineRateBaud = Number(process.argv[3] ?? 0);
const datasets = process.env.KTP_DATASETS ?? join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'datasets');

const t0 = performance.now();
const conv = tiffToScannerImage(readFileSync(join(datasets, 'fvc2002', 'DB1_B', '101_1.tif')), { sourceDpi: 500 });
if (!conv.ok) throw conv.error;
const convMs = performance.now() - t0;

const pair = await createPtyPair();
const sim = new R30xScannerSimulator({ transport: openSerialDevice({ path: pair.devicePath, baudRate: 57600 }).transport, lineRateBaud });
const driver = new R30xScannerDriver({ transport: openSerialDevice({ path: pair.driverPath, baudRate: 57600 }).transport, commandTimeoutMs: 3000 });
sim.start();
driver.start();
try {
  if (!(await driver.waitReady(5000))) throw new Error(`scanner not ready: ${driver.status.detail}`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    sim.placeFinger(conv.image);
    let tImage = 0;
    const start = performance.now();
    const r = await driver.capture({
      pollMs: 10,
      onEvent: (e) => { if (e === 'lift_finger') { tImage = performance.now(); sim.liftFinger(); } },
    });
    if (!r.ok) throw new Error(`capture failed: ${r.code} ${r.message}`);
    times.push(tImage - start);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`TIFF -> scanner image conversion: ${convMs.toFixed(1)} ms`);
  console.log(`capture-to-image over socat PTY (${runs} runs, line rate ${lineRateBaud || 'unpaced'}): median ${q(0.5)} ms, p90 ${q(0.9)} ms, min ${q(0)} ms, max ${q(1)} ms`);
} finally {
  await driver.close();
  await sim.stop();
  await pair.close();
}
