import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeR30xPacket, FVC2002_DPI, packScannerImage, parseR30xAck, parseR30xSystemParameters, R30xDecoder, R30X_PID,
  r30xInstructions, readGrayTiff, SCANNER_IMAGE_BYTES, tiffToScannerImage, unpackScannerImage, encodeR30xSystemParameters,
} from '../../devices/index.ts';

const datasets = process.env.KTP_DATASETS ?? join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'datasets');

test('GenImg instruction has the documented bytes', () => {
  assert.equal(Array.from(r30xInstructions.genImg()), [0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x03, 0x01, 0x00, 0x05]);
});

test('packets round-trip, split at any byte', () => {
  const pkt = encodeR30xPacket({ address: 0xffffffff, pid: R30X_PID.DATA, payload: Uint8Array.from({ length: 128 }, (_, i) => i) });
  for (const cut of [1, 2, 5, 9, 60, pkt.length - 1]) {
    const d = new R30xDecoder();
    const ev = [...d.push(pkt.subarray(0, cut)), ...d.push(pkt.subarray(cut))];
    assert.equal(ev.length, 1);
    assert.ok(ev[0]!.ok && ev[0]!.packet.payload.length === 128 && ev[0]!.packet.payload[127] === 127);
  }
});

test('malformed packets are refused with specific errors and the next good packet is found', () => {
  const good = encodeR30xPacket({ address: 0xffffffff, pid: R30X_PID.ACK, payload: Uint8Array.of(0) });
  const badSum = new Uint8Array(good); badSum[badSum.length - 1]! ^= 1;
  const badPid = new Uint8Array(good); badPid[6] = 0x05;
  const badLen = new Uint8Array(good); badLen[7] = 0x7f;
  const wrongAddr = encodeR30xPacket({ address: 0x12345678, pid: R30X_PID.ACK, payload: Uint8Array.of(0) });
  const cases: [string, Uint8Array][] = [
    ['BAD_CHECKSUM', badSum], ['BAD_PACKET_ID', badPid], ['BAD_LENGTH', badLen], ['GARBAGE', Uint8Array.of(1, 2, 0xef, 3)],
    ['WRONG_ADDRESS', wrongAddr],
  ];
  for (const [code, bad] of cases) {
    const d = new R30xDecoder(0xffffffff);
    const ev = d.push(Uint8Array.from([...bad, ...good]));
    const errors = ev.filter((e) => !e.ok).map((e) => (!e.ok ? e.error.code : ''));
    assert.ok(errors.includes(code as never), `${code} in ${errors}`);
    const packets = ev.filter((e) => e.ok);
    assert.equal(packets.length, 1, `resynchronised after ${code}`);
  }
  const d = new R30xDecoder();
  d.push(good.subarray(0, 8));
  const t = d.end();
  assert.ok(!t[0]!.ok && t[0]!.error.code === 'TRUNCATED');
});

test('acknowledgements and system parameters parse to typed values', () => {
  const ack = parseR30xAck({ address: 0, pid: R30X_PID.ACK, payload: Uint8Array.of(0x02) });
  assert.ok(ack.ok && ack.ack.name === 'NO_FINGER');
  assert.equal(parseR30xAck({ address: 0, pid: R30X_PID.DATA, payload: Uint8Array.of(0) }).ok, false);
  const params = { statusRegister: 0, systemId: 9, librarySize: 300, securityLevel: 3, address: 0xffffffff, packetSize: 128, baudRate: 57600 };
  const p = parseR30xSystemParameters(encodeR30xSystemParameters(params));
  assert.ok(p.ok);
  if (p.ok) assert.equal(p.params, params);
  assert.equal(parseR30xSystemParameters(new Uint8Array(5)).ok, false);
});

test('4-bit packing keeps high nibble first', () => {
  const gray = new Uint8Array(256 * 288);
  gray[0] = 255; gray[1] = 0; gray[2] = 136;
  const packed = packScannerImage(gray);
  assert.equal(packed.length, SCANNER_IMAGE_BYTES);
  assert.equal(packed[0], 0xf0);
  assert.equal(packed[1]! >> 4, 8);
  assert.equal(unpackScannerImage(packed)[0], 255);
});

test('dataset TIFFs of every size become a 256x288 scanner image centred on the print', () => {
  for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
    const tif = readFileSync(join(datasets, 'fvc2002', db, '101_1.tif'));
    const src = readGrayTiff(tif);
    assert.ok(src.ok, db);
    const r = tiffToScannerImage(tif, { sourceDpi: FVC2002_DPI[db] });
    assert.ok(r.ok, db);
    if (!r.ok) continue;
    assert.equal(r.image.length, SCANNER_IMAGE_BYTES);
    const gray = unpackScannerImage(r.image);
    // The ridge area sits in the window: the centre region is not blank.
    let dark = 0;
    for (let y = 104; y < 184; y++) for (let x = 88; x < 168; x++) if (gray[y * 256 + x]! < 128) dark++;
    assert.ok(dark > 300, `${db}: ${dark} dark pixels near the centre`);
  }
});

test('malformed TIFFs are refused with a reason, never a throw', () => {
  const tif = readFileSync(join(datasets, 'fvc2002', 'DB3_B', '101_1.tif'));
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(4), 'TRUNCATED'],
    [Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'NOT_TIFF'],
    [tif.subarray(0, 5000), 'TRUNCATED'],
    [tif.subarray(0, 100), 'TRUNCATED'],
  ];
  for (const [bytes, code] of cases) {
    const r = readGrayTiff(bytes);
    assert.ok(!r.ok && r.error.code === code, `${code}: ${!r.ok ? r.error.code + ' ' + r.error.message : 'ok'}`);
  }
  const compressed = new Uint8Array(tif);
  // Compression tag (259) is the 5th entry: value at IFD(8) + 2 + 4*12 + 8
  compressed[8 + 2 + 4 * 12 + 8] = 5;
  const r = readGrayTiff(compressed);
  assert.ok(!r.ok && r.error.code === 'UNSUPPORTED');
});

test.run();
