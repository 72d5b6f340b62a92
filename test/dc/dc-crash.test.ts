/**
 * Nothing lost, nothing doubled: a hub in its own process is killed with SIGKILL in the middle of
 * delivering its outbox, started again on the same data folder, and every record reaches the DC
 * exactly once in effect (the DC's own counts prove it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceDc } from '../../hub/reference-dc/index.ts';
import { dcAdmin, isoTemplate, waitFor } from '../support/dc.ts';
import { nik } from '../support/hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'dc-crash-'));
const N = 60;

function startHubProcess(configFile: string): Promise<{ child: ChildProcess; url: string; demo: { operator: { username: string; pin: string } } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hub-process.ts', join(dir, 'hub')], {
    env: { ...process.env, HUB_CONFIG_FILE: configFile }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code}`)));
  });
}

test('a hub killed mid-delivery loses no record and doubles none', async () => {
  const ref = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: 'bootstrap-crash', adminToken: 'admin-crash', resultDelayMs: 20 });
  const admin = dcAdmin(ref.url, ref.caCertPem, 'admin-crash');
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, ref.caCertPem);
  const configFile = join(dir, 'hub.json');
  writeFileSync(configFile, JSON.stringify({
    dc: { url: ref.url, caCertFile: ca, bootstrapToken: 'bootstrap-crash', retryBaseMs: 50, retryMaxMs: 400, pollIntervalMs: 200, concurrency: 4 },
  }));
  try {
    // slow answers keep records in flight when the kill comes
    await admin.faults({ slowMs: 40 });
    let hub = await startHubProcess(configFile);
    const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hub.demo.operator) }).then((r) => r.json()) as { token: string };
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const r = await fetch(`${hub.url}/api/cases/enrolments`, {
        method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ nik: nik(3000 + i), fullName: `Warga ${i}`, fingerprints: [
          { position: 2, format: 'iso19794-2', data: isoTemplate('DB3_B', `10${(i % 8) + 1}_${(i % 7) + 1}`) },
        ] }),
      });
      assert.is(r.status, 201);
      ids.push(((await r.json()) as { case: { id: string } }).case.id);
    }
    const mid = await waitFor('some deliveries', () => admin.stats(), (s) => s.records.total >= 8);
    hub.child.kill('SIGKILL');
    await new Promise((r) => hub.child.once('exit', r));
    assert.ok(mid.records.total < N, `killed mid-delivery (${mid.records.total} of ${N} stored)`);

    await admin.faults({ slowMs: 0 });
    hub = await startHubProcess(configFile);
    const done = await waitFor('every record at the DC', () => admin.stats(), (s) => s.records.total >= N, 60_000);
    // give any stray resend a moment to show up, then count again
    await new Promise((r) => setTimeout(r, 500));
    const final = await admin.stats();
    assert.is(done.records.total, N);
    assert.is(final.records.total, N, 'no record stored twice');
    assert.is(final.effects.uniquenessJobs, N, 'one 1:N check per record');
    const sup = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hub.demo.operator) }).then((r) => r.json()) as { token: string };
    for (const id of ids) {
      const c = await fetch(`${hub.url}/api/cases/${id}`, { headers: { authorization: `Bearer ${sup.token}` } }).then((r) => r.json()) as { case: { outbox: { status: string }[] } };
      assert.is(c.case.outbox[0]!.status, 'delivered');
    }
    hub.child.kill('SIGTERM');
    await new Promise((r) => hub.child.once('exit', r));
  } finally {
    await ref.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
