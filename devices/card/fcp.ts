/**
 * File control parameters (FCP template, tag 62; ISO/IEC 7816-4 5.3.3) as used by CREATE FILE and
 * returned by SELECT with P2=04. Only what the card needs: descriptor (82), file id (83),
 * DF name (84) and the size of a transparent EF (80).
 */
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { decodeSingle, decodeTlvList, encodeTlv, findTag } from './tlv.ts';

export type Fcp =
  | { kind: 'df'; fid: number; aid?: Uint8Array }
  | { kind: 'ef'; fid: number; size: number };

/** File descriptor byte values: 38 = DF, 01 = working EF, transparent structure. */
const DESC_DF = 0x38;
const DESC_EF = 0x01;

export function buildFcp(f: Fcp): Uint8Array {
  const parts = [encodeTlv(0x82, Uint8Array.of(f.kind === 'df' ? DESC_DF : DESC_EF)), encodeTlv(0x83, Uint8Array.of(f.fid >> 8, f.fid & 0xff))];
  if (f.kind === 'df' && f.aid) parts.push(encodeTlv(0x84, f.aid));
  if (f.kind === 'ef') parts.push(encodeTlv(0x80, Uint8Array.of((f.size >> 16) & 0xff, (f.size >> 8) & 0xff, f.size & 0xff)));
  return encodeTlv(0x62, parts);
}

export function parseFcp(bytes: Uint8Array): Result<Fcp> {
  const outer = decodeSingle(bytes, 0x62);
  if (!outer.ok) return outer;
  const list = decodeTlvList(outer.value.value);
  if (!list.ok) return list;
  const desc = findTag(list.value, 0x82)?.value;
  const fid = findTag(list.value, 0x83)?.value;
  if (!desc || desc.length < 1 || !fid || fid.length !== 2) return fail('WRONG_DATA', 'FCP needs a descriptor (82) and a 2-byte file id (83)');
  const id = (fid[0]! << 8) | fid[1]!;
  if (id === 0x3f00 || id === 0xffff || id === 0x3fff) return fail('WRONG_DATA', `file id ${id.toString(16)} is reserved`);
  if (desc[0] === DESC_DF) {
    const aid = findTag(list.value, 0x84)?.value;
    if (aid && (aid.length < 5 || aid.length > 16)) return fail('WRONG_DATA', `DF name of ${aid.length} bytes`);
    return ok(aid ? { kind: 'df', fid: id, aid: aid.slice() } : { kind: 'df', fid: id });
  }
  if (desc[0] === DESC_EF) {
    const size = findTag(list.value, 0x80)?.value;
    if (!size || size.length < 1 || size.length > 3) return fail('WRONG_DATA', 'EF FCP needs a size (80) of 1..3 bytes');
    let n = 0;
    for (const b of size) n = n * 256 + b;
    return ok({ kind: 'ef', fid: id, size: n });
  }
  return fail('WRONG_DATA', `unsupported file descriptor ${desc[0]!.toString(16)}`);
}
