import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildCommand, parseCommand, parseResponse, statusToFailure, readBinary, selectAid, selectFile, updateBinary, KTP_AID,
  decodeTlv, decodeTlvList, decodeTlvHeader, decodeSingle, encodeTlv, hex, fromHex, buildFcp, parseFcp,
} from '../../devices/card/index.ts';

const b = (r: { ok: boolean; value?: Uint8Array }) => { assert.ok(r.ok); return hex(r.value!); };

test('case 1..4 short APDUs follow ISO 7816-4 length rules', () => {
  assert.is(b(buildCommand({ cla: 0, ins: 0x44, p1: 0, p2: 0 })), '00440000');
  assert.is(b(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 })), '00B0000000');
  assert.is(b(buildCommand({ cla: 0, ins: 0xb0, p1: 1, p2: 2, le: 0x20 })), '00B0010220');
  assert.is(b(buildCommand(selectAid(KTP_AID))), '00A4040C07A0000002471001');
  assert.is(b(buildCommand(selectFile(0x011e, { fcp: true }))), '00A4020402011E00');
});

test('extended APDUs: chosen for big data or Le, with the 00 marker and 2-byte fields', () => {
  assert.is(b(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 })), '00B00000000000');
  assert.is(b(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 })), '00B000000003E8');
  const data = new Uint8Array(300).fill(7);
  const cmd = buildCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data });
  assert.ok(cmd.ok);
  if (cmd.ok) { assert.is(cmd.value.length, 4 + 3 + 300); assert.is(hex(cmd.value.subarray(0, 7)), '00D60000' + '00012C'); }
  assert.is(b(buildCommand({ cla: 0, ins: 0xb1, p1: 0, p2: 0, data: Uint8Array.of(0x54, 2, 0x80, 0), le: 4096 })), '00B1000000000454028000' + '1000');
  assert.is(b(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 5, extended: true })), '00B00000000005');
});

test('invalid commands are refused, not built', () => {
  for (const c of [
    { cla: 0, ins: 0x61, p1: 0, p2: 0 },
    { cla: 0xff, ins: 0xa4, p1: 0, p2: 0 },
    { cla: 0, ins: 0xb0, p1: 256, p2: 0 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 0 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65537 },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(65536) },
  ]) {
    const r = buildCommand(c);
    assert.is(r.ok, false);
    if (!r.ok) assert.is(r.code, 'INVALID_COMMAND');
  }
});

test('parseCommand round-trips every case and refuses inconsistent lengths', () => {
  const cases = [
    { cla: 0, ins: 0x44, p1: 0, p2: 0 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 5, le: 256 },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: Uint8Array.of(1, 2, 3) },
    { cla: 0, ins: 0xa4, p1: 2, p2: 4, data: Uint8Array.of(1, 1), le: 12 },
    { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(400).fill(1) },
    { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(400).fill(2), le: 3000 },
  ];
  for (const c of cases) {
    const raw = buildCommand(c);
    assert.ok(raw.ok);
    if (!raw.ok) continue;
    const p = parseCommand(raw.value);
    assert.ok(p.ok, hex(raw.value));
    if (!p.ok) continue;
    assert.is(p.value.ins, c.ins);
    assert.is(hex(p.value.data), hex(c.data ?? new Uint8Array()));
    assert.is(p.value.le, c.le);
  }
  for (const bad of ['00B000', '00D6000005010203', '00D600000001', '00D6000000000201']) {
    const r = parseCommand(fromHex(bad));
    assert.is(r.ok, false, bad);
    if (!r.ok) assert.is(r.code, 'WRONG_LENGTH');
  }
});

test('response APDU: data and status word; too short refused', () => {
  const r = parseResponse(fromHex('0102039000'));
  assert.ok(r.ok);
  if (r.ok) { assert.is(hex(r.value.data), '010203'); assert.is(r.value.sw, 0x9000); }
  const e = parseResponse(fromHex('90'));
  assert.is(e.ok, false);
  if (!e.ok) assert.is(e.code, 'MALFORMED_RESPONSE');
});

test('status words become typed failures', () => {
  const code = (sw: number) => statusToFailure(sw)?.code ?? null;
  assert.is(code(0x9000), null);
  assert.is(code(0x6282), null);
  assert.is(code(0x6a82), 'FILE_NOT_FOUND');
  assert.is(code(0x6982), 'SECURITY_STATUS');
  assert.is(code(0x6700), 'WRONG_LENGTH');
  assert.is(code(0x6b00), 'WRONG_OFFSET');
  assert.is(code(0x6a86), 'WRONG_P1P2');
  assert.is(code(0x6a89), 'FILE_EXISTS');
  assert.is(code(0x6d00), 'INS_NOT_SUPPORTED');
  assert.is(code(0x6c10), 'WRONG_LENGTH');
  assert.is(code(0x6110), 'MALFORMED_RESPONSE');
  assert.is(code(0x6581), 'CARD_ERROR');
  assert.is(statusToFailure(0x6a82)?.sw, 0x6a82);
});

test('READ/UPDATE BINARY switch to odd INS with offset object 54 past 32767', () => {
  assert.equal(readBinary(0x7fff, 16), { cla: 0, ins: 0xb0, p1: 0x7f, p2: 0xff, le: 16 });
  const far = readBinary(0x8000, 16);
  assert.is(far.ins, 0xb1);
  assert.is(hex(far.data!), '54028000');
  const up = updateBinary(0x10000, Uint8Array.of(9, 9));
  assert.is(up.ins, 0xd7);
  assert.is(hex(up.data!), '5403010000' + '53020909');
});

test('BER-TLV: multi-byte tags, long lengths, round trip', () => {
  const big = new Uint8Array(70000).fill(0xab);
  for (const [tag, v] of [[0x61, Uint8Array.of(1)], [0x5f1f, new Uint8Array(200)], [0x7f8101, big], [0x04, new Uint8Array(0)]] as const) {
    const enc = encodeTlv(tag, v);
    const d = decodeSingle(enc, tag);
    assert.ok(d.ok);
    if (d.ok) { assert.is(d.value.value.length, v.length); }
  }
  assert.is(hex(encodeTlv(0x5f2e, new Uint8Array(0x100)).subarray(0, 5)), '5F2E820100');
  const h = decodeTlvHeader(fromHex('75825000'));
  assert.ok(h.ok);
  if (h.ok) { assert.is(h.value.tag, 0x75); assert.is(h.value.valueLength, 0x5000); }
  const list = decodeTlvList(fromHex('8001018102AABB'));
  assert.ok(list.ok);
  if (list.ok) assert.is(list.value.length, 2);
});

test('BER-TLV: malformed input is refused with MALFORMED_TLV, never thrown', () => {
  for (const bad of ['', '61', '6105010203', '5F', '5F9F9F0100', '6180', '618401000000', '61820100', '00', '6101AA01']) {
    const r = bad === '6101AA01' ? decodeSingle(fromHex(bad), 0x61) : decodeTlv(fromHex(bad));
    assert.is(r.ok, false, bad);
    if (!r.ok) assert.is(r.code, 'MALFORMED_TLV');
  }
  const wrongTag = decodeSingle(fromHex('620100'), 0x61);
  assert.is(wrongTag.ok, false);
});

test('FCP: EF and DF templates round trip; reserved ids and bad descriptors refused', () => {
  const ef = parseFcp(buildFcp({ kind: 'ef', fid: 0x0102, size: 20500 }));
  assert.equal(ef, { ok: true, value: { kind: 'ef', fid: 0x0102, size: 20500 } });
  const df = parseFcp(buildFcp({ kind: 'df', fid: 0x4b01, aid: KTP_AID }));
  assert.ok(df.ok && df.value.kind === 'df' && hex(df.value.aid!) === hex(KTP_AID));
  const mf = parseFcp(buildFcp({ kind: 'ef', fid: 0x3f00, size: 1 }));
  assert.is(mf.ok, false);
  const weird = parseFcp(fromHex('6206820107830101'));
  assert.is(weird.ok, false);
  const junk = parseFcp(fromHex('62FF'));
  assert.is(junk.ok, false);
});

test.run();
