/** PcscTransport's reconnect logic against a fake pcsclite (no pcscd), ATR capabilities, SFI fallback. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import {
  CardDriver, CardSession, InProcessTransport, PcscTransport, VirtualCard, buildAtr, parseCapabilities, historicalBytes, createTestCardSet, fromHex, hex,
} from '../../devices/card/index.ts';
import type { TransportEvent } from '../../devices/card/index.ts';

class FakeReader extends EventEmitter {
  SCARD_SHARE_SHARED = 2; SCARD_PROTOCOL_T0 = 1; SCARD_PROTOCOL_T1 = 2; SCARD_STATE_PRESENT = 0x20; SCARD_STATE_MUTE = 0x200; SCARD_LEAVE_CARD = 0;
  state = 0; connected = false; closed = false;
  constructor(readonly name: string) { super(); }
  connect() {} disconnect() {} transmit() {}
  close() { this.closed = true; }
}
class FakeContext extends EventEmitter { closed = false; close() { this.closed = true; } }

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await new Promise((r) => setTimeout(r, 5)); }
}

test('ATR advertises extended length in the card capabilities; parsing is tolerant', () => {
  assert.is(parseCapabilities(buildAtr({ extendedLength: true })).extendedLength, true);
  assert.is(parseCapabilities(buildAtr({ extendedLength: false })).extendedLength, false);
  assert.is(hex(historicalBytes(buildAtr({ extendedLength: true }))!), '8073000040');
  for (const junk of ['', '3B', '3BFF', '3B8F01', '12345678']) assert.is(parseCapabilities(fromHex(junk)).extendedLength, false);
});

test('pcsc transport: pcscd down -> offline and retries with backoff; up -> online, readers and cards', async () => {
  let up = false;
  let attempts = 0;
  let ctx: FakeContext | undefined;
  const transport = new PcscTransport({
    minBackoffMs: 5, maxBackoffMs: 20,
    factory: (() => { attempts++; if (!up) throw new Error('SCardEstablishContext error: Service not available.(0x8010001D)'); ctx = new FakeContext(); return ctx; }) as never,
  });
  const events: TransportEvent[] = [];
  transport.start((e) => events.push(e));
  await until(() => attempts >= 3, 'retries');
  assert.is(transport.online(), false);
  up = true;
  await until(() => transport.online(), 'online');
  const reader = new FakeReader('Fake Reader 00');
  ctx!.emit('reader', reader);
  reader.emit('status', { state: 0x12 });
  reader.emit('status', { state: 0x22, atr: Buffer.from(buildAtr({ extendedLength: true })) });
  assert.equal(transport.readersWithCard(), ['Fake Reader 00']);
  // pcscd dies: the context errors; readers and the card are dropped, then it comes back.
  up = false;
  const before = attempts;
  ctx!.emit('error', new Error('SCardGetStatusChange error: Service was stopped.(0x8010001E)'));
  assert.is(transport.online(), false);
  assert.equal(transport.readers(), []);
  await until(() => attempts > before + 1, 'reconnect attempts');
  up = true;
  await until(() => transport.online(), 'back online');
  await until(() => reader.closed, 'the old reader closed');
  const types = events.map((e) => e.type);
  assert.equal(types.slice(0, 4), ['online', 'reader-added', 'card-inserted', 'card-removed']);
  assert.ok(types.includes('offline') && types.lastIndexOf('online') > types.indexOf('offline'));
  await transport.stop();
});

test('driver status follows the transport; a missing pcsclite would be status "error"', async () => {
  const transport = new PcscTransport({ factory: (() => { throw new Error('Service not available.(0x8010001D)'); }) as never, minBackoffMs: 1000 });
  const driver = new CardDriver(transport);
  driver.start();
  assert.is(driver.status, 'offline');
  const r = await driver.readCard({ trust: [] });
  assert.is(!r.ok && r.code, 'READER_OFFLINE');
  await driver.stop();
  const failing = new CardDriver({ ...new InProcessTransport(), kind: 'in-process', start: (l: (e: TransportEvent) => void) => l({ type: 'error', reason: 'pcsclite is not installed' }) } as never);
  failing.start();
  assert.is(failing.status, 'error');
});

test('reading without short file ids (SELECT + READ BINARY) gives the same card', async () => {
  const set = await createTestCardSet();
  const transport = new InProcessTransport();
  const driver = new CardDriver(transport, { shortFileIds: false });
  driver.start();
  const card = VirtualCard.personalised(set.good);
  transport.insert(card);
  const r = await driver.readCard({ trust: set.trust });
  assert.ok(r.ok);
  if (r.ok) { assert.equal(r.card.dg1, set.resident.biodata); assert.is(r.timings.apdus, 13); }
  assert.is(card.log.filter((i) => i === 0xa4).length, 7);
  // A card that refuses SFI addressing: the session falls back to SELECT by itself.
  const noSfi = VirtualCard.personalised(set.good);
  const session = new CardSession({ atr: noSfi.atr, transmit: async (a) => ({ ok: true, value: a[1] === 0xb0 && a[2]! & 0x80 ? fromHex('6A86') : noSfi.process(a) }) });
  assert.ok((await session.selectApplication(fromHex('A0000002471001'))).ok);
  const dg1 = await session.readTlvFile(0x0101, 1);
  assert.ok(dg1.ok);
  if (dg1.ok) assert.equal(dg1.value, set.good.dg1);
});

test.run();
