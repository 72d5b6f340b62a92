/**
 * The reference DC at the protocol level (docs/DC-PROTOCOL.md), over real HTTPS on loopback, with a
 * small hub-side client of its own (hub/reference-dc/test-hub.ts), not the hub's DC link.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import {
  DEFAULT_TEST_RESIDENTS, TestHubClient, datasetsDir, enrolmentRecord, startReferenceDc,
  type DcRecord, type ReferenceDc,
} from '../../hub/reference-dc/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ref-dc-'));
const BOOT = 'boot-token-1';
const ADMIN = 'admin-token-1';
const DATA = datasetsDir();
let dc: ReferenceDc;
let hub: TestHubClient;

const startDc = (resultDelayMs = 50) => startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: BOOT, adminToken: ADMIN, resultDelayMs });
const enrol = (right: [string, string], left?: [string, string], over: Partial<DcRecord> = {}) => enrolmentRecord(hub.hubId, DATA, right, left, over);
const code = (r: { body: any }) => r.body?.error?.code as string | undefined;

test.before(async () => {
  dc = await startDc();
  hub = await TestHubClient.create(dc.url, dc.caCertPem, 'hub-uji-1');
});
test.after(async () => {
  hub.close();
  await dc.close();
  rmSync(dir, { recursive: true, force: true });
});

test('health and public keys: a signing and an encryption key, each with a kid and no private part', async () => {
  assert.equal((await hub.call('GET', '/v1/health')).body, { status: 'ok' });
  const keys = (await hub.call('GET', '/v1/keys')).body;
  for (const k of [keys.signing, keys.encryption]) {
    assert.type(k.kid, 'string');
    assert.is(k.crv, 'P-256');
    assert.is(k.d, undefined, 'no private key material');
  }
  assert.is.not(keys.signing.kid, keys.encryption.kid);
});

test('registration: a wrong bootstrap token is refused; the same key again is fine; another key is a conflict', async () => {
  assert.is((await hub.register('wrong-token')).status, 401);
  const first = await hub.register(BOOT);
  assert.is(first.status, 200);
  assert.is(first.body.hubId, hub.hubId);
  const again = await hub.register(BOOT);
  assert.equal(again.body, first.body, 'idempotent: same registeredAt');
  const other = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
  const clash = await hub.register(BOOT, other);
  assert.is(clash.status, 409);
  assert.is(code(clash), 'HUB_KEY_MISMATCH');
});

test('a record is stored once: the same key again gets the same receipt and no second effect', async () => {
  const before = await dc.stats();
  const rec = enrol(['DB2_B', '101_1'], ['DB2_B', '102_1']);
  const first = await hub.postRecord(rec);
  assert.is(first.status, 201);
  assert.is(first.body.duplicate, false);
  assert.type(first.body.receiptId, 'string');
  const again = await hub.postRecord(rec);
  assert.is(again.status, 200);
  assert.equal(again.body, { receiptId: first.body.receiptId, duplicate: true });
  const after = await dc.stats();
  assert.is(after.records.total - before.records.total, 1);
  assert.is(after.effects.uniquenessJobs - before.effects.uniquenessJobs, 1);
  assert.is(after.duplicateDeliveries - before.duplicateDeliveries, 1);
  await hub.waitForCase(rec.caseRef);
  assert.is((await hub.waitForCase(rec.caseRef)).length, 1, 'one announcement');
});

test('a collection result is stored without a uniqueness job', async () => {
  const before = await dc.stats();
  const rec: DcRecord = {
    recordId: randomUUID(), hubId: hub.hubId, caseRef: randomUUID(), seq: 1, kind: 'collection_result', createdAt: new Date().toISOString(),
    body: { nik: '3201019901990001', cardSerial: '04A1B2C3', result: 'berhasil', verifiedFingers: [2], at: new Date().toISOString() },
  };
  assert.is((await hub.postRecord(rec)).status, 201);
  const after = await dc.stats();
  assert.is((after.records.byKind.collection_result ?? 0) - (before.records.byKind.collection_result ?? 0), 1);
  assert.is(after.effects.uniquenessJobs, before.effects.uniquenessJobs);
});

test('refusals name the problem and store nothing: not a packet, a bad signature, a key mismatch, an invalid record', async () => {
  const before = await dc.stats();
  const rec = enrol(['DB2_B', '103_1']);
  const packet = await hub.seal(rec);
  assert.is(code(await hub.postPacket('/v1/records', 'not.a.jwe', rec.recordId)), 'BAD_PACKET');
  const notDc = await exportJWK((await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true })).publicKey);
  assert.is(code(await hub.postPacket('/v1/records', await hub.seal(rec, undefined, { ...notDc, kid: 'not-the-dc' } as JWK & { kid: string }), rec.recordId)), 'BAD_PACKET');
  const rogue = (await generateKeyPair('ES256')).privateKey as CryptoKey;
  const badSig = await hub.postPacket('/v1/records', await hub.seal(rec, rogue), rec.recordId);
  assert.is(badSig.status, 400);
  assert.is(code(badSig), 'BAD_SIGNATURE');
  const mismatch = await hub.postPacket('/v1/records', packet, randomUUID());
  assert.is(mismatch.status, 400);
  assert.is(code(mismatch), 'KEY_MISMATCH');
  const stored = enrol(['DB2_B', '106_1']);
  assert.is((await hub.postRecord(stored)).status, 201);
  const underStoredKey = await hub.postPacket('/v1/records', packet, stored.recordId);
  assert.is(code(underStoredKey), 'KEY_MISMATCH', "another record under a stored record's key is not a repeat");
  const bad = { ...rec, recordId: randomUUID(), body: { ...rec.body, nik: '123' } };
  const invalid = await hub.postRecord(bad);
  assert.is(invalid.status, 400);
  assert.is(code(invalid), 'INVALID_RECORD');
  assert.match(invalid.body.error.message, /body\.nik/);
  const noFingers = { ...rec, recordId: randomUUID(), body: { ...rec.body, fingerprints: [{ position: 11, format: 'iso19794-2', data: 'AAAA' }] } };
  assert.match((await hub.postRecord(noFingers)).body.error.message, /body\.fingerprints\.0\.position/);
  const after = await dc.stats();
  assert.is(after.records.total, before.records.total + 1, 'only the good one');
});

test('hub authentication: unknown hub, no token, wrong audience, a too-long lifetime, a token for another hub', async () => {
  const stranger = await TestHubClient.create(dc.url, dc.caCertPem, 'hub-nobody');
  try {
    const r = await stranger.postRecord(enrolmentRecord('hub-nobody', DATA, ['DB2_B', '104_1']));
    assert.is(r.status, 401);
    assert.is(code(r), 'UNKNOWN_HUB');
    assert.is((await stranger.call('GET', '/v1/notifications', { authorization: `Bearer ${await stranger.token()}` })).status, 401);
  } finally { stranger.close(); }
  const get = (token?: string) => hub.call('GET', '/v1/notifications', token ? { authorization: `Bearer ${token}` } : {});
  assert.is(code(await get()), 'BAD_TOKEN');
  assert.is(code(await get('garbage')), 'BAD_TOKEN');
  assert.is(code(await get(await hub.token({ aud: 'someone-else' }))), 'BAD_TOKEN');
  assert.is(code(await get(await hub.token({ exp: '10m' }))), 'BAD_TOKEN');
  assert.is(code(await get(await hub.token({ exp: Math.floor(Date.now() / 1000) - 60 }))), 'BAD_TOKEN');
  assert.is((await get(await hub.token())).status, 200);
});

test('1:N: another impression of a seeded resident is a duplicate naming them first, with a masked NIK', async () => {
  const siti = DEFAULT_TEST_RESIDENTS[0]!;
  const rec = enrol(siti.otherImpressions.rightIndex, siti.otherImpressions.leftIndex);
  assert.is((await hub.postRecord(rec)).status, 201);
  const [n] = await hub.waitForCase(rec.caseRef);
  assert.is(n!.type, 'uniqueness_result');
  assert.is(n!.body.result, 'duplicate');
  assert.is(n!.body.candidates[0].identityId, siti.identityId);
  assert.is(n!.body.candidates[0].nikMasked, `${siti.nik.slice(0, 4)}**********${siti.nik.slice(14)}`);
  const scores = n!.body.candidates.map((c: { score: number }) => c.score);
  assert.equal(scores, [...scores].sort((a: number, b: number) => b - a), 'best first');
});

test('1:N: an unseeded finger is single and joins the gallery; another impression of it is then a duplicate', async () => {
  const before = await dc.stats();
  const fresh = enrol(['DB2_B', '107_1'], ['DB2_B', '108_1']);
  await hub.postRecord(fresh);
  const [first] = await hub.waitForCase(fresh.caseRef);
  assert.equal(first!.body, { result: 'single' });
  assert.is((await dc.stats()).effects.galleryIdentities, before.effects.galleryIdentities + 1);
  const again = enrol(['DB2_B', '107_3']);
  await hub.postRecord(again);
  const [second] = await hub.waitForCase(again.caseRef);
  assert.is(second!.body.result, 'duplicate', 'the new identity is in the gallery now');
  assert.is(second!.body.candidates[0].identityId, `ID-${fresh.recordId.slice(0, 8)}`);
});

test('a batch: each record stored once with its own result; a bad record refuses only itself', async () => {
  const good = enrol(['DB3_B', '101_1']);
  const bad = { ...enrol(['DB3_B', '102_1']), body: { nik: '1' } };
  const known = enrol(['DB3_B', '103_1']);
  await hub.postRecord(known);
  const batchId = randomUUID();
  const packet = await hub.seal({ batchId, hubId: hub.hubId, records: [good, bad, known] });
  const r = await hub.postPacket('/v1/record-batches', packet, batchId);
  assert.is(r.status, 200);
  const [a, b, c] = r.body.results;
  assert.equal([a.recordId, b.recordId, c.recordId], [good.recordId, bad.recordId, known.recordId]);
  assert.is(a.duplicate, false);
  assert.is(b.error.code, 'INVALID_RECORD');
  assert.is(c.duplicate, true, 'already stored by the single post');
  assert.is(code(await hub.postPacket('/v1/record-batches', packet, randomUUID())), 'KEY_MISMATCH');
});

test('notifications page with after and limit, seq ascending, only this hub', async () => {
  const all = await hub.notifications(0, 500);
  assert.ok(all.notifications.length >= 3);
  const page1 = await hub.notifications(0, 2);
  assert.is(page1.notifications.length, 2);
  assert.is(page1.lastSeq, page1.notifications[1]!.seq);
  const page2 = await hub.notifications(page1.lastSeq, 500);
  assert.ok(page2.notifications.every((n) => n.seq > page1.lastSeq));
  assert.equal([...page1.notifications, ...page2.notifications].map((n) => n.seq), all.notifications.map((n) => n.seq));
  const seqs = all.notifications.map((n) => n.seq);
  assert.equal(seqs, [...seqs].sort((a, b) => a - b));
  const end = await hub.notifications(all.lastSeq);
  assert.equal(end, { notifications: [], lastSeq: all.lastSeq }, 'nothing new: lastSeq stays');
  const other = await TestHubClient.create(dc.url, dc.caCertPem, 'hub-uji-2');
  try {
    await other.register(BOOT);
    assert.is((await other.notifications(0)).notifications.length, 0, "another hub sees none of this hub's notifications");
  } finally { other.close(); }
});

test('a restart keeps the certificate, the keys, the hubs and the records; pending jobs are resumed', async () => {
  const cert = dc.caCertPem;
  const keys = (await hub.call('GET', '/v1/keys')).body;
  await dc.close();
  dc = await startDc(60_000);
  hub = hub.withUrl(dc.url);
  const rec = enrol(['DB3_B', '104_1']);
  assert.is((await hub.postRecord(rec)).status, 201);
  assert.is((await hub.notifications(0, 500)).notifications.filter((n) => n.caseRef === rec.caseRef).length, 0, 'not answered before the restart');
  await dc.close();
  dc = await startDc();
  hub = hub.withUrl(dc.url);
  assert.is(dc.caCertPem, cert, 'the pinned certificate survives');
  assert.equal((await hub.call('GET', '/v1/keys')).body, keys);
  assert.is((await hub.postRecord(rec)).body.duplicate, true, 'the record survived');
  const [n] = await hub.waitForCase(rec.caseRef);
  assert.equal(n!.body, { result: 'single' });
});

test('card_ready (opt-in) follows a single result', async () => {
  const d2 = await startReferenceDc({ dataDir: join(dir, 'dc-cards'), port: 0, bootstrapToken: BOOT, adminToken: ADMIN, resultDelayMs: 20, cardReadyAfterMs: 20, seedGallery: false });
  const h2 = await TestHubClient.create(d2.url, d2.caCertPem, 'hub-uji-3');
  try {
    await h2.register(BOOT);
    const rec = enrolmentRecord(h2.hubId, DATA, ['DB4_B', '101_1']);
    await h2.postRecord(rec);
    const ns = await h2.waitForCase(rec.caseRef, (x) => x.length === 2);
    assert.equal(ns.map((n) => n.type), ['uniqueness_result', 'card_ready']);
    assert.match(ns[1]!.body.cardSerial, /^[0-9A-F]{16}$/);
  } finally {
    h2.close();
    await d2.close();
  }
});

test('without the seed records the DC starts with an empty gallery and serves; it seeds on a later start', async () => {
  const data = join(dir, 'dc-unseeded');
  const saved = process.env.KTP_DATASETS;
  process.env.KTP_DATASETS = join(dir, 'no-datasets-here');
  let bare: ReferenceDc | undefined;
  try {
    bare = await startReferenceDc({ dataDir: data, port: 0, bootstrapToken: BOOT, adminToken: ADMIN });
    assert.is((await bare.stats()).effects.galleryIdentities, 0);
    const client = await TestHubClient.create(bare.url, bare.caCertPem, 'hub-uji-unseeded');
    try { assert.equal((await client.call('GET', '/v1/health')).body, { status: 'ok' }); } finally { client.close(); }
  } finally {
    await bare?.close();
    if (saved === undefined) delete process.env.KTP_DATASETS; else process.env.KTP_DATASETS = saved;
  }
  const seeded = await startReferenceDc({ dataDir: data, port: 0, bootstrapToken: BOOT, adminToken: ADMIN });
  try {
    assert.is((await seeded.stats()).effects.galleryIdentities, DEFAULT_TEST_RESIDENTS.length);
  } finally {
    await seeded.close();
  }
});

test.run();
