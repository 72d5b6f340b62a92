/**
 * The hub's DC link against the reference DC over real HTTPS on loopback: records arrive once in
 * effect whatever the DC does, the hub keeps serving while the DC is down, and DC results move the
 * cases on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startReferenceDc, DEFAULT_TEST_RESIDENTS } from '../../hub/reference-dc/index.ts';
import { nik, startTestHub, type TestHub } from '../support/hub.ts';
import { dcAdmin, isoTemplate, waitFor } from '../support/dc.ts';

const dir = mkdtempSync(join(tmpdir(), 'dc-link-'));
const ADMIN = 'admin-token-for-tests';
let ref: Awaited<ReturnType<typeof startReferenceDc>>;
let hub: TestHub;
let sup: string;
let op: string;
let admin: ReturnType<typeof dcAdmin>;

test.before(async () => {
  ref = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: 'bootstrap-for-tests', adminToken: ADMIN, resultDelayMs: 50 });
  const ca = join(dir, 'dc-ca.pem');
  writeFileSync(ca, ref.caCertPem);
  hub = await startTestHub({
    dataDir: join(dir, 'hub'), printer: { port: 'none', baudRate: 9600 },
    dc: { url: ref.url, caCertFile: ca, bootstrapToken: 'bootstrap-for-tests', retryBaseMs: 50, retryMaxMs: 400, pollIntervalMs: 100, requestTimeoutMs: 1500, retentionDays: 0 },
  });
  sup = await hub.login('supervisor');
  op = await hub.login('operator');
  admin = dcAdmin(ref.url, ref.caCertPem, ADMIN);
});
test.after(async () => {
  await hub.destroy();
  await ref.close();
  rmSync(dir, { recursive: true, force: true });
});

let serial = 500;
const enrol = (right: [string, string], left: [string, string]) => hub.api('POST', '/api/cases/enrolments', op, {
  nik: nik(++serial), fullName: `Warga Uji ${serial}`,
  fingerprints: [
    { position: 2, format: 'iso19794-2', data: isoTemplate(...right) },
    { position: 7, format: 'iso19794-2', data: isoTemplate(...left) },
  ],
});
const caseStatus = (id: string) => hub.api('GET', `/api/cases/${id}`, op).then((r) => r.body.case);
const dcStatus = () => hub.api('GET', '/api/supervisor/dc', sup).then((r) => r.body);
const drained = () => waitFor('the outbox to drain', dcStatus, (s) => s.depth === 0 && s.inFlight === 0);

test('a new resident is delivered, checked 1:N and comes back single', async () => {
  const r = await enrol(['DB2_B', '105_1'], ['DB2_B', '106_1']);
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.is(r.body.case.status, 'recorded');
  const c = await waitFor('a uniqueness result', () => caseStatus(r.body.case.id), (c) => c.status !== 'recorded');
  assert.is(c.status, 'unique');
  assert.is(c.outbox[0].status, 'delivered');
  const s = await dcStatus();
  assert.is(s.registered, true);
  assert.is(s.reachable, true);
});

test('the same fingers as a gallery identity come back duplicate, with that candidate, for the supervisor', async () => {
  const known = DEFAULT_TEST_RESIDENTS[0]!;
  const r = await enrol(known.otherImpressions.rightIndex, known.otherImpressions.leftIndex);
  assert.is(r.status, 201, JSON.stringify(r.body));
  const c = await waitFor('a uniqueness result', () => caseStatus(r.body.case.id), (c) => c.status !== 'recorded');
  assert.is(c.status, 'duplicate');
  assert.is(c.dcResult.candidates[0].identityId, known.identityId);
  const clar = await hub.api('GET', '/api/supervisor/clarifications', sup);
  const mine = clar.body.clarifications.filter((x: any) => x.caseId === r.body.case.id);
  assert.is(mine.length, 1);
  assert.is(mine[0].candidates[0].identityId, known.identityId);
  const resolved = await hub.api('POST', `/api/supervisor/clarifications/${mine[0].id}/resolve`, sup, { resolution: 'same_person', note: 'resident enrolled twice; old record kept' });
  assert.is(resolved.status, 200);
});

test('with the DC down the hub keeps issuing tickets and accepting records; the backlog drains after', async () => {
  await admin.faults({ down: true });
  const before = (await admin.stats().catch(() => null));
  void before;
  const ticket = await hub.api('POST', '/api/tickets', hub.demo!.kioskToken, { serviceCode: 'A', nik: nik(9001), priority: 'none' });
  assert.is(ticket.status, 201);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await enrol(['DB3_B', `10${i + 1}_1`], ['DB3_B', `10${i + 4}_1`]);
    assert.is(r.status, 201);
    ids.push(r.body.case.id);
  }
  const down = await waitFor('the hub to notice', dcStatus, (s) => s.reachable === false && s.depth >= 3);
  assert.ok(down.oldestPendingAgeSeconds !== null);
  ref.faults.set({ down: false });
  await drained();
  for (const id of ids) assert.is((await caseStatus(id)).outbox[0].status, 'delivered');
});

test('500s, a time-out after the DC stored a record, and repeated notifications have no second effect', async () => {
  const before = await admin.stats();
  await admin.faults({ error500: 2, timeoutAfterStore: 1, answerTwice: true });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await enrol(['DB4_B', `10${i + 1}_1`], ['DB4_B', `10${i + 4}_1`]);
    ids.push(r.body.case.id);
  }
  await drained();
  for (const id of ids) await waitFor('results', () => caseStatus(id), (c) => c.status !== 'recorded');
  const after = await admin.stats();
  assert.is(after.records.total - before.records.total, 3, 'three records stored, once each');
  assert.is(after.effects.uniquenessJobs - before.effects.uniquenessJobs, 3, 'three 1:N checks, once each');
  assert.ok(after.duplicateDeliveries > before.duplicateDeliveries, 'the record whose answer timed out was sent again and recognised');
  await admin.faults({ reset: true });
  const rows = await hub.context.db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM case_events WHERE case_id IN (?, ?, ?) AND type LIKE 'dc.%'`, ids);
  assert.is(rows[0]!.n, 3, 'each result applied once although the DC announced it twice');
});

test('a record the DC refuses is dead-lettered with the reason, and the others go on', async () => {
  const good = await enrol(['DB1_B', '109_1'], ['DB1_B', '110_1']);
  await drained();
  // A record with a body the DC must refuse, as a bug would produce it, behind a valid case.
  await hub.context.db.transaction((q) => hub.context.outbox.enqueue(q, {
    recordId: randomUUID(), hubId: hub.config.dc.hubId, caseRef: good.body.case.id, kind: 'card_return', createdAt: new Date().toISOString(), body: { nik: 'x' },
  }, new Date()));
  const next = await enrol(['DB2_B', '107_1'], ['DB2_B', '108_1']);
  await waitFor('a dead letter', dcStatus, (s) => s.deadLetters.length === 1);
  const s = await dcStatus();
  assert.match(s.deadLetters[0].reason, /INVALID_RECORD/);
  assert.is(s.deadLetters[0].caseId, good.body.case.id);
  await waitFor('the other record', () => caseStatus(next.body.case.id), (c) => c.outbox[0].status === 'delivered');
  const retry = await hub.api('POST', `/api/supervisor/dc/dead-letters/${s.deadLetters[0].recordId}/retry`, sup, {});
  assert.is(retry.status, 200);
  await waitFor('the retried record to be refused again', dcStatus, (x) => x.deadLetters.length === 1 && x.depth === 0);
});

test('acknowledged biometrics leave the hub after the retention period', async () => {
  const r = await enrol(['DB1_B', '108_1'], ['DB1_B', '107_1']);
  await waitFor('delivery', () => caseStatus(r.body.case.id), (c) => c.outbox[0].status === 'delivered');
  await hub.context.dc!.purgeNow();
  const row = await hub.context.db.get<{ b: unknown; p: string | null }>('SELECT biometrics_enc AS b, biometrics_purged_at AS p FROM cases WHERE id = ?', [r.body.case.id]);
  assert.is(row!.b, null);
  assert.ok(row!.p);
  const ob = await hub.context.db.get<{ p: unknown }>('SELECT payload_enc AS p FROM outbox WHERE case_id = ? AND case_seq = 1', [r.body.case.id]);
  assert.is(ob!.p, null);
});

test('bad enrolment input names the field and stores nothing', async () => {
  const before = (await hub.context.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox'))!.n;
  const bad = await hub.api('POST', '/api/cases/enrolments', op, {
    nik: nik(7777), fullName: 'Uji', fingerprints: [{ position: 2, format: 'iso19794-2', data: Buffer.from('FMR\0 20\0trunc').toString('base64') }],
  });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.field, 'fingerprints.0.data');
  const noName = await hub.api('POST', '/api/cases/enrolments', op, { nik: nik(7777), fullName: ' ', fingerprints: [] });
  assert.is(noName.body.error.field, 'fullName');
  assert.is((await hub.context.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox'))!.n, before);
});

test.run();
