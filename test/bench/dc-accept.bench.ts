/**
 * `npx tsx test/bench/dc-accept.bench.ts` — records a second the reference DC accepts from one
 * client on loopback over HTTPS with keep-alive. The DC runs in its own process (`npm run dc`'s
 * main.ts) with its 1:N answers pushed an hour away, so only acceptance is measured: decrypt,
 * verify, validate, store the record and its job in one transaction, answer 201. Packets and the
 * JWT are made before the clock starts, so the client's sealing is not counted.
 * Env: N (records per run, default 2000), CONCURRENCY (in flight for the second run, default 8),
 * BATCH (records per batch for the third run, default 50), DC_NODE_ARGS (node flags for the DC,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestHubClient, datasetsDir, enrolmentRecord, type DcRecord } from '../../hub/reference-dc/index.ts';

const N = Number(process.env.N ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const BATCH = Number(process.env.BATCH ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'bench-dc-accept-'));
const dataDir = join(dir, 'dc');

const child = spawn(process.execPath, [...(process.env.DC_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'hub/reference-dc/main.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, DC_PORT: '0', DC_DATA_DIR: dataDir, DC_BOOTSTRAP_TOKEN: 'boot-bench', DC_ADMIN_TOKEN: 'admin-bench', DC_RESULT_DELAY_MS: '3600000' },
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d; const m = out.match(/Reference DC\s+(https:\/\/\S+)/); if (m) resolve(m[1]!); });
  child.once('exit', (c) => reject(new Error(`the DC exited (${c}) before listening`)));
});
const hub = await TestHubClient.create(url, readFileSync(join(dataDir, 'tls', 'tls-cert.pem'), 'utf8'), 'hub-bench');

try {
  if ((await hub.register('boot-bench')).status !== 200) throw new Error('registration failed');
  const data = datasetsDir();
  const records = (n: number): DcRecord[] => Array.from({ length: n }, (_, i) =>
    enrolmentRecord(hub.hubId, data, ['DB1_B', `${101 + (i % 10)}_${1 + (i % 8)}`], ['DB2_B', `${101 + (i % 10)}_${1 + ((i + 3) % 8)}`]));
  const token = await hub.token({ exp: '5m' });
  const headers = (key: string) => ({ authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/jose' });

  // the DC process's CPU time (user + system) from /proc, to tell its cost from the client's
  const dcCpuMs = (): number => {
    try {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) * 10;
    } catch { return NaN; }
  };
  async function run(label: string, items: { path: string; key: string; packet: string; count: number }[], inFlight: number): Promise<void> {
    let next = 0;
    let accepted = 0;
    const cpu0 = dcCpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < items.length) {
        const it = items[next++]!;
        const r = await hub.call('POST', it.path, headers(it.key), it.packet, 30_000);
        if (r.status !== 201 && r.status !== 200) throw new Error(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
        accepted += it.count;
      }
    }));
    const s = (performance.now() - started) / 1000;
    const cpuPerRecord = (dcCpuMs() - cpu0) / accepted;
    console.log(`${label.padEnd(44)} ${String(accepted).padStart(6)} records in ${s.toFixed(2)} s = ${String(Math.round(accepted / s)).padStart(5)} records/s; DC CPU ${cpuPerRecord.toFixed(2)} ms/record`);
  }

  const singles = async (n: number) => Promise.all(records(n).map(async (r) => ({ path: '/v1/records', key: r.recordId, packet: await hub.seal(r), count: 1 })));
  await run('warm-up (discarded)', await singles(200), 4);
  console.log(`reference DC ${url}; enrolment records with 2 ISO templates (~${Math.round((await hub.seal(records(1)[0])).length / 1024)} KB sealed)`);
  await run('POST /v1/records, 1 in flight', await singles(N), 1);
  await run(`POST /v1/records, ${CONCURRENCY} in flight`, await singles(N), CONCURRENCY);
  const batches = await Promise.all(Array.from({ length: Math.ceil(N / BATCH) }, async () => {
    const batchId = randomUUID();
    return { path: '/v1/record-batches', key: batchId, packet: await hub.seal({ batchId, hubId: hub.hubId, records: records(BATCH) }), count: BATCH };
  }));
  await run(`POST /v1/record-batches (${BATCH} each), 2 in flight`, batches, 2);
} finally {
  hub.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
