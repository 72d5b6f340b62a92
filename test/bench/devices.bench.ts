/**
 * npm run bench:devices — the device figures of issue 4:
 *  1. a full card read through pcscd + vpcd (real PC/SC stack) with a 20 KB face image
 *     (test/bench/card.bench.ts; needs root and Debian's pcscd + vsmartcard-vpcd), target < 300 ms;
 *  2. fingerprint capture-to-template: the R30x driver over a socat PTY pair to our simulator, the
 *     36,864-byte image, then our matcher's extraction (the hub's FingerprintService).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPtyPair } from '../support/socat.ts';
import { FVC2002_DPI, openSerialDevice, R30xScannerDriver, R30xScannerSimulator, tiffToScannerImage } from '../../devices/index.ts';
import { FingerprintService } from '../../hub/devices/fingerprint.ts';
import { DATASETS } from '../support/dc.ts';

const RUNS = Number(process.env.RUNS ?? 20);

// vpcd (pcscd's virtual reader) sends each message's length and body in two TCP writes; with our
// delayed ACK on loopback every APDU then waits ~40 ms. card.bench.ts --quickack runs the stock rig
// and then a series with quick ACKs on the loopback route (root; restored after) to show the read
// without that test-rig stall.
console.log('# 1. card read through pcscd + vpcd');
const card = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/card.bench.ts', '--reads', String(RUNS), '--quickack'], { encoding: 'utf8' });
process.stdout.write(card.stdout);
if (card.status !== 0) console.log(`card bench failed (needs root, pcscd and vsmartcard-vpcd): ${card.stderr.split('\n').slice(-5).join('\n')}`);

console.log('\n# 2. fingerprint capture-to-template over a socat PTY pair');
const pair = await createPtyPair();
const sim = new R30xScannerSimulator({ transport: openSerialDevice({ path: pair.devicePath, baudRate: 57600 }).transport, autoLift: true });
const driver = new R30xScannerDriver({ transport: openSerialDevice({ path: pair.driverPath, baudRate: 57600 }).transport });
sim.start();
driver.start();
try {
  if (!(await driver.waitReady(5000))) throw new Error(`scanner not ready: ${driver.status.detail}`);
  const service = new FingerprintService(driver);
  const images = ['101_1', '102_3', '103_5', '104_2'].map((n) => {
    const r = tiffToScannerImage(readFileSync(join(DATASETS, 'fvc2002', 'DB1_B', `${n}.tif`)), { sourceDpi: FVC2002_DPI.DB1_B });
    if (!r.ok) throw r.error;
    return r.image;
  });
  const total: number[] = [];
  const qualities: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    sim.placeFinger(images[i % images.length]!);
    const t0 = performance.now();
    const r = await service.capture({ timeoutMs: 10_000 });
    total.push(performance.now() - t0);
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    qualities.push(r.quality);
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
  console.log(`capture-to-template (${RUNS} captures, finger already on, lift automatic): median ${q(total, 0.5)} ms, p90 ${q(total, 0.9)} ms; quality median ${q(qualities, 0.5)}`);
} finally {
  await driver.close();
  await sim.stop();
  await pair.close();
}
