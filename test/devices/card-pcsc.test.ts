/**
 * The driver through real pcscd + the vsmartcard vpcd reader, with our TypeScript card on the
 * other end of vpcd's socket. Starts pcscd itself (test/support/pcscd.ts) unless one is running.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CardDriver, PcscTransport, VirtualCard, VpcdCard, createTestCardSet } from '../../devices/card/index.ts';
import type { CardDriverEvent, CardFiles, TestCardSet, VirtualCardOptions } from '../../devices/card/index.ts';
import { requirePcscParts, startPcscd } from '../support/pcscd.ts';
import type { Pcscd } from '../support/pcscd.ts';

let pcscd: Pcscd;
let set: TestCardSet;
let driver: CardDriver;
const events: CardDriverEvent[] = [];
const inserted: VpcdCard[] = [];

async function waitUntil(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function insert(card: VirtualCard, opts: { stayInserted?: boolean } = {}): Promise<VpcdCard> {
  // A new card only after pcscd has seen the previous one leave.
  await waitUntil(() => !driver.cardPresent(), 'the reader to be empty');
  const v = new VpcdCard(card, { port: pcscd.vpcdPort(0), ...opts });
  await v.insert();
  inserted.push(v);
  await waitUntil(() => driver.cardPresent(), 'pcscd to see the card');
  return v;
}

async function remove(v: VpcdCard): Promise<void> {
  await v.remove();
  await waitUntil(() => !driver.cardPresent(), 'pcscd to see the card leave');
}

const withCard = async (files: CardFiles, opts: VirtualCardOptions = {}) => insert(VirtualCard.personalised(files, opts));

test.before(async () => {
  requirePcscParts();
  pcscd = await startPcscd();
  set = await createTestCardSet();
  driver = new CardDriver(new PcscTransport({ minBackoffMs: 100, maxBackoffMs: 1000 }), { readerFilter: pcscd.readerName(0) });
  driver.on('event', (e) => events.push(e));
  driver.start();
  await waitUntil(() => driver.status === 'online' && driver.readers().length > 0, 'the vpcd reader');
});

test.after(async () => {
  for (const v of inserted) await v.remove();
  await driver?.stop();
  await pcscd?.stop();
});

test('reads a good card through pcscd: data and passive authentication', async () => {
  assert.ok(driver.readers().includes(pcscd.readerName(0)));
  const v = await withCard(set.good);
  assert.ok(events.some((e) => e.type === 'card' && e.present));
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  if (r.ok) {
    assert.equal(r.card.dg1, set.resident.biodata);
    assert.equal(r.card.faceImage.bytes, set.resident.face.bytes);
    assert.ok(r.card.faceImage.bytes.length > 15_000);
    assert.equal(r.card.fingerprints.rightIndex, set.resident.fingerprints.rightIndex);
    assert.equal(r.card.fingerprints.leftIndex, set.resident.fingerprints.leftIndex);
    assert.equal(r.card.signatureImage.bytes, set.resident.signature.bytes);
    assert.is(r.card.sod.valid, true);
    assert.is(r.card.sod.issuerSubject, set.pki.csca.cert.subject);
    assert.is(r.card.reader, pcscd.readerName(0));
  }
  await remove(v);
  assert.ok(events.some((e) => e.type === 'card' && !e.present));
});

test('tampered cards are refused with the right reason', async () => {
  const cases: Array<[keyof TestCardSet['tampered'], string, number | undefined]> = [
    ['changedDg', 'DG_HASH_MISMATCH', 1],
    ['badSignature', 'SOD_SIGNATURE_INVALID', undefined],
    ['unknownCa', 'UNTRUSTED_SIGNER', undefined],
    ['truncated', 'FILE_TRUNCATED', 2],
  ];
  for (const [variant, code, dg] of cases) {
    const v = await withCard(set.tampered[variant]);
    const r = await driver.readCard({ trust: set.trust });
    assert.is(r.ok, false, variant);
    if (!r.ok) { assert.is(r.code, code, `${variant}: ${r.message}`); assert.is(r.dg, dg, variant); }
    await remove(v);
  }
});

test('card removed mid-read: CARD_REMOVED, then the re-inserted card reads', async () => {
  const card = VirtualCard.personalised(set.good, { removeAfterApdus: 4 });
  await insert(card);
  const r = await driver.readCard({ trust: set.trust });
  assert.is(!r.ok && r.code, 'CARD_REMOVED', r.ok ? '' : r.message);
  await waitUntil(() => !driver.cardPresent(), 'the removal to be seen');
  assert.is(driver.status, 'online');
  card.behaviour = {};
  const v = await insert(card);
  const again = await driver.readCard({ trust: set.trust });
  assert.ok(again.ok, again.ok ? '' : `${again.code}: ${again.message}`);
  await remove(v);
});

test('unplug and replug of the virtual card: events follow and the driver reads again', async () => {
  const card = VirtualCard.personalised(set.good);
  const v = await insert(card);
  const before = events.length;
  await remove(v);
  await v.insert();
  await waitUntil(() => driver.cardPresent(), 'the card to be back');
  const seen = events.slice(before).filter((e) => e.type === 'card').map((e) => (e as { present: boolean }).present);
  assert.equal(seen, [false, true]);
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok);
  await remove(v);
});

test('a concurrent read gets BUSY at once', async () => {
  const v = await withCard(set.good, { delayMs: 5 });
  const first = driver.readCard({ trust: set.trust });
  const second = await driver.readCard({ trust: set.trust });
  assert.is(!second.ok && second.code, 'BUSY');
  assert.ok((await first).ok);
  await remove(v);
});

test('personalise a blank card through the write commands, then read it back and verify it', async () => {
  const blank = VirtualCard.blank();
  const v = await insert(blank);
  const p = await driver.personalize(set.good);
  assert.ok(p.ok, p.ok ? '' : `${p.code}: ${p.message}`);
  assert.is(blank.state, 'operational');
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  if (r.ok) assert.equal(r.card.dg1, set.resident.biodata);
  const twice = await driver.personalize(set.good);
  assert.is(!twice.ok && twice.code, 'CARD_NOT_BLANK');
  await remove(v);
});

test('pcscd restarted: the driver goes offline, comes back online by itself and reads', async () => {
  const v = await insert(VirtualCard.personalised(set.good), { stayInserted: true });
  const before = events.length;
  await pcscd.kill();
  await waitUntil(() => driver.status === 'offline', 'the driver to notice pcscd is gone');
  const offline = await driver.readCard({ trust: set.trust });
  assert.is(!offline.ok && offline.code, 'READER_OFFLINE');
  await pcscd.start();
  await waitUntil(() => driver.status === 'online' && driver.cardPresent(), 'the driver to reconnect and see the card');
  const statuses = events.slice(before).filter((e) => e.type === 'status').map((e) => (e as { status: string }).status);
  assert.ok(statuses.includes('offline') && statuses.includes('online'), statuses.join(','));
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  await remove(v);
});

test.run();
