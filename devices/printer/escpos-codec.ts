/**
 * ESC/POS byte stream codec (pure).
 *  - EscPosDecoder: a streaming parser (push bytes, get commands and errors). ESC/POS has no
 *    framing or checksums, so "resynchronising" means: an unknown command is reported and skipped
 *    (its prefix and code byte), a stray control byte is reported and skipped, and a command cut
 *    short is reported by `end()` (or when the owner sees the stream stop).
 *  - Real-time status (DLE EOT n): request builder and a parser of the one-byte answer.
 */

export type Alignment = 'left' | 'center' | 'right';

export type EscPosCommand =
  | { type: 'init' }
  | { type: 'text'; bytes: Uint8Array }
  | { type: 'lf' }
  | { type: 'cr' }
  | { type: 'ht' }
  | { type: 'ff' }
  | { type: 'bold'; on: boolean }
  | { type: 'underline'; on: boolean }
  | { type: 'italic'; on: boolean }
  | { type: 'invert'; on: boolean }
  | { type: 'size'; width: number; height: number }
  | { type: 'printMode'; bits: number }
  | { type: 'align'; align: Alignment }
  | { type: 'font'; font: number }
  | { type: 'codepage'; table: number }
  | { type: 'feedLines'; lines: number }
  | { type: 'feedDots'; dots: number }
  | { type: 'lineSpacing'; dots: number | null }
  | { type: 'qr'; fn: number; params: Uint8Array }
  | { type: 'raster'; mode: number; widthBytes: number; height: number; data: Uint8Array }
  | { type: 'columnImage'; mode: number; width: number; data: Uint8Array }
  | { type: 'barcode'; system: number; data: Uint8Array }
  | { type: 'cut'; partial: boolean }
  | { type: 'statusRequest'; n: number }
  | { type: 'ignored'; name: string; bytes: Uint8Array };

export type EscPosErrorCode = 'UNKNOWN_COMMAND' | 'UNEXPECTED_BYTE' | 'BAD_PARAMETER' | 'TRUNCATED' | 'TOO_LARGE';

export interface EscPosError {
  code: EscPosErrorCode;
  message: string;
  /** offset in the whole stream pushed so far */
  offset: number;
}

export type EscPosEvent = { ok: true; command: EscPosCommand } | { ok: false; error: EscPosError };

const ESC = 0x1b, GS = 0x1d, FS = 0x1c, DLE = 0x10;
/** a raster image or a 2D-code payload larger than this is treated as garbage, not allocated */
const MAX_PAYLOAD = 1 << 20;

type Step =
  | { kind: 'cmd'; cmd: EscPosCommand; next: number }
  | { kind: 'more' }
  | { kind: 'err'; code: EscPosErrorCode; message: string; next: number };

const hex = (b: number) => b.toString(16).padStart(2, '0');
const cmd = (c: EscPosCommand, next: number): Step => ({ kind: 'cmd', cmd: c, next });
const err = (code: EscPosErrorCode, message: string, next: number): Step => ({ kind: 'err', code, message, next });

/** ESC x with one parameter byte, by code */
function escOneParam(code: number, n: number): EscPosCommand | undefined {
  switch (code) {
    case 0x45: return { type: 'bold', on: (n & 1) === 1 }; // E
    case 0x47: return { type: 'ignored', name: 'ESC G double-strike', bytes: Uint8Array.of(ESC, code, n) };
    case 0x2d: return { type: 'underline', on: (n & 3) !== 0 && n !== 0x30 }; // -
    case 0x34: return { type: 'italic', on: (n & 1) === 1 }; // 4 (not in every model, sent by our encoder)
    case 0x21: return { type: 'printMode', bits: n }; // !
    case 0x61: return { type: 'align', align: n === 1 || n === 0x31 ? 'center' : n === 2 || n === 0x32 ? 'right' : 'left' }; // a
    case 0x4d: return { type: 'font', font: n & 0x0f }; // M
    case 0x74: return { type: 'codepage', table: n }; // t
    case 0x64: return { type: 'feedLines', lines: n }; // d
    case 0x4a: return { type: 'feedDots', dots: n }; // J
    case 0x33: return { type: 'lineSpacing', dots: n }; // 3
    case 0x52: case 0x20: case 0x56: case 0x7b: case 0x55: case 0x72:
      return { type: 'ignored', name: `ESC ${String.fromCharCode(code)}`, bytes: Uint8Array.of(ESC, code, n) };
    default: return undefined;
  }
}

function parseEsc(b: Uint8Array, i: number): Step {
  if (i + 1 >= b.length) return { kind: 'more' };
  const c = b[i + 1]!;
  switch (c) {
    case 0x40: return cmd({ type: 'init' }, i + 2); // @
    case 0x32: return cmd({ type: 'lineSpacing', dots: null }, i + 2); // 2
    case 0x69: case 0x6d: return cmd({ type: 'cut', partial: true }, i + 2); // i, m
    case 0x53: case 0x4c: case 0x0c: return cmd({ type: 'ignored', name: `ESC ${hex(c)}`, bytes: b.slice(i, i + 2) }, i + 2);
    case 0x24: case 0x5c: // $ nL nH, \ nL nH
      if (i + 3 >= b.length) return { kind: 'more' };
      return cmd({ type: 'ignored', name: 'ESC position', bytes: b.slice(i, i + 4) }, i + 4);
    case 0x70: // p m t1 t2 (drawer pulse)
      if (i + 4 >= b.length) return { kind: 'more' };
      return cmd({ type: 'ignored', name: 'ESC p pulse', bytes: b.slice(i, i + 5) }, i + 5);
    case 0x63: { // c 3 n / c 4 n / c 5 n
      if (i + 3 >= b.length) return { kind: 'more' };
      const s = b[i + 2]!;
      if (s < 0x33 || s > 0x35) return err('BAD_PARAMETER', `ESC c with selector ${hex(s)}`, i + 3);
      return cmd({ type: 'ignored', name: 'ESC c', bytes: b.slice(i, i + 4) }, i + 4);
    }
    case 0x44: { // D n1..nk NUL (tab stops, at most 32)
      for (let j = i + 2; j < b.length && j < i + 2 + 33; j++) {
        if (b[j] === 0) return cmd({ type: 'ignored', name: 'ESC D tabs', bytes: b.slice(i, j + 1) }, j + 1);
      }
      if (b.length - (i + 2) >= 33) return err('BAD_PARAMETER', 'ESC D without terminator within 32 tab stops', i + 2);
      return { kind: 'more' };
    }
    case 0x2a: { // * m nL nH d1..dk (column bit image)
      if (i + 4 >= b.length) return { kind: 'more' };
      const m = b[i + 2]!;
      const width = b[i + 3]! | (b[i + 4]! << 8);
      let perColumn: number;
      if (m === 0 || m === 1) perColumn = 1;
      else if (m === 32 || m === 33) perColumn = 3;
      else return err('BAD_PARAMETER', `ESC * with mode ${m}`, i + 3);
      const k = width * perColumn;
      if (width === 0) return err('BAD_PARAMETER', 'ESC * with width 0', i + 5);
      if (i + 5 + k > b.length) return { kind: 'more' };
      return cmd({ type: 'columnImage', mode: m, width, data: b.slice(i + 5, i + 5 + k) }, i + 5 + k);
    }
    default: {
      if (i + 2 >= b.length) {
        // Might be a one-parameter command whose parameter has not come yet.
        return escOneParam(c, 0) ? { kind: 'more' } : err('UNKNOWN_COMMAND', `unknown command ESC ${hex(c)}`, i + 2);
      }
      const one = escOneParam(c, b[i + 2]!);
      if (one) return cmd(one, i + 3);
      return err('UNKNOWN_COMMAND', `unknown command ESC ${hex(c)}`, i + 2);
    }
  }
}

function parseGs(b: Uint8Array, i: number): Step {
  if (i + 1 >= b.length) return { kind: 'more' };
  const c = b[i + 1]!;
  const need = (n: number) => i + n > b.length;
  switch (c) {
    case 0x21: // ! n
      if (need(3)) return { kind: 'more' };
      return cmd({ type: 'size', width: ((b[i + 2]! >> 4) & 7) + 1, height: (b[i + 2]! & 7) + 1 }, i + 3);
    case 0x42: // B n
      if (need(3)) return { kind: 'more' };
      return cmd({ type: 'invert', on: (b[i + 2]! & 1) === 1 }, i + 3);
    case 0x56: { // V m [n]
      if (need(3)) return { kind: 'more' };
      const m = b[i + 2]!;
      if (m === 0 || m === 0x30) return cmd({ type: 'cut', partial: false }, i + 3);
      if (m === 1 || m === 0x31) return cmd({ type: 'cut', partial: true }, i + 3);
      if (m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104) {
        if (need(4)) return { kind: 'more' };
        return cmd({ type: 'cut', partial: m === 66 || m === 98 || m === 104 }, i + 4);
      }
      return err('BAD_PARAMETER', `GS V with mode ${m}`, i + 3);
    }
    case 0x68: case 0x77: case 0x48: case 0x66: case 0x61: case 0x72: case 0x49: case 0x62: case 0x45: // one param
      if (need(3)) return { kind: 'more' };
      return cmd({ type: 'ignored', name: `GS ${String.fromCharCode(c)}`, bytes: b.slice(i, i + 3) }, i + 3);
    case 0x4c: case 0x57: case 0x50: case 0x24: case 0x5c: // two params
      if (need(4)) return { kind: 'more' };
      return cmd({ type: 'ignored', name: `GS ${String.fromCharCode(c)}`, bytes: b.slice(i, i + 4) }, i + 4);
    case 0x6b: { // k m ... (barcode)
      if (need(3)) return { kind: 'more' };
      const m = b[i + 2]!;
      if (m <= 6) {
        for (let j = i + 3; j < b.length; j++) {
          if (b[j] === 0) return cmd({ type: 'barcode', system: m, data: b.slice(i + 3, j) }, j + 1);
          if (j - i > 255) return err('BAD_PARAMETER', 'GS k barcode without NUL terminator', i + 3);
        }
        return { kind: 'more' };
      }
      if (m >= 65 && m <= 79) {
        if (need(4)) return { kind: 'more' };
        const n = b[i + 3]!;
        if (need(4 + n)) return { kind: 'more' };
        return cmd({ type: 'barcode', system: m, data: b.slice(i + 4, i + 4 + n) }, i + 4 + n);
      }
      return err('BAD_PARAMETER', `GS k with system ${m}`, i + 3);
    }
    case 0x76: { // v 0 m xL xH yL yH d1..dk (raster bit image)
      if (need(8)) return { kind: 'more' };
      if (b[i + 2] !== 0x30) return err('BAD_PARAMETER', `GS v with ${hex(b[i + 2]!)} (expected 30)`, i + 3);
      const mode = b[i + 3]!;
      const widthBytes = b[i + 4]! | (b[i + 5]! << 8);
      const height = b[i + 6]! | (b[i + 7]! << 8);
      if ((mode & 0x0f) > 3) return err('BAD_PARAMETER', `GS v 0 with mode ${mode}`, i + 4);
      if (widthBytes === 0 || height === 0) return err('BAD_PARAMETER', 'GS v 0 with an empty image', i + 8);
      const k = widthBytes * height;
      if (k > MAX_PAYLOAD) return err('TOO_LARGE', `GS v 0 image of ${k} bytes`, i + 8);
      if (need(8 + k)) return { kind: 'more' };
      return cmd({ type: 'raster', mode, widthBytes, height, data: b.slice(i + 8, i + 8 + k) }, i + 8 + k);
    }
    case 0x28: { // ( fn pL pH ... : 2D codes (k), graphics (L) and others share this length form
      if (need(5)) return { kind: 'more' };
      const fnLetter = b[i + 2]!;
      const len = b[i + 3]! | (b[i + 4]! << 8);
      if (len > MAX_PAYLOAD) return err('TOO_LARGE', `GS ( ${String.fromCharCode(fnLetter)} of ${len} bytes`, i + 5);
      if (fnLetter < 0x41 || fnLetter > 0x7a) return err('UNKNOWN_COMMAND', `unknown command GS ( ${hex(fnLetter)}`, i + 3);
      if (need(5 + len)) return { kind: 'more' };
      const body = b.slice(i + 5, i + 5 + len);
      const next = i + 5 + len;
      if (fnLetter === 0x6b) {
        if (len < 2) return err('BAD_PARAMETER', `GS ( k with length ${len}`, next);
        const cn = body[0]!;
        if (cn === 0x31) return cmd({ type: 'qr', fn: body[1]!, params: body.slice(2) }, next);
        return cmd({ type: 'ignored', name: `GS ( k symbol ${hex(cn)}`, bytes: b.slice(i, next) }, next);
      }
      return cmd({ type: 'ignored', name: `GS ( ${String.fromCharCode(fnLetter)}`, bytes: b.slice(i, next) }, next);
    }
    default:
      return err('UNKNOWN_COMMAND', `unknown command GS ${hex(c)}`, i + 2);
  }
}

function parseFs(b: Uint8Array, i: number): Step {
  if (i + 1 >= b.length) return { kind: 'more' };
  const c = b[i + 1]!;
  switch (c) {
    case 0x2e: case 0x26: return cmd({ type: 'ignored', name: `FS ${String.fromCharCode(c)}`, bytes: b.slice(i, i + 2) }, i + 2);
    case 0x21: case 0x2d: case 0x57:
      if (i + 2 >= b.length) return { kind: 'more' };
      return cmd({ type: 'ignored', name: `FS ${String.fromCharCode(c)}`, bytes: b.slice(i, i + 3) }, i + 3);
    case 0x70:
      if (i + 3 >= b.length) return { kind: 'more' };
      return cmd({ type: 'ignored', name: 'FS p NV image', bytes: b.slice(i, i + 4) }, i + 4);
    default:
      return err('UNKNOWN_COMMAND', `unknown command FS ${hex(c)}`, i + 2);
  }
}

function parseDle(b: Uint8Array, i: number): Step {
  if (i + 1 >= b.length) return { kind: 'more' };
  const c = b[i + 1]!;
  if (c === 0x04) { // EOT n
    if (i + 2 >= b.length) return { kind: 'more' };
    const n = b[i + 2]!;
    if (n < 1 || n > 4) return err('BAD_PARAMETER', `DLE EOT with n=${n}`, i + 3);
    return cmd({ type: 'statusRequest', n }, i + 3);
  }
  if (c === 0x05) { // ENQ n
    if (i + 2 >= b.length) return { kind: 'more' };
    return cmd({ type: 'ignored', name: 'DLE ENQ', bytes: b.slice(i, i + 3) }, i + 3);
  }
  if (c === 0x14) { // DC4 fn a b
    if (i + 4 >= b.length) return { kind: 'more' };
    return cmd({ type: 'ignored', name: 'DLE DC4', bytes: b.slice(i, i + 5) }, i + 5);
  }
  return err('UNKNOWN_COMMAND', `unknown command DLE ${hex(c)}`, i + 2);
}

function parseAt(b: Uint8Array, i: number): Step {
  const x = b[i]!;
  if (x >= 0x20) {
    let j = i;
    while (j < b.length && b[j]! >= 0x20) j++;
    return cmd({ type: 'text', bytes: b.slice(i, j) }, j);
  }
  switch (x) {
    case 0x0a: return cmd({ type: 'lf' }, i + 1);
    case 0x0d: return cmd({ type: 'cr' }, i + 1);
    case 0x09: return cmd({ type: 'ht' }, i + 1);
    case 0x0c: return cmd({ type: 'ff' }, i + 1);
    case 0x18: return cmd({ type: 'ignored', name: 'CAN', bytes: Uint8Array.of(x) }, i + 1);
    case ESC: return parseEsc(b, i);
    case GS: return parseGs(b, i);
    case FS: return parseFs(b, i);
    case DLE: return parseDle(b, i);
    default: return err('UNEXPECTED_BYTE', `unexpected control byte ${hex(x)}`, i + 1);
  }
}

export class EscPosDecoder {
  private buf = new Uint8Array(0);
  /** stream offset of buf[0] */
  private base = 0;

  /** feeds bytes; returns every complete command and every error found */
  push(bytes: Uint8Array): EscPosEvent[] {
    const merged = new Uint8Array(this.buf.length + bytes.length);
    merged.set(this.buf);
    merged.set(bytes, this.buf.length);
    const out: EscPosEvent[] = [];
    let i = 0;
    while (i < merged.length) {
      const step = parseAt(merged, i);
      if (step.kind === 'more') break;
      if (step.kind === 'cmd') out.push({ ok: true, command: step.cmd });
      else out.push({ ok: false, error: { code: step.code, message: step.message, offset: this.base + i } });
      i = step.next;
    }
    this.buf = merged.slice(i);
    this.base += i;
    return out;
  }

  /** true when a command has started and is not complete */
  get pending(): boolean {
    return this.buf.length > 0;
  }

  /** the stream ended (or went quiet): a started command is reported as truncated and dropped */
  end(): EscPosEvent[] {
    if (this.buf.length === 0) return [];
    const first = Array.from(this.buf.slice(0, 4), hex).join(' ');
    const e: EscPosEvent = {
      ok: false,
      error: { code: 'TRUNCATED', message: `truncated command (${this.buf.length} bytes: ${first}...)`, offset: this.base },
    };
    this.base += this.buf.length;
    this.buf = new Uint8Array(0);
    return [e];
  }
}

// ---- real-time status (DLE EOT n) ----

export type StatusKind = 1 | 2 | 3 | 4;

export function statusRequest(n: StatusKind): Uint8Array {
  return Uint8Array.of(DLE, 0x04, n);
}

export type RealtimeStatus =
  | { kind: 1; offline: boolean; waitingRecovery: boolean; feedButton: boolean; drawerHigh: boolean }
  | { kind: 2; coverOpen: boolean; feedingByButton: boolean; paperEndStop: boolean; errorOccurred: boolean }
  | { kind: 3; recoverableError: boolean; cutterError: boolean; unrecoverableError: boolean; autoRecoverableError: boolean }
  | { kind: 4; paperNearEnd: boolean; paperEnd: boolean };

export type StatusParse = { ok: true; status: RealtimeStatus } | { ok: false; message: string };

/** Every DLE EOT answer has bits 1 and 4 set, bits 0 and 7 clear; anything else is not a status byte. */
export function parseRealtimeStatus(n: StatusKind, byte: number): StatusParse {
  if ((byte & 0x93) !== 0x12) return { ok: false, message: `not a status byte: ${hex(byte)}` };
  const bit = (k: number) => (byte & (1 << k)) !== 0;
  switch (n) {
    case 1: return { ok: true, status: { kind: 1, drawerHigh: bit(2), offline: bit(3), waitingRecovery: bit(5), feedButton: bit(6) } };
    case 2: return { ok: true, status: { kind: 2, coverOpen: bit(2), feedingByButton: bit(3), paperEndStop: bit(5), errorOccurred: bit(6) } };
    case 3: return { ok: true, status: { kind: 3, recoverableError: bit(2), cutterError: bit(3), unrecoverableError: bit(5), autoRecoverableError: bit(6) } };
    case 4: return { ok: true, status: { kind: 4, paperNearEnd: bit(2) || bit(3), paperEnd: bit(5) || bit(6) } };
  }
}

/** the status byte a printer in the given condition answers (for the simulator) */
export function encodeRealtimeStatus(s: RealtimeStatus): number {
  const on = (v: boolean, k: number) => (v ? 1 << k : 0);
  let b = 0x12;
  switch (s.kind) {
    case 1: b |= on(s.drawerHigh, 2) | on(s.offline, 3) | on(s.waitingRecovery, 5) | on(s.feedButton, 6); break;
    case 2: b |= on(s.coverOpen, 2) | on(s.feedingByButton, 3) | on(s.paperEndStop, 5) | on(s.errorOccurred, 6); break;
    case 3: b |= on(s.recoverableError, 2) | on(s.cutterError, 3) | on(s.unrecoverableError, 5) | on(s.autoRecoverableError, 6); break;
    case 4: b |= on(s.paperNearEnd, 2) | on(s.paperNearEnd, 3) | on(s.paperEnd, 5) | on(s.paperEnd, 6); break;
  }
  return b;
}

// CP437 upper half: the code page our encoder selects (ESC t 0) for Latin text.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** decodes printed text bytes (code page 0 = CP437; other tables show '?' for bytes above 7F) */
export function decodeText(bytes: Uint8Array, table: number): string {
  let s = '';
  for (const x of bytes) {
    if (x < 0x80) s += String.fromCharCode(x);
    else s += table === 0 ? CP437_HIGH[x - 0x80] ?? '?' : '?';
  }
  return s;
}
