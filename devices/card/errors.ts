/**
 * Failure vocabulary of the card stack. Every parser and every card operation returns one of these
 * codes in a result value instead of throwing, so a caller (the hub, a kiosk screen) can show the
 * resident a precise reason and the operator can tell a tampered card from a dusty reader.
 */
export type CardErrorCode =
  // Status words the card answered with (ISO/IEC 7816-4 section 5.6).
  | 'FILE_NOT_FOUND' // 6A82
  | 'SECURITY_STATUS' // 6982
  | 'WRONG_LENGTH' // 6700
  | 'WRONG_OFFSET' // 6B00
  | 'WRONG_P1P2' // 6A86
  | 'WRONG_DATA' // 6A80
  | 'CONDITIONS_NOT_SATISFIED' // 6985
  | 'COMMAND_NOT_ALLOWED' // 6986 (e.g. no current EF)
  | 'FILE_EXISTS' // 6A89
  | 'NOT_ENOUGH_MEMORY' // 6A84
  | 'INS_NOT_SUPPORTED' // 6D00
  | 'CLA_NOT_SUPPORTED' // 6E00
  | 'CARD_ERROR' // any other non-success status word
  // APDU and byte level.
  | 'INVALID_COMMAND' // a command we were asked to build breaks the Lc/Le rules
  | 'MALFORMED_RESPONSE'
  | 'MALFORMED_TLV'
  | 'MALFORMED_DG'
  | 'MALFORMED_SOD'
  | 'FILE_TRUNCATED'
  // Passive authentication.
  | 'SOD_SIGNATURE_INVALID'
  | 'UNTRUSTED_SIGNER'
  | 'DG_HASH_MISMATCH'
  | 'DG_MISSING'
  // Reader, transport and driver.
  | 'CARD_REMOVED'
  | 'NO_CARD'
  | 'NO_READER'
  | 'READER_OFFLINE'
  | 'TRANSMIT_FAILED'
  | 'BUSY'
  | 'CARD_NOT_BLANK'
  | 'INVALID_CONTENTS';

export interface CardFailure {
  ok: false;
  code: CardErrorCode;
  message: string;
  /** Data group number, for DG_HASH_MISMATCH / MALFORMED_DG / DG_MISSING / FILE_TRUNCATED. */
  dg?: number;
  /** Status word (SW1SW2) when the failure came from the card's answer. */
  sw?: number;
}

export type Result<T> = { ok: true; value: T } | CardFailure;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: CardErrorCode, message: string, extra: { dg?: number; sw?: number } = {}): CardFailure {
  return { ok: false, code, message, ...extra };
}

/** Thrown only inside this module's own code paths and converted back to a CardFailure at the boundary. */
export class CardError extends Error {
  constructor(readonly failure: CardFailure) {
    super(`${failure.code}: ${failure.message}`);
    this.name = 'CardError';
  }
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

export function fromHex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
