/**
 * R30x / AS608 / ZFM-20 UART packet codec (pure).
 *   EF 01 | address (4) | packet id (1) | length (2) | payload | checksum (2), big-endian;
 *   length = payload + 2; checksum = low 16 bits of pid + both length bytes + payload bytes.
 * R30xDecoder is streaming: push bytes, get packets and errors. On any malformed packet it skips
 * one byte and looks for the next `EF 01`, so one bad packet costs only itself.
 */

export const PID = { COMMAND: 0x01, DATA: 0x02, ACK: 0x07, END_DATA: 0x08 } as const;
export const DEFAULT_ADDRESS = 0xffffffff;
/** the largest payload we accept: data packets are at most 256 bytes on every module setting */
export const MAX_PAYLOAD = 256;

export const INSTRUCTION = {
  GenImg: 0x01, Img2Tz: 0x02, Match: 0x03, Search: 0x04, RegModel: 0x05, Store: 0x06, LoadChar: 0x07,
  UpChar: 0x08, UpImage: 0x0a, DownImage: 0x0b, DeleteChar: 0x0c, Empty: 0x0d, SetSysPara: 0x0e,
  ReadSysPara: 0x0f, SetPwd: 0x12, VfyPwd: 0x13, TemplateNum: 0x1d,
} as const;

export interface R30xPacket {
  address: number;
  pid: number;
  payload: Uint8Array;
}

export type R30xErrorCode = 'GARBAGE' | 'BAD_PACKET_ID' | 'BAD_LENGTH' | 'BAD_CHECKSUM' | 'WRONG_ADDRESS' | 'TRUNCATED';

export interface R30xError {
  code: R30xErrorCode;
  message: string;
}

export type R30xEvent = { ok: true; packet: R30xPacket } | { ok: false; error: R30xError };

function checksum(pid: number, len: number, payload: Uint8Array): number {
  let sum = pid + (len >> 8) + (len & 0xff);
  for (const b of payload) sum += b;
  return sum & 0xffff;
}

export function encodePacket(p: R30xPacket): Uint8Array {
  if (p.payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${p.payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const len = p.payload.length + 2;
  const out = new Uint8Array(9 + len);
  out[0] = 0xef; out[1] = 0x01;
  out[2] = (p.address >>> 24) & 0xff; out[3] = (p.address >>> 16) & 0xff; out[4] = (p.address >>> 8) & 0xff; out[5] = p.address & 0xff;
  out[6] = p.pid;
  out[7] = len >> 8; out[8] = len & 0xff;
  out.set(p.payload, 9);
  const sum = checksum(p.pid, len, p.payload);
  out[9 + p.payload.length] = sum >> 8;
  out[10 + p.payload.length] = sum & 0xff;
  return out;
}

export class R30xDecoder {
  private buf = new Uint8Array(0);

  /** `address`: packets for another address are refused (undefined accepts any) */
  constructor(private readonly address: number | undefined = undefined) {}

  push(bytes: Uint8Array): R30xEvent[] {
    const b = new Uint8Array(this.buf.length + bytes.length);
    b.set(this.buf);
    b.set(bytes, this.buf.length);
    const out: R30xEvent[] = [];
    let i = 0;
    let garbage = 0;
    const flushGarbage = () => {
      if (garbage > 0) out.push({ ok: false, error: { code: 'GARBAGE', message: `skipped ${garbage} bytes before a packet header` } });
      garbage = 0;
    };
    while (i < b.length) {
      if (b[i] !== 0xef) { garbage++; i++; continue; }
      if (i + 1 >= b.length) break;
      if (b[i + 1] !== 0x01) { garbage++; i++; continue; }
      if (i + 9 > b.length) break;
      const address = ((b[i + 2]! << 24) | (b[i + 3]! << 16) | (b[i + 4]! << 8) | b[i + 5]!) >>> 0;
      const pid = b[i + 6]!;
      const len = (b[i + 7]! << 8) | b[i + 8]!;
      const fail = (code: R30xErrorCode, message: string) => {
        flushGarbage();
        out.push({ ok: false, error: { code, message } });
        i += 1; // resynchronise: search the next header from the byte after this one
      };
      if (pid !== PID.COMMAND && pid !== PID.DATA && pid !== PID.ACK && pid !== PID.END_DATA) { fail('BAD_PACKET_ID', `unknown packet id ${pid.toString(16)}`); continue; }
      if (len < 2 || len > MAX_PAYLOAD + 2) { fail('BAD_LENGTH', `packet length ${len} out of range`); continue; }
      if (i + 9 + len > b.length) break;
      const payload = b.slice(i + 9, i + 7 + len);
      const got = (b[i + 7 + len]! << 8) | b[i + 8 + len]!;
      const want = checksum(pid, len, payload);
      if (got !== want) { fail('BAD_CHECKSUM', `checksum ${got.toString(16)} != ${want.toString(16)} (pid ${pid})`); continue; }
      if (this.address !== undefined && address !== this.address) {
        flushGarbage();
        out.push({ ok: false, error: { code: 'WRONG_ADDRESS', message: `packet for address ${address.toString(16)}` } });
        i += 9 + len;
        continue;
      }
      flushGarbage();
      out.push({ ok: true, packet: { address, pid, payload } });
      i += 9 + len;
    }
    flushGarbage();
    this.buf = b.slice(i);
    return out;
  }

  get pending(): boolean {
    return this.buf.length > 0;
  }

  /** the stream stopped: a started packet is reported as truncated */
  end(): R30xEvent[] {
    if (this.buf.length === 0) return [];
    const n = this.buf.length;
    this.buf = new Uint8Array(0);
    return [{ ok: false, error: { code: 'TRUNCATED', message: `stream ended inside a packet (${n} bytes)` } }];
  }
}

// ---- instructions (host -> module) ----

export function command(instruction: number, params: Uint8Array | number[] = [], address = DEFAULT_ADDRESS): Uint8Array {
  return encodePacket({ address, pid: PID.COMMAND, payload: Uint8Array.of(instruction, ...params) });
}

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export const instructions = {
  genImg: (address?: number) => command(INSTRUCTION.GenImg, [], address),
  upImage: (address?: number) => command(INSTRUCTION.UpImage, [], address),
  readSysPara: (address?: number) => command(INSTRUCTION.ReadSysPara, [], address),
  verifyPassword: (password: number, address?: number) => command(INSTRUCTION.VfyPwd, u32(password), address),
  templateNum: (address?: number) => command(INSTRUCTION.TemplateNum, [], address),
};

// ---- acknowledgements (module -> host) ----

export const CONFIRMATION = {
  0x00: 'OK', 0x01: 'PACKET_ERROR', 0x02: 'NO_FINGER', 0x03: 'IMAGE_FAILED', 0x06: 'POOR_IMAGE_MESSY',
  0x07: 'POOR_IMAGE_FEW_FEATURES', 0x08: 'NO_MATCH', 0x09: 'NOT_FOUND', 0x0a: 'MERGE_FAILED', 0x0b: 'BAD_PAGE',
  0x0c: 'READ_TEMPLATE_FAILED', 0x0d: 'UPLOAD_FEATURE_FAILED', 0x0e: 'CANNOT_RECEIVE_DATA', 0x0f: 'UPLOAD_IMAGE_FAILED',
  0x10: 'DELETE_FAILED', 0x11: 'CLEAR_FAILED', 0x13: 'WRONG_PASSWORD', 0x15: 'NO_VALID_IMAGE', 0x18: 'FLASH_ERROR',
  0x1a: 'BAD_REGISTER', 0x1b: 'BAD_CONFIGURATION', 0x1c: 'BAD_NOTEPAD_PAGE', 0x1d: 'PORT_FAILED',
} as const;

export type ConfirmationName = (typeof CONFIRMATION)[keyof typeof CONFIRMATION] | 'UNKNOWN';

export interface Ack {
  code: number;
  name: ConfirmationName;
  /** the payload after the confirmation code */
  data: Uint8Array;
}

export type AckParse = { ok: true; ack: Ack } | { ok: false; message: string };

export function parseAck(p: R30xPacket): AckParse {
  if (p.pid !== PID.ACK) return { ok: false, message: `expected an acknowledgement, got packet id ${p.pid}` };
  if (p.payload.length < 1) return { ok: false, message: 'empty acknowledgement' };
  const code = p.payload[0]!;
  const name = (CONFIRMATION as Record<number, ConfirmationName>)[code] ?? 'UNKNOWN';
  return { ok: true, ack: { code, name, data: p.payload.slice(1) } };
}

export function ackPacket(code: number, data: number[] | Uint8Array = [], address = DEFAULT_ADDRESS): Uint8Array {
  return encodePacket({ address, pid: PID.ACK, payload: Uint8Array.of(code, ...data) });
}

export interface SystemParameters {
  statusRegister: number;
  systemId: number;
  librarySize: number;
  securityLevel: number;
  address: number;
  /** bytes a data packet: 32, 64, 128 or 256 */
  packetSize: number;
  baudRate: number;
}

const PACKET_SIZES = [32, 64, 128, 256];

export type SysParaParse = { ok: true; params: SystemParameters } | { ok: false; message: string };

export function parseSystemParameters(data: Uint8Array): SysParaParse {
  if (data.length < 16) return { ok: false, message: `system parameters need 16 bytes, got ${data.length}` };
  const w = (o: number) => (data[o]! << 8) | data[o + 1]!;
  const sizeCode = w(12);
  const packetSize = PACKET_SIZES[sizeCode];
  if (packetSize === undefined) return { ok: false, message: `unknown packet size code ${sizeCode}` };
  const baudN = w(14);
  if (baudN < 1 || baudN > 12) return { ok: false, message: `baud setting ${baudN} out of range` };
  return {
    ok: true,
    params: {
      statusRegister: w(0), systemId: w(2), librarySize: w(4), securityLevel: w(6),
      address: ((data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!) >>> 0,
      packetSize, baudRate: baudN * 9600,
    },
  };
}

export function encodeSystemParameters(p: SystemParameters): Uint8Array {
  const out = new Uint8Array(16);
  const w = (o: number, v: number) => { out[o] = (v >> 8) & 0xff; out[o + 1] = v & 0xff; };
  w(0, p.statusRegister); w(2, p.systemId); w(4, p.librarySize); w(6, p.securityLevel);
  out.set(u32(p.address), 8);
  w(12, Math.max(0, PACKET_SIZES.indexOf(p.packetSize)));
  w(14, Math.round(p.baudRate / 9600));
  return out;
}
