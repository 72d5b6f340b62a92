/** The reference DC's fault injection (docs/DC-PROTOCOL.md), in-process and over its admin API. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_TEST_RESIDENTS, DcCallError, TestHubClient, datasetsDir, enrolmentRecord, startReferenceDc,
  type DcRecord, type ReferenceDc,
} from '../../hub/reference-dc/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ref-dc-faults-'));
const BOOT = 'boot-token-f';
const ADMIN = 'admin-token-f';
const DATA = datasetsDir();
let dc: ReferenceDc;
let hub: TestHubClient;

const enrol = (right: [string, string], over: Partial<DcRecord> = {}) => enrolmentRecord(hub.hubId, DATA, right, undefined, over);
const admin = (method: 'GET' | 'POST', path: string, body?: unknown) => hub.admin(ADMIN, method, path, body);

async function noAnswer(p: Promise<unknown>): Promise<DcCallError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, DcCallError);
    return e as DcCallError;
  }
  assert.unreachable('expected no answer');
  throw new Error('unreachable');
}

test.before(async () => {
  dc = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: BOOT, adminToken: ADMIN, resultDelayMs: 50 });
  hub = await TestHubClient.create(dc.url, dc.caCertPem, 'hub-faults');
  assert.is((await hub.register(BOOT)).status, 200);
});
test.after.each(async () => { await dc.faults.set({ reset: true }); });
test.after(async () => {
  hub.close();
  await dc.close();
  rmSync(dir, { recursive: true, force: true });
});

test('admin API: needs the admin token, refuses unknown faults, shows what is set, counts like stats()', async () => {
  assert.is((await hub.admin('wrong', 'GET', '/v1/admin/faults')).status, 401);
  assert.is((await hub.admin(await hub.token(), 'GET', '/v1/admin/stats')).status, 401, 'a hub token is not an admin token');
  const bad = await admin('POST', '/v1/admin/faults', { explode: true });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.code, 'INVALID_FAULTS');
  const set = await admin('POST', '/v1/admin/faults', { slowMs: 10, error500: 2, answerTwice: true, forceDuplicate: { caseRef: 'c-1' } });
  assert.is(set.status, 200);
  assert.equal((await admin('GET', '/v1/admin/faults')).body, set.body);
  assert.is(set.body.error500, 2);
  assert.equal(set.body.forcedDuplicates, [{ caseRef: 'c-1', identityId: null }]);
  const reset = await admin('POST', '/v1/admin/faults', { reset: true });
  assert.equal([reset.body.slowMs, reset.body.error500, reset.body.answerTwice, reset.body.forcedDuplicates], [0, 0, false, []]);
  assert.equal((await admin('GET', '/v1/admin/stats')).body, await dc.stats());
});

test('forceDuplicate: a finger no one has is still answered duplicate, naming the identity asked for', async () => {
  const bob = DEFAULT_TEST_RESIDENTS[1]!;
  const rec = enrol(['DB4_B', '110_1']);
  await admin('POST', '/v1/admin/faults', { forceDuplicate: { caseRef: rec.caseRef, identityId: bob.identityId } });
  await hub.postRecord(rec);
  const [n] = await hub.waitForCase(rec.caseRef);
  assert.is(n!.body.result, 'duplicate');
  assert.is(n!.body.candidates[0].identityId, bob.identityId);
  assert.is(n!.body.candidates[0].nikMasked, `${bob.nik.slice(0, 4)}**********${bob.nik.slice(14)}`);
  const other = enrol(['DB4_B', '109_1']);
  await hub.postRecord(other);
  assert.equal((await hub.waitForCase(other.caseRef))[0]!.body, { result: 'single' }, 'only that case is forced');
});

test('answerTwice: every notification comes twice, same id, new seqs', async () => {
  await dc.faults.set({ answerTwice: true });
  const rec = enrol(['DB4_B', '108_1']);
  await hub.postRecord(rec);
  const ns = await hub.waitForCase(rec.caseRef, (x) => x.length === 2);
  assert.is(ns[0]!.id, ns[1]!.id);
  assert.ok(ns[1]!.seq > ns[0]!.seq);
  assert.equal(ns[0]!.body, ns[1]!.body);
});

test('error500: the next N record posts answer 500 and store nothing; then the retry is stored', async () => {
  const before = await dc.stats();
  await dc.faults.set({ error500: 2 });
  const rec = enrol(['DB4_B', '107_1']);
  assert.is((await hub.postRecord(rec)).status, 500);
  assert.is((await hub.postRecord(rec)).status, 500);
  assert.is((await hub.postRecord(rec)).status, 201);
  assert.is((await dc.stats()).records.total, before.records.total + 1);
});

test('slow: the answer comes late; a client that gives up first sees a time-out', async () => {
  await dc.faults.set({ slowMs: 300 });
  const rec = enrol(['DB4_B', '106_1']);
  assert.is((await hub.postRecord(rec, { timeoutMs: 10_000 })).status, 201);
  await dc.faults.set({ slowMs: 5_000 });
  const e = await noAnswer(hub.postRecord(enrol(['DB4_B', '105_1']), { timeoutMs: 200 }));
  assert.is(e.code, 'TIMEOUT');
});

test('timeoutAfterStore: stored, never answered; the retry with the same key is a duplicate with one effect', async () => {
  const before = await dc.stats();
  await dc.faults.set({ timeoutAfterStore: 1 });
  const rec = enrol(['DB4_B', '104_1']);
  const e = await noAnswer(hub.postRecord(rec, { timeoutMs: 500 }));
  assert.is(e.code, 'TIMEOUT');
  const retry = await hub.postRecord(rec);
  assert.is(retry.status, 200);
  assert.is(retry.body.duplicate, true);
  const after = await dc.stats();
  assert.is(after.records.total, before.records.total + 1);
  assert.is(after.effects.uniquenessJobs, before.effects.uniquenessJobs + 1);
  assert.is(after.duplicateDeliveries, before.duplicateDeliveries + 1);
  assert.is((await hub.waitForCase(rec.caseRef)).length, 1);
});

test('down (cut): hub requests are cut without an answer while the admin API answers; then back', async () => {
  const set = await admin('POST', '/v1/admin/faults', { down: true });
  assert.is(set.body.down, true);
  const rec = enrol(['DB4_B', '103_1']);
  const e = await noAnswer(hub.postRecord(rec));
  assert.is(e.code, 'ECONNRESET');
  await noAnswer(hub.call('GET', '/v1/health'));
  assert.is((await admin('GET', '/v1/admin/faults')).body.down, true, 'the admin API stays reachable');
  await admin('POST', '/v1/admin/faults', { down: false });
  assert.is((await hub.postRecord(rec)).status, 201);
});

test('down (refuse): connections are refused, then the DC is back on the same port', async () => {
  const rec = enrol(['DB4_B', '102_1']);
  assert.is((await hub.postRecord(enrol(['DB4_B', '102_2']))).status, 201, 'a keep-alive connection is open');
  await dc.faults.set({ down: { mode: 'refuse' } });
  assert.is((await noAnswer(hub.postRecord(rec))).code, 'ECONNREFUSED');
  assert.is((await noAnswer(hub.call('GET', '/v1/admin/faults', { authorization: `Bearer ${ADMIN}` }))).code, 'ECONNREFUSED');
  await dc.faults.set({ down: false });
  assert.is((await hub.postRecord(rec)).status, 201, `back on ${dc.url}`);
});

test('down (refuse) for a while over the admin API: refused, then back by itself on the same port', async () => {
  const noEnd = await admin('POST', '/v1/admin/faults', { down: { mode: 'refuse' } });
  assert.is(noEnd.status, 400, 'without forMs nobody could reach the admin API to end it');
  assert.is((await admin('POST', '/v1/admin/faults', { down: { mode: 'refuse', forMs: 400 } })).status, 200);
  assert.is((await noAnswer(hub.call('GET', '/v1/health'))).code, 'ECONNREFUSED');
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      assert.is((await hub.call('GET', '/v1/health')).status, 200);
      break;
    } catch (e) {
      assert.instance(e, DcCallError);
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

test.run();
