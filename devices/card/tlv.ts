/**
 * BER-TLV (ISO/IEC 7816-4 annex D / X.690 subset used by ICAO 9303): tags of up to 3 bytes kept as
 * one number (0x5F1F), definite lengths of up to 3 length bytes. Indefinite lengths are refused:
 * LDS files never use them, and accepting them would let a card make us scan for end markers.
 */
import { concat, fail, ok } from './errors.ts';
import type { Result } from './errors.ts';

export interface Tlv {
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  /** Bytes of tag + length. */
  headerLength: number;
}

export interface TlvHeader {
  tag: number;
  constructed: boolean;
  headerLength: number;
  valueLength: number;
}

/** Tag and length at `offset`; needs only the header bytes, so a reader can learn a file's size from its first bytes. */
export function decodeTlvHeader(bytes: Uint8Array, offset = 0): Result<TlvHeader> {
  let p = offset;
  const first = bytes[p++];
  if (first === undefined) return fail('MALFORMED_TLV', `no tag at offset ${offset}`);
  if (first === 0x00 || first === 0xff) return fail('MALFORMED_TLV', `padding byte ${first.toString(16)} where a tag was expected at offset ${offset}`);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: bit 8 set means another follows. We accept at most 3 tag bytes in all.
    for (let i = 0; ; i++) {
      const b = bytes[p++];
      if (b === undefined) return fail('MALFORMED_TLV', `tag cut short at offset ${offset}`);
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
      if (i >= 1) return fail('MALFORMED_TLV', `tag longer than 3 bytes at offset ${offset}`);
    }
  }
  const l0 = bytes[p++];
  if (l0 === undefined) return fail('MALFORMED_TLV', `length missing for tag ${tag.toString(16)} at offset ${offset}`);
  let valueLength: number;
  if (l0 < 0x80) valueLength = l0;
  else if (l0 === 0x80) return fail('MALFORMED_TLV', `indefinite length for tag ${tag.toString(16)}`);
  else {
    const n = l0 & 0x7f;
    if (n > 3) return fail('MALFORMED_TLV', `length field of ${n} bytes for tag ${tag.toString(16)}`);
    valueLength = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[p++];
      if (b === undefined) return fail('MALFORMED_TLV', `length cut short for tag ${tag.toString(16)}`);
      valueLength = valueLength * 256 + b;
    }
  }
  return ok({ tag, constructed: (first & 0x20) !== 0, headerLength: p - offset, valueLength });
}

export function decodeTlv(bytes: Uint8Array, offset = 0): Result<Tlv> {
  const h = decodeTlvHeader(bytes, offset);
  if (!h.ok) return h;
  const start = offset + h.value.headerLength;
  const end = start + h.value.valueLength;
  if (end > bytes.length) {
    return fail('MALFORMED_TLV', `tag ${h.value.tag.toString(16)} says ${h.value.valueLength} bytes, only ${bytes.length - start} present`);
  }
  return ok({ tag: h.value.tag, constructed: h.value.constructed, value: bytes.subarray(start, end), headerLength: h.value.headerLength });
}

/** Every TLV in `bytes`, which must be consumed exactly. */
export function decodeTlvList(bytes: Uint8Array): Result<Tlv[]> {
  const out: Tlv[] = [];
  let p = 0;
  while (p < bytes.length) {
    const t = decodeTlv(bytes, p);
    if (!t.ok) return t;
    out.push(t.value);
    p += t.value.headerLength + t.value.value.length;
  }
  return ok(out);
}

/** Decodes a single object that must fill `bytes` exactly and carry `expectedTag`. */
export function decodeSingle(bytes: Uint8Array, expectedTag: number): Result<Tlv> {
  const t = decodeTlv(bytes, 0);
  if (!t.ok) return t;
  if (t.value.tag !== expectedTag) {
    return fail('MALFORMED_TLV', `expected tag ${expectedTag.toString(16)}, found ${t.value.tag.toString(16)}`);
  }
  const used = t.value.headerLength + t.value.value.length;
  if (used !== bytes.length) return fail('MALFORMED_TLV', `${bytes.length - used} stray bytes after tag ${expectedTag.toString(16)}`);
  return t;
}

export function tagBytes(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffff) throw new RangeError(`bad tag ${tag}`);
  if (tag <= 0xff) return Uint8Array.of(tag);
  if (tag <= 0xffff) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
}

export function lengthBytes(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffff) throw new RangeError(`bad length ${n}`);
  if (n < 0x80) return Uint8Array.of(n);
  if (n <= 0xff) return Uint8Array.of(0x81, n);
  if (n <= 0xffff) return Uint8Array.of(0x82, n >> 8, n & 0xff);
  return Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}

export function encodeTlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const v = value instanceof Uint8Array ? value : concat(value);
  return concat([tagBytes(tag), lengthBytes(v.length), v]);
}

/** First value for `tag` among `list`, or undefined. */
export function findTag(list: readonly Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}
