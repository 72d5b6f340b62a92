/** The driver over the in-process transport: the path `npm start` takes on a machine without pcscd. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CardDriver, CardSession, InProcessTransport, VirtualCard, createTestCardSet, buildResponse, encodeTlv, fromHex, hex, buildCommand, updateBinary,
} from '../../devices/card/index.ts';
import type { CardDriverEvent, TestCardSet } from '../../devices/card/index.ts';

let set: TestCardSet;
test.before(async () => { set = await createTestCardSet(); });

function rig() {
  const transport = new InProcessTransport();
  const driver = new CardDriver(transport);
  const events: CardDriverEvent[] = [];
  driver.on('event', (e) => events.push(e));
  driver.start();
  return { transport, driver, events };
}

test('reads a good card end to end: biodata, images, templates, SOD verified', async () => {
  const { transport, driver, events } = rig();
  assert.is(driver.status, 'online');
  transport.insert(VirtualCard.personalised(set.good));
  assert.ok(events.some((e) => e.type === 'card' && e.present));
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok, r.ok ? '' : `${r.code} ${r.message}`);
  if (!r.ok) return;
  assert.equal(r.card.dg1, set.resident.biodata);
  assert.equal(r.card.faceImage.bytes, set.resident.face.bytes);
  assert.equal(r.card.fingerprints.rightIndex, set.resident.fingerprints.rightIndex);
  assert.equal(r.card.fingerprints.leftIndex, set.resident.fingerprints.leftIndex);
  assert.equal(r.card.signatureImage.bytes, set.resident.signature.bytes);
  assert.is(r.card.sod.valid, true);
  assert.match(r.card.sod.signerSubject, /Document Signer/);
  assert.ok(r.timings.apdus > 6);
  assert.is(driver.status, 'online');
  assert.ok(events.some((e) => e.type === 'status' && e.status === 'busy'));
});

test('tampered cards are refused with the specific reason', async () => {
  const { transport, driver } = rig();
  const cases: Array<[keyof TestCardSet['tampered'], string, number | undefined]> = [
    ['changedDg', 'DG_HASH_MISMATCH', 1],
    ['badSignature', 'SOD_SIGNATURE_INVALID', undefined],
    ['unknownCa', 'UNTRUSTED_SIGNER', undefined],
    ['truncated', 'FILE_TRUNCATED', 2],
  ];
  for (const [variant, code, dg] of cases) {
    transport.insert(VirtualCard.personalised(set.tampered[variant]));
    const r = await driver.readCard({ trust: set.trust });
    assert.is(r.ok, false, variant);
    if (!r.ok) { assert.is(r.code, code, variant); assert.is(r.dg, dg, variant); }
  }
});

test('no card, no KTP-el application', async () => {
  const { transport, driver } = rig();
  const none = await driver.readCard({ trust: set.trust });
  assert.is(!none.ok && none.code, 'NO_CARD');
  transport.insert(VirtualCard.blank());
  const blank = await driver.readCard({ trust: set.trust });
  assert.is(!blank.ok && blank.code, 'FILE_NOT_FOUND');
});

test('card removed mid-read gives CARD_REMOVED; the re-inserted card then reads', async () => {
  const { transport, driver, events } = rig();
  const card = VirtualCard.personalised(set.good, { removeAfterApdus: 5 });
  transport.insert(card);
  const r = await driver.readCard({ trust: set.trust });
  assert.is(!r.ok && r.code, 'CARD_REMOVED');
  assert.ok(events.some((e) => e.type === 'card' && !e.present));
  assert.is(driver.cardPresent(), false);
  card.behaviour = {};
  transport.insert(card);
  const again = await driver.readCard({ trust: set.trust });
  assert.ok(again.ok);
});

test('reader unplugged: offline, READER_OFFLINE; replugged: online and reads again', async () => {
  const { transport, driver, events } = rig();
  transport.insert(VirtualCard.personalised(set.good));
  transport.unplug();
  assert.is(driver.status, 'offline');
  const r = await driver.readCard({ trust: set.trust });
  assert.is(!r.ok && r.code, 'READER_OFFLINE');
  transport.plug();
  assert.is(driver.status, 'online');
  assert.ok(events.some((e) => e.type === 'reader' && e.present === false));
  const again = await driver.readCard({ trust: set.trust });
  assert.ok(again.ok);
});

test('a second caller gets BUSY at once while a read is in progress', async () => {
  const { transport, driver } = rig();
  transport.insert(VirtualCard.personalised(set.good, { delayMs: 2 }));
  const first = driver.readCard({ trust: set.trust });
  assert.is(driver.status, 'busy');
  const second = await driver.readCard({ trust: set.trust });
  assert.is(!second.ok && second.code, 'BUSY');
  const third = await driver.personalize(set.good);
  assert.is(!third.ok && third.code, 'BUSY');
  assert.ok((await first).ok);
  assert.is(driver.status, 'online');
});

test('personalise a blank card with the write commands, read it back, then it is read-only', async () => {
  const { transport, driver } = rig();
  const blank = VirtualCard.blank();
  transport.insert(blank);
  const p = await driver.personalize(set.good);
  assert.ok(p.ok, p.ok ? '' : `${p.code} ${p.message}`);
  assert.is(blank.state, 'operational');
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.card.dg1, set.resident.biodata);
  const again = await driver.personalize(set.good);
  assert.is(!again.ok && again.code, 'CARD_NOT_BLANK');
  const write = buildCommand(updateBinary(0, Uint8Array.of(1)));
  assert.ok(write.ok);
  if (write.ok) assert.is(hex(blank.process(write.value)), '6982');
});

test('personalise refuses contents whose data groups do not decode, before writing', async () => {
  const { transport, driver } = rig();
  const blank = VirtualCard.blank();
  transport.insert(blank);
  const r = await driver.personalize({ ...set.good, dg3: set.good.dg3.subarray(0, 50) });
  assert.is(!r.ok && r.code, 'INVALID_CONTENTS');
  assert.is(blank.state, 'creation');
  const p = await driver.personalize(set.good);
  assert.ok(p.ok);
});

test('a card without extended length is read in 256-byte chunks and personalised in short APDUs', async () => {
  const { transport, driver } = rig();
  const blank = VirtualCard.blank({ extendedLength: false });
  transport.insert(blank);
  assert.ok((await driver.personalize(set.good)).ok);
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok);
  if (r.ok) assert.ok(r.timings.apdus > 80, `${r.timings.apdus} APDUs`);
});

test('files past 32 KiB are read with odd-INS READ BINARY (offset object 54)', async () => {
  const big = new Uint8Array(70_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  const file = encodeTlv(0x75, big);
  const card = VirtualCard.blank();
  const session = new CardSession({ atr: card.atr, transmit: async (a) => ({ ok: true, value: card.process(a) }) });
  await session.createDf(0x4b01, fromHex('A0000002471001'));
  assert.ok((await session.writeEf(0x0102, file)).ok);
  const read = await session.readTlvFile(0x0102, 2);
  assert.ok(read.ok);
  if (read.ok) assert.equal(read.value, file);
  assert.ok(card.log.includes(0xb1));
  assert.ok(card.log.includes(0xd7));
});

test('session follows 61xx (GET RESPONSE) and 6Cxx (retry with the right Le)', async () => {
  const sent: string[] = [];
  const answers = [fromHex('6C05'), fromHex('AABB6103'), fromHex('CCDDEE9000')];
  const session = new CardSession({ atr: fromHex('3B00'), transmit: async (a) => { sent.push(hex(a)); return { ok: true, value: answers.shift()! }; } });
  const r = await session.command({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 });
  assert.ok(r.ok);
  if (r.ok) assert.is(hex(r.value.data), 'AABBCCDDEE');
  assert.equal(sent, ['00B0000000', '00B0000005', '00C0000003']);
  const err = new CardSession({ atr: fromHex('3B00'), transmit: async () => ({ ok: true, value: buildResponse(new Uint8Array(0), 0x6a82) }) });
  const nf = await err.selectEf(0x0101);
  assert.is(!nf.ok && nf.code, 'FILE_NOT_FOUND');
});

test.run();
