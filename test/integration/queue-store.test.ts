/** The queue and sessions on a real SQLite file: day rollover, idle expiry, restarts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Database } from '../../hub/store/db.ts';
import { migrate } from '../../hub/store/migrations.ts';
import { seedOffice } from '../../hub/seed.ts';
import { parseConfig } from '../../hub/config.ts';
import { QueueService } from '../../hub/queue/queue-service.ts';
import { AuthService } from '../../hub/auth/auth-service.ts';
import { AtRestCipher } from '../../hub/security/at-rest.ts';
import { districtLookup } from '../../hub/store/regions.ts';
import { nik, startTestHub } from '../support/hub.ts';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'hub-store-')); dirs.push(d); return d; };
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function openStore(clock: { now: number }) {
  const db = await Database.open(join(tmp(), 'hub.sqlite'));
  await migrate(db);
  const config = parseConfig({});
  await seedOffice(db, config);
  const q = new QueueService(db, new AtRestCipher(randomBytes(32)), districtLookup(), config.queue, 'Asia/Jakarta', () => new Date(clock.now));
  await q.load();
  return { db, q };
}

test('numbers restart at 001 on a new day, and yesterday\'s waiting tickets expire', async () => {
  const clock = { now: Date.parse('2026-11-25T16:50:00Z') }; // 23:50 in Jakarta
  const { db, q } = await openStore(clock);
  await q.issue({ serviceCode: 'A', nik: nik(1), priority: 'none' }, []);
  const late = await q.issue({ serviceCode: 'A', nik: nik(2), priority: 'none' }, []);
  assert.is(late.ticket.label, 'A-002');
  clock.now = Date.parse('2026-11-25T17:05:00Z'); // 00:05 the next day
  const first = await q.issue({ serviceCode: 'A', nik: nik(3), priority: 'none' }, []);
  assert.is(first.ticket.label, 'A-001');
  assert.is(first.ticket.issuedAt.slice(0, 10), '2026-11-25', 'UTC date differs from the office day');
  assert.is((await q.ticket(late.ticket.id)).status, 'expired');
  const called = await q.callNext('loket-1', { userId: null, counterId: 'loket-1' });
  assert.is(called.id, first.ticket.id, 'yesterday\'s tickets are not called today');
  await db.close();
});

test('an empty call at the start of a day does not skip expiring yesterday\'s tickets', async () => {
  const clock = { now: Date.parse('2026-11-25T10:00:00Z') };
  const { db, q } = await openStore(clock);
  const old = await q.issue({ serviceCode: 'B', nik: nik(5), priority: 'none' }, []);
  clock.now = Date.parse('2026-11-26T02:00:00Z');
  try { await q.callNext('loket-1', { userId: null, counterId: 'loket-1' }); assert.unreachable(); } catch (e) { assert.is((e as { code: string }).code, 'QUEUE_EMPTY'); }
  await q.issue({ serviceCode: 'A', nik: nik(6), priority: 'none' }, []);
  assert.is((await q.ticket(old.ticket.id)).status, 'expired');
  await db.close();
});

test('the NIK is stored encrypted, never in clear', async () => {
  const clock = { now: Date.now() };
  const { db, q } = await openStore(clock);
  await q.issue({ serviceCode: 'B', nik: nik(77, true), priority: 'none' }, []);
  const rows = await db.all<Record<string, unknown>>('SELECT * FROM tickets');
  const flat = JSON.stringify(rows, (_k, v) => (v instanceof Buffer || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
  assert.not.ok(flat.includes(nik(77, true)));
  await db.close();
});

test('operator sessions expire after the idle time and say so', async () => {
  const db = await Database.open(join(tmp(), 'hub.sqlite'));
  await migrate(db);
  const clock = { now: Date.parse('2026-11-25T01:00:00Z') };
  const auth = new AuthService(db, { sessionIdleMinutes: 15, maxFailuresPerUser: 5, maxFailuresPerAddress: 20, windowMinutes: 15, now: () => clock.now });
  await auth.createUser('op', 'Op', 'operator', '123456');
  const { token } = await auth.login('op', '123456', '127.0.0.1');
  clock.now += 10 * 60_000;
  assert.is((await auth.authenticate(token)).role, 'operator', 'activity within the idle time keeps it alive');
  clock.now += 14 * 60_000;
  assert.is((await auth.authenticate(token)).role, 'operator');
  clock.now += 16 * 60_000;
  try { await auth.authenticate(token); assert.unreachable(); } catch (e) { assert.is((e as { code: string }).code, 'SESSION_EXPIRED'); }
  try { await auth.authenticate(token); assert.unreachable(); } catch (e) { assert.is((e as { code: string }).code, 'UNAUTHORIZED'); }
  const audit = await db.all<{ action: string }>('SELECT action FROM audit_log');
  assert.ok(audit.some((a) => a.action === 'login.ok'));
  await db.close();
});

test('a restart loses no ticket and no call, and numbering goes on', async () => {
  const dataDir = tmp();
  let hub = await startTestHub({ dataDir, printer: { port: 'none', baudRate: 9600 } });
  const kiosk = hub.demo!.kioskToken;
  await hub.api('POST', '/api/tickets', kiosk, { serviceCode: 'A', nik: nik(1), priority: 'none' });
  await hub.api('POST', '/api/tickets', kiosk, { serviceCode: 'A', nik: nik(2), priority: 'elderly' });
  const op = await hub.login('operator');
  const called = await hub.api('POST', '/api/counters/loket-1/call-next', op);
  assert.is(called.body.ticket.label, 'A-002', 'the elderly resident first');
  await hub.close();

  hub = await startTestHub({ dataDir, printer: { port: 'none', baudRate: 9600 } });
  assert.is(hub.demo!.kioskToken, kiosk, 'the same office and devices after a restart');
  const op2 = await hub.login('operator');
  const state = (await hub.api('GET', '/api/queue', op2)).body;
  assert.is(state.counters.find((c: any) => c.id === 'loket-1').current.label, 'A-002');
  assert.equal(state.waiting.map((t: any) => t.label), ['A-001']);
  const display = (await hub.api('GET', '/api/display/state', hub.demo!.displayToken)).body;
  assert.is(display.lastCalls[0].label, 'A-002');
  const next = await hub.api('POST', '/api/tickets', kiosk, { serviceCode: 'A', nik: nik(3), priority: 'none' });
  assert.is(next.body.ticket.label, 'A-003');
  await hub.close();
});

test.run();
