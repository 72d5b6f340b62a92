/** The reference DC at the protocol level (docs/DC-PROTOCOL.md), over real HTTPS on loopback. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CompactEncrypt, CompactSign, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { startReferenceDc, type ReferenceDc } from '../../hub/reference-dc/index.ts';
import { DcHttpClient, DcTransportError } from '../../hub/dc/https-client.ts';
import { hubToken, sealBatch, sealRecord, type DcRecord } from '../../hub/dc/packet.ts';
import { isoTemplate, waitFor } from '../support/dc.ts';

const dir = mkdtempSync(join(tmpdir(), 'ref-dc-'));
let dc: ReferenceDc;
let client: DcHttpClient;
let hubKey: CryptoKey;
let hubJwk: JWK;
let dcEnc: JWK & { kid: string };
const HUB = 'hub-test-office';

async function start() {
  dc = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: 'boot-token-1', adminToken: 'admin-token-1', resultDelayMs: 30 });
  client = new DcHttpClient(dc.url, dc.caCertPem, 2000);
}

test.before(async () => {
  await start();
  const kp = await generateKeyPair('ES256', { extractable: true });
  hubKey = kp.privateKey as CryptoKey;
  hubJwk = await exportJWK(kp.publicKey);
  dcEnc = ((await client.send('GET', '/v1/keys', {})).body as { encryption: JWK & { kid: string } }).encryption;
});
test.after(async () => {
  client.close();
  await dc.close();
  rmSync(dir, { recursive: true, force: true });
});

const register = (jwk: JWK, token = 'boot-token-1', hubId = HUB) =>
  client.send('POST', '/v1/hubs/register', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, JSON.stringify({ hubId, officeName: 'Uji', publicJwk: jwk }));

const enrolment = (right: [string, string], left?: [string, string]): DcRecord => ({
  recordId: randomUUID(), hubId: HUB, caseRef: randomUUID(), seq: 1, kind: 'enrolment', createdAt: new Date().toISOString(),
  body: { nik: '3201014508900001', fullName: 'Warga Uji', fingerprints: [
    { position: 2, format: 'iso19794-2', data: isoTemplate(...right) },
    ...(left ? [{ position: 7, format: 'iso19794-2', data: isoTemplate(...left) }] : []),
  ] },
});

async function post(packet: string, recordId: string, key = hubKey) {
  return client.send('POST', '/v1/records', { authorization: `Bearer ${await hubToken(HUB, key)}`, 'idempotency-key': recordId, 'content-type': 'application/jose' }, packet);
}

async function notificationsFor(caseRef: string) {
  const r = await client.send('GET', '/v1/notifications?after=0&limit=500', { authorization: `Bearer ${await hubToken(HUB, hubKey)}` });
  return (r.body as { notifications: { id: string; seq: number; caseRef: string; body: any }[] }).notifications.filter((n) => n.caseRef === caseRef);
}

test('registration: a wrong bootstrap token is refused; the same key again is fine; another key is a conflict', async () => {
  assert.is((await register(hubJwk, 'wrong-token')).status, 401);
  assert.is((await register(hubJwk)).status, 200);
  assert.is((await register(hubJwk)).status, 200);
  const other = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
  const clash = await register(other);
  assert.is(clash.status, 409);
  assert.is((clash.body as any).error.code, 'HUB_KEY_MISMATCH');
});

test('a record is stored once: the same key again gets the same receipt and no second effect', async () => {
  const before = await dc.stats();
  const rec = enrolment(['DB2_B', '101_1'], ['DB2_B', '102_1']);
  const packet = await sealRecord(rec, hubKey, dcEnc);
  const first = await post(packet, rec.recordId);
  assert.is(first.status, 201);
  const again = await post(packet, rec.recordId);
  assert.is(again.status, 200);
  assert.equal(again.body, { receiptId: (first.body as any).receiptId, duplicate: true });
  const after = await dc.stats();
  assert.is(after.records.total - before.records.total, 1);
  assert.is(after.effects.uniquenessJobs - before.effects.uniquenessJobs, 1);
  assert.is(after.duplicateDeliveries - before.duplicateDeliveries, 1);
});

test('refusals name the problem: not a packet, a bad signature, a key mismatch, an invalid record, an unknown hub', async () => {
  const rec = enrolment(['DB2_B', '103_1']);
  const code = (r: { body: unknown }) => (r.body as any).error.code;
  assert.is(code(await post('garbage', rec.recordId)), 'BAD_PACKET');
  const rogue = (await generateKeyPair('ES256')).privateKey as CryptoKey;
  assert.is(code(await post(await sealRecord(rec, rogue, dcEnc), rec.recordId)), 'BAD_SIGNATURE');
  assert.is(code(await post(await sealRecord(rec, hubKey, dcEnc), randomUUID())), 'KEY_MISMATCH');
  const bad = { ...rec, recordId: randomUUID(), body: { ...rec.body, nik: '123' } };
  const invalid = await post(await sealRecord(bad, hubKey, dcEnc), bad.recordId);
  assert.is(code(invalid), 'INVALID_RECORD');
  assert.match((invalid.body as any).error.message, /body\.nik/);
  // a packet encrypted to a key that is not the DC's
  const notDc = await exportJWK((await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true })).publicKey);
  assert.is(code(await post(await sealRecord(rec, hubKey, { ...notDc, kid: 'x' } as JWK & { kid: string }), rec.recordId)), 'BAD_PACKET');
  const stranger = (await generateKeyPair('ES256')).privateKey as CryptoKey;
  const r = await client.send('POST', '/v1/records', { authorization: `Bearer ${await hubToken('hub-nobody', stranger)}`, 'idempotency-key': rec.recordId }, 'x');
  assert.is(r.status, 401);
  assert.is(code(r), 'UNKNOWN_HUB');
});

test('a batch: each record stored once with its own result; a bad record refuses only itself', async () => {
  const good = enrolment(['DB2_B', '104_1']);
  const bad = { ...enrolment(['DB2_B', '105_1']), body: { nik: '1' } };
  const known = enrolment(['DB2_B', '101_1']);
  await post(await sealRecord(known, hubKey, dcEnc), known.recordId);
  const batchId = randomUUID();
  const packet = await sealBatch({ batchId, hubId: HUB, records: [good, bad as DcRecord, known] }, hubKey, dcEnc);
  const r = await client.send('POST', '/v1/record-batches', { authorization: `Bearer ${await hubToken(HUB, hubKey)}`, 'idempotency-key': batchId, 'content-type': 'application/jose' }, packet);
  assert.is(r.status, 200);
  const [a, b, c] = (r.body as any).results;
  assert.is(a.duplicate, false);
  assert.is(b.error.code, 'INVALID_RECORD');
  assert.is(c.duplicate, true, 'already stored by the single post');
  const wrongKey = await client.send('POST', '/v1/record-batches', { authorization: `Bearer ${await hubToken(HUB, hubKey)}`, 'idempotency-key': randomUUID() }, packet);
  assert.is((wrongKey.body as any).error.code, 'KEY_MISMATCH');
});

test('1:N: another impression of a gallery identity is a duplicate naming it; a new finger is single and joins the gallery', async () => {
  const again = enrolment(['DB1_B', '101_3'], ['DB1_B', '102_4']);
  await post(await sealRecord(again, hubKey, dcEnc), again.recordId);
  const dup = await waitFor('a result', () => notificationsFor(again.caseRef), (n) => n.length > 0);
  assert.is(dup[0]!.body.result, 'duplicate');
  assert.is(dup[0]!.body.candidates[0].identityId, 'ID-0001');
  assert.match(dup[0]!.body.candidates[0].nikMasked, /^3201\*+01$/);

  const fresh = enrolment(['DB3_B', '107_1']);
  await post(await sealRecord(fresh, hubKey, dcEnc), fresh.recordId);
  assert.is((await waitFor('a result', () => notificationsFor(fresh.caseRef), (n) => n.length > 0))[0]!.body.result, 'single');
  const twice = enrolment(['DB3_B', '107_2']);
  await post(await sealRecord(twice, hubKey, dcEnc), twice.recordId);
  const second = await waitFor('a result', () => notificationsFor(twice.caseRef), (n) => n.length > 0);
  assert.is(second[0]!.body.result, 'duplicate', 'the new identity is in the gallery now');
});

test('faults: forced duplicate, answer twice, 500s, down', async () => {
  const rec = enrolment(['DB4_B', '110_1']);
  dc.faults.set({ forceDuplicate: { caseRef: rec.caseRef, identityId: 'ID-0002' }, answerTwice: true });
  await post(await sealRecord(rec, hubKey, dcEnc), rec.recordId);
  const ns = await waitFor('two announcements', () => notificationsFor(rec.caseRef), (n) => n.length === 2);
  assert.is(ns[0]!.id, ns[1]!.id, 'the same event under two seqs');
  assert.ok(ns[1]!.seq > ns[0]!.seq);
  assert.is(ns[0]!.body.candidates[0].identityId, 'ID-0002');
  dc.faults.set({ reset: true, error500: 1 });
  const r2 = enrolment(['DB4_B', '109_1']);
  const p2 = await sealRecord(r2, hubKey, dcEnc);
  assert.is((await post(p2, r2.recordId)).status, 500);
  assert.is((await post(p2, r2.recordId)).status, 201, 'the retry is stored');
  dc.faults.set({ down: true });
  try {
    await post(p2, r2.recordId);
    assert.unreachable('a down DC answers nothing');
  } catch (e) {
    assert.instance(e, DcTransportError);
  }
  dc.faults.set({ down: false });
  assert.is((await post(p2, r2.recordId)).status, 200);
});

test('pending jobs survive a DC restart; notifications page with after', async () => {
  const rec = enrolment(['DB4_B', '108_1']);
  await dc.close();
  client.close();
  dc = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: 'boot-token-1', adminToken: 'admin-token-1', resultDelayMs: 1500 });
  client = new DcHttpClient(dc.url, dc.caCertPem, 2000);
  await post(await sealRecord(rec, hubKey, dcEnc), rec.recordId);
  assert.is((await notificationsFor(rec.caseRef)).length, 0, 'not answered before the restart');
  await dc.close();
  client.close();
  await start();
  const resumed = await waitFor('the resumed job', () => notificationsFor(rec.caseRef), (n) => n.length > 0);
  assert.is(resumed[0]!.body.result, 'single');
  const all = await client.send('GET', '/v1/notifications?after=0&limit=2', { authorization: `Bearer ${await hubToken(HUB, hubKey)}` });
  const page = all.body as { notifications: { seq: number }[]; lastSeq: number };
  assert.is(page.notifications.length, 2);
  const next = await client.send('GET', `/v1/notifications?after=${page.lastSeq}&limit=500`, { authorization: `Bearer ${await hubToken(HUB, hubKey)}` });
  assert.ok((next.body as any).notifications.every((n: any) => n.seq > page.lastSeq));
});

test.run();
