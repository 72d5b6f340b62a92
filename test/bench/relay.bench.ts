/**
 * npm run bench:relay — the hub's outbox delivered to the reference DC (its own process) over
 * HTTPS on loopback. A backlog of BACKLOG enrolment records is built while the DC is down, then the
 * DC comes back and the time to drain it is measured. Prints records a second and the drain time.
 * Targets (issue 5): 500 records a second or more; 10,000 drained in under 30 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';
import { dcAdmin, isoTemplate, waitFor } from '../support/dc.ts';

const BACKLOG = Number(process.env.BACKLOG ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const BATCH = Number(process.env.BATCH ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));

const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dc-process.ts', join(dir, 'dc')], { stdio: ['ignore', 'pipe', 'inherit'] });
const dc = await new Promise<{ url: string; caCertPem: string }>((resolve) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d; const l = out.split('\n').find((x) => x.startsWith('{')); if (l) resolve(JSON.parse(l)); });
});
const admin = dcAdmin(dc.url, dc.caCertPem, 'admin-bench');
writeFileSync(join(dir, 'ca.pem'), dc.caCertPem);

const hub = await startHub({
  dataDir: join(dir, 'hub'), port: 0, host: '127.0.0.1', logger: createLogger('error'), printer: { port: 'none', baudRate: 9600 },
  dc: { url: dc.url, caCertFile: join(dir, 'ca.pem'), bootstrapToken: 'bootstrap-bench', concurrency: CONCURRENCY, batchSize: BATCH, retryBaseMs: 50, retryMaxMs: 200, pollIntervalMs: 1000 },
});
await waitFor('registration', () => hub.context.dc!.status(), (s) => s.registered);
await admin.faults({ down: true });

const templates = Array.from({ length: 8 }, (_, i) => isoTemplate('DB1_B', `10${i + 1}_1`));
const t0 = performance.now();
const pending: Promise<unknown>[] = [];
for (let i = 0; i < BACKLOG; i++) {
  pending.push(hub.context.cases.createEnrolment({
    nik: `320101050890${String((i % 9999) + 1).padStart(4, '0')}`, fullName: `Warga ${i}`,
    fingerprints: [{ position: 2, format: 'iso19794-2', data: templates[i % 8]! }, { position: 7, format: 'iso19794-2', data: templates[(i + 3) % 8]! }],
  }, 'bench'));
  if (pending.length >= 200) { await Promise.all(pending); pending.length = 0; }
}
await Promise.all(pending);
const buildS = (performance.now() - t0) / 1000;

const start = performance.now();
await admin.faults({ down: false });
await waitFor('the backlog to drain', () => hub.context.dc!.status(), (s) => s.depth === 0 && s.inFlight === 0, 300_000);
const drainS = (performance.now() - start) / 1000;
const stats = await admin.stats();

console.log(JSON.stringify({
  backlog: BACKLOG, batchesInFlight: CONCURRENCY, batchSize: BATCH,
  backlogBuiltInSeconds: Number(buildS.toFixed(1)), recordsAcceptedPerSecondWhileBuilding: Math.round(BACKLOG / buildS),
  drainSeconds: Number(drainS.toFixed(2)), deliveredPerSecond: Math.round(BACKLOG / drainS),
  dcRecordsStored: stats.records.total, dcDuplicateDeliveries: stats.duplicateDeliveries,
}, null, 2));

await hub.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
