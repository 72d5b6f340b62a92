/**
 * ISO/IEC 7816-4 command and response APDUs (section 5.1): the four cases in short and extended
 * form, status words turned into CardErrorCode, and the command set our card understands.
 *
 * Command set (CLA 00 throughout, no secure messaging):
 *   SELECT          A4  P1=04 by DF name (AID); P1=00 MF/DF/EF by id (3F00 = MF); P1=02 EF under current DF;
 *                       P2=0C no response data, P2=00/04 return the FCP template (62)
 *   READ BINARY     B0  offset in P1P2 (15 bits); or P1=80|SFI, P2=offset (0..255): selects the EF by its
 *                       short file id (low 5 bits of the file id) and reads in one APDU;
 *                       B1 (odd INS) with offset data object 54 beyond 32767
 *   UPDATE BINARY   D6  offset in P1P2; D7 with offset object 54 and data in 53 beyond 32767
 *   CREATE FILE     E0  data = FCP template 62 {82 descriptor, 83 file id, 84 DF name, 80 size}
 *   ACTIVATE FILE   44  on the current DF: ends personalisation, files become read-only
 *   GET RESPONSE    C0  fetch data announced by 61xx
 */
import { fail, ok } from './errors.ts';
import type { CardErrorCode, CardFailure, Result } from './errors.ts';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length Ne: 1..256 short, 1..65536 extended. Absent: no Le field. */
  le?: number;
  /** Force extended length fields even when short ones would do. */
  extended?: boolean;
}

export interface ParsedCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  le: number | undefined;
  extended: boolean;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw1: number;
  sw2: number;
  sw: number;
}

const isByte = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xff;

/** Builds the bytes of a command APDU, choosing short or extended length fields (7816-4 5.1). */
export function buildCommand(c: CommandApdu): Result<Uint8Array> {
  for (const [k, v] of [['cla', c.cla], ['ins', c.ins], ['p1', c.p1], ['p2', c.p2]] as const) {
    if (!isByte(v)) return fail('INVALID_COMMAND', `${k} must be a byte, got ${v}`);
  }
  // INS 6X and 9X are reserved for transmission protocols (7816-4 5.1.2).
  if ((c.ins & 0xf0) === 0x60 || (c.ins & 0xf0) === 0x90) return fail('INVALID_COMMAND', `INS ${c.ins.toString(16)} is invalid`);
  if (c.cla === 0xff) return fail('INVALID_COMMAND', 'CLA FF is reserved for PPS');
  const nc = c.data?.length ?? 0;
  const ne = c.le;
  if (nc > 65535) return fail('INVALID_COMMAND', `command data of ${nc} bytes exceeds 65535`);
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > 65536)) return fail('INVALID_COMMAND', `Le ${ne} out of 1..65536`);
  const extended = c.extended === true || nc > 255 || (ne !== undefined && ne > 256);
  const head = [c.cla, c.ins, c.p1, c.p2];
  const out: number[] = [...head];
  if (!extended) {
    if (nc > 0) out.push(nc);
    const bytes = new Uint8Array(out.length + nc + (ne !== undefined ? 1 : 0));
    bytes.set(out, 0);
    if (nc > 0) bytes.set(c.data!, out.length);
    if (ne !== undefined) bytes[bytes.length - 1] = ne === 256 ? 0 : ne;
    return ok(bytes);
  }
  // Extended: one 00 byte, then 2-byte Lc and/or 2-byte Le (a lone extended Le keeps the leading 00).
  out.push(0);
  if (nc > 0) out.push(nc >> 8, nc & 0xff);
  const bytes = new Uint8Array(out.length + nc + (ne !== undefined ? 2 : 0));
  bytes.set(out, 0);
  if (nc > 0) bytes.set(c.data!, out.length);
  if (ne !== undefined) {
    const v = ne === 65536 ? 0 : ne;
    bytes[bytes.length - 2] = v >> 8;
    bytes[bytes.length - 1] = v & 0xff;
  }
  return ok(bytes);
}

/** The card's side: decodes a command APDU, refusing any length layout 7816-4 does not allow. */
export function parseCommand(b: Uint8Array): Result<ParsedCommand> {
  if (b.length < 4) return fail('WRONG_LENGTH', `command of ${b.length} bytes is shorter than its header`);
  const head = { cla: b[0]!, ins: b[1]!, p1: b[2]!, p2: b[3]! };
  const empty = new Uint8Array(0);
  if (b.length === 4) return ok({ ...head, data: empty, le: undefined, extended: false });
  const b4 = b[4]!;
  if (b.length === 5) return ok({ ...head, data: empty, le: b4 === 0 ? 256 : b4, extended: false });
  if (b4 !== 0) {
    const lc = b4;
    if (b.length === 5 + lc) return ok({ ...head, data: b.subarray(5, 5 + lc), le: undefined, extended: false });
    if (b.length === 6 + lc) {
      const le = b[5 + lc]!;
      return ok({ ...head, data: b.subarray(5, 5 + lc), le: le === 0 ? 256 : le, extended: false });
    }
    return fail('WRONG_LENGTH', `short Lc ${lc} does not match a command of ${b.length} bytes`);
  }
  if (b.length < 7) return fail('WRONG_LENGTH', `extended command of ${b.length} bytes is cut short`);
  const w = (b[5]! << 8) | b[6]!;
  if (b.length === 7) return ok({ ...head, data: empty, le: w === 0 ? 65536 : w, extended: true });
  if (w === 0) return fail('WRONG_LENGTH', 'extended Lc of 0');
  if (b.length === 7 + w) return ok({ ...head, data: b.subarray(7, 7 + w), le: undefined, extended: true });
  if (b.length === 9 + w) {
    const le = (b[7 + w]! << 8) | b[8 + w]!;
    return ok({ ...head, data: b.subarray(7, 7 + w), le: le === 0 ? 65536 : le, extended: true });
  }
  return fail('WRONG_LENGTH', `extended Lc ${w} does not match a command of ${b.length} bytes`);
}

export function parseResponse(b: Uint8Array): Result<ResponseApdu> {
  if (b.length < 2) return fail('MALFORMED_RESPONSE', `response of ${b.length} bytes has no status word`);
  const sw1 = b[b.length - 2]!;
  const sw2 = b[b.length - 1]!;
  return ok({ data: b.subarray(0, b.length - 2), sw1, sw2, sw: (sw1 << 8) | sw2 });
}

export function buildResponse(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS: 0x6982,
  CONDITIONS: 0x6985,
  NOT_ALLOWED: 0x6986,
  WRONG_DATA: 0x6a80,
  NOT_FOUND: 0x6a82,
  NO_MEMORY: 0x6a84,
  WRONG_P1P2: 0x6a86,
  FILE_EXISTS: 0x6a89,
  WRONG_OFFSET: 0x6b00,
  INS_UNKNOWN: 0x6d00,
  CLA_UNKNOWN: 0x6e00,
  UNKNOWN: 0x6f00,
} as const;

const SW_TABLE: Record<number, [CardErrorCode, string]> = {
  0x6700: ['WRONG_LENGTH', 'wrong length'],
  0x6982: ['SECURITY_STATUS', 'security status not satisfied'],
  0x6985: ['CONDITIONS_NOT_SATISFIED', 'conditions of use not satisfied'],
  0x6986: ['COMMAND_NOT_ALLOWED', 'command not allowed (no current EF)'],
  0x6a80: ['WRONG_DATA', 'incorrect parameters in the command data field'],
  0x6a82: ['FILE_NOT_FOUND', 'file or application not found'],
  0x6a84: ['NOT_ENOUGH_MEMORY', 'not enough memory space in the file'],
  0x6a86: ['WRONG_P1P2', 'incorrect parameters P1-P2'],
  0x6a89: ['FILE_EXISTS', 'file already exists'],
  0x6b00: ['WRONG_OFFSET', 'wrong parameters P1-P2: offset outside the EF'],
  0x6d00: ['INS_NOT_SUPPORTED', 'instruction code not supported'],
  0x6e00: ['CLA_NOT_SUPPORTED', 'class not supported'],
};

/**
 * The failure a status word stands for, or null for success (9000) and for the warning 6282 (end of
 * file reached before Ne bytes), which still carries data. 61xx and 6Cxx are handled by
 * `transceive` before this is asked; if they reach here they are protocol errors.
 */
export function statusToFailure(sw: number): CardFailure | null {
  if (sw === 0x9000 || sw === 0x6282) return null;
  const hit = SW_TABLE[sw];
  const swHex = sw.toString(16).toUpperCase().padStart(4, '0');
  if (hit) return fail(hit[0], `${hit[1]} (SW ${swHex})`, { sw });
  if (sw >> 8 === 0x6c) return fail('WRONG_LENGTH', `wrong Le, card has ${sw & 0xff || 256} bytes (SW ${swHex})`, { sw });
  if (sw >> 8 === 0x61) return fail('MALFORMED_RESPONSE', `unhandled 61xx: ${sw & 0xff || 256} bytes waiting (SW ${swHex})`, { sw });
  return fail('CARD_ERROR', `card answered SW ${swHex}`, { sw });
}

// ---- command set ----------------------------------------------------------------------------

export const selectAid = (aid: Uint8Array): CommandApdu => ({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid });

/** SELECT by file id. p1 0x00 = any file under the MF/current DF (also 3F00 itself), 0x02 = EF under the current DF. */
export function selectFile(fid: number, opts: { p1?: 0x00 | 0x02; fcp?: boolean } = {}): CommandApdu {
  const c: CommandApdu = { cla: 0, ins: 0xa4, p1: opts.p1 ?? 0x02, p2: opts.fcp ? 0x04 : 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) };
  if (opts.fcp) c.le = 256;
  return c;
}

export const selectMf = (): CommandApdu => selectFile(0x3f00, { p1: 0x00 });

/** Offset data object 54 used by the odd-INS variants of READ/UPDATE BINARY for offsets past 15 bits. */
function offsetObject(offset: number): Uint8Array {
  if (offset <= 0xffff) return Uint8Array.of(0x54, 2, offset >> 8, offset & 0xff);
  return Uint8Array.of(0x54, 3, offset >> 16, (offset >> 8) & 0xff, offset & 0xff);
}

export function readBinary(offset: number, le: number): CommandApdu {
  if (offset <= 0x7fff) return { cla: 0, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le };
  // Odd INS: the answer is wrapped in 53 L data, which costs up to 4 extra bytes.
  return { cla: 0, ins: 0xb1, p1: 0, p2: 0, data: offsetObject(offset), le };
}

/** READ BINARY by short EF identifier: selects and reads in one command (offset 0..255). */
export function readBinarySfi(sfi: number, offset: number, le: number): CommandApdu {
  return { cla: 0, ins: 0xb0, p1: 0x80 | (sfi & 0x1f), p2: offset & 0xff, le };
}

export function updateBinary(offset: number, data: Uint8Array): CommandApdu {
  if (offset <= 0x7fff) return { cla: 0, ins: 0xd6, p1: offset >> 8, p2: offset & 0xff, data };
  const header = data.length < 0x80 ? [0x53, data.length] : data.length <= 0xff ? [0x53, 0x81, data.length] : [0x53, 0x82, data.length >> 8, data.length & 0xff];
  const body = new Uint8Array(offsetObject(offset).length + header.length + data.length);
  body.set(offsetObject(offset), 0);
  body.set(header, offsetObject(offset).length);
  body.set(data, offsetObject(offset).length + header.length);
  return { cla: 0, ins: 0xd7, p1: 0, p2: 0, data: body };
}

export const createFile = (fcp: Uint8Array): CommandApdu => ({ cla: 0, ins: 0xe0, p1: 0, p2: 0, data: fcp });
export const activateFile = (): CommandApdu => ({ cla: 0, ins: 0x44, p1: 0, p2: 0 });
export const getResponse = (le: number): CommandApdu => ({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le });
