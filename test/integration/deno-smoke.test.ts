/** The hub's HTTP app answers under Deno too (deno from npm), not only on Node. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

test('under Deno the hub answers health and issues a ticket to a kiosk', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-deno-'));
  const deno = join(process.cwd(), 'node_modules', '.bin', 'deno');
  createRequire(import.meta.url).resolve('deno/package.json');
  const child = spawn(deno, ['run', '-A', '--quiet', 'test/support/deno-hub.ts', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const info = await new Promise<{ url: string; kioskToken: string }>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`deno did not start: ${err}`)), 60_000);
      child.stderr.on('data', (d: Buffer) => { err += d; });
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) { clearTimeout(timer); resolve(JSON.parse(line)); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`deno exited ${code}: ${err}`)); });
    });
    const health = await fetch(`${info.url}/api/health`).then((r) => r.json()) as { database: { status: string }; version: string };
    assert.is(health.database.status, 'ok');
    assert.is(health.version, '0.1.0');
    const refused = await fetch(`${info.url}/api/queue`);
    assert.is(refused.status, 401);
    const issued = await fetch(`${info.url}/api/tickets`, {
      method: 'POST', headers: { authorization: `Bearer ${info.kioskToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceCode: 'A', nik: '3201014508900001', priority: 'none' }),
    });
    assert.is(issued.status, 201);
    assert.is(((await issued.json()) as { ticket: { label: string } }).ticket.label, 'A-001');
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
