/**
 * Our KTP-el chip profile. The real card's layout sits behind a SAM and is not public, so ours
 * follows the ICAO Doc 9303 part 10 logical data structure (LDS1) and its file ids, so that
 * standard tools and knowledge apply.
 *
 * Application: DF with AID A0 00 00 02 47 10 01 (ICAO eMRTD LDS1 AID), file id 4B01, directly
 * under the MF (3F00). Elementary files (transparent) inside it:
 *
 *   011E EF.COM  60 { 5F01 "0108" LDS version, 5F36 "040000" Unicode version, 5C tag list }
 *   0101 DG1     61 { biodata, one primitive UTF-8 element each, tags below }
 *   0102 DG2     75 { 80 format (01 JPEG, 02 PNG), 5F2E image bytes }               face
 *   0103 DG3     63 { 02 count=2, 7F60 { 83 finger position, 5F2E 19794-2 record } x2 } fingerprints
 *                    finger position per ISO/IEC 19794-2: 02 right index, 07 left index
 *   0107 DG7     67 { 80 format, 5F43 image bytes }                                 signature
 *   011D EF.SOD  77 { CMS SignedData over an ICAO LDSSecurityObject (SHA-256) }
 *
 * DG1 element tags (private class, our own; all values UTF-8 text):
 *   DF01 NIK (16 digits)            DF02 name                 DF03 place of birth
 *   DF04 date of birth YYYY-MM-DD   DF05 sex LAKI-LAKI|PEREMPUAN
 *   DF06 blood type A|B|AB|O|-      DF07 address              DF08 RT/RW "001/002"
 *   DF09 kelurahan/desa             DF0A kecamatan            DF0B religion
 *   DF0C marital status             DF0D occupation           DF0E citizenship (WNI or a country)
 *   DF0F valid until: "SEUMUR HIDUP" or YYYY-MM-DD             DF10 card serial
 *   DF11 province (optional)        DF12 regency/city (optional)  DF13 issue date YYYY-MM-DD (optional)
 */
import { z } from 'zod';
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { decodeSingle, decodeTlvList, encodeTlv, findTag } from './tlv.ts';

export const KTP_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);
export const APP_DF_FID = 0x4b01;

export const FID = { COM: 0x011e, DG1: 0x0101, DG2: 0x0102, DG3: 0x0103, DG7: 0x0107, SOD: 0x011d } as const;
export const DG_TAG = { COM: 0x60, DG1: 0x61, DG2: 0x75, DG3: 0x63, DG7: 0x67, SOD: 0x77 } as const;
/** The data groups our card carries, as LDS numbers, in reading order. */
export const DATA_GROUPS = [1, 2, 3, 7] as const;
export type DataGroupNumber = (typeof DATA_GROUPS)[number];
export const DG_FID: Record<DataGroupNumber, number> = { 1: FID.DG1, 2: FID.DG2, 3: FID.DG3, 7: FID.DG7 };
export const DG_OUTER_TAG: Record<DataGroupNumber, number> = { 1: DG_TAG.DG1, 2: DG_TAG.DG2, 3: DG_TAG.DG3, 7: DG_TAG.DG7 };

export const FINGER_RIGHT_INDEX = 2;
export const FINGER_LEFT_INDEX = 7;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date as YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date');

export const BiodataSchema = z.object({
  nik: z.string().regex(/^\d{16}$/, 'NIK is 16 digits'),
  name: z.string().min(1).max(120),
  placeOfBirth: z.string().min(1).max(60),
  dateOfBirth: isoDate,
  sex: z.enum(['LAKI-LAKI', 'PEREMPUAN']),
  bloodType: z.enum(['A', 'B', 'AB', 'O', '-']),
  address: z.string().min(1).max(200),
  rtRw: z.string().regex(/^\d{3}\/\d{3}$/, 'RT/RW as 001/002'),
  village: z.string().min(1).max(60),
  district: z.string().min(1).max(60),
  religion: z.string().min(1).max(40),
  maritalStatus: z.string().min(1).max(40),
  occupation: z.string().min(1).max(60),
  citizenship: z.string().min(2).max(40),
  validUntil: z.union([z.literal('SEUMUR HIDUP'), isoDate]),
  cardSerial: z.string().min(1).max(32),
  province: z.string().min(1).max(60).optional(),
  regency: z.string().min(1).max(60).optional(),
  issueDate: isoDate.optional(),
});
export type Biodata = z.infer<typeof BiodataSchema>;

const DG1_TAGS: ReadonlyArray<[keyof Biodata, number]> = [
  ['nik', 0xdf01], ['name', 0xdf02], ['placeOfBirth', 0xdf03], ['dateOfBirth', 0xdf04], ['sex', 0xdf05],
  ['bloodType', 0xdf06], ['address', 0xdf07], ['rtRw', 0xdf08], ['village', 0xdf09], ['district', 0xdf0a],
  ['religion', 0xdf0b], ['maritalStatus', 0xdf0c], ['occupation', 0xdf0d], ['citizenship', 0xdf0e],
  ['validUntil', 0xdf0f], ['cardSerial', 0xdf10], ['province', 0xdf11], ['regency', 0xdf12], ['issueDate', 0xdf13],
];

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function zodMessage(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function encodeDg1(bio: Biodata): Result<Uint8Array> {
  const parsed = BiodataSchema.safeParse(bio);
  if (!parsed.success) return fail('INVALID_CONTENTS', `biodata: ${zodMessage(parsed.error)}`, { dg: 1 });
  const parts: Uint8Array[] = [];
  for (const [key, tag] of DG1_TAGS) {
    const v = parsed.data[key];
    if (v !== undefined) parts.push(encodeTlv(tag, utf8.encode(v)));
  }
  return ok(encodeTlv(DG_TAG.DG1, parts));
}

export function decodeDg1(bytes: Uint8Array): Result<Biodata> {
  const outer = decodeSingle(bytes, DG_TAG.DG1);
  if (!outer.ok) return fail('MALFORMED_DG', `DG1: ${outer.message}`, { dg: 1 });
  const list = decodeTlvList(outer.value.value);
  if (!list.ok) return fail('MALFORMED_DG', `DG1: ${list.message}`, { dg: 1 });
  const raw: Record<string, string> = {};
  const seen = new Set<number>();
  for (const t of list.value) {
    if (seen.has(t.tag)) return fail('MALFORMED_DG', `DG1: tag ${t.tag.toString(16)} appears twice`, { dg: 1 });
    seen.add(t.tag);
    const field = DG1_TAGS.find(([, tag]) => tag === t.tag);
    // Unknown tags are skipped so a later profile version can add fields without breaking readers.
    if (!field) continue;
    try {
      raw[field[0]] = utf8Strict.decode(t.value);
    } catch {
      return fail('MALFORMED_DG', `DG1: ${field[0]} is not valid UTF-8`, { dg: 1 });
    }
  }
  const parsed = BiodataSchema.safeParse(raw);
  if (!parsed.success) return fail('MALFORMED_DG', `DG1: ${zodMessage(parsed.error)}`, { dg: 1 });
  return ok(parsed.data);
}

export type ImageFormat = 'jpeg' | 'png';
export interface ImageBytes { format: ImageFormat; bytes: Uint8Array }

const FORMAT_CODE: Record<ImageFormat, number> = { jpeg: 1, png: 2 };

export function sniffImageFormat(b: Uint8Array): ImageFormat | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  return undefined;
}

function encodeImage(outerTag: number, imageTag: number, dg: number, img: ImageBytes): Result<Uint8Array> {
  if (sniffImageFormat(img.bytes) !== img.format) return fail('INVALID_CONTENTS', `DG${dg}: bytes are not a ${img.format} image`, { dg });
  return ok(encodeTlv(outerTag, [encodeTlv(0x80, Uint8Array.of(FORMAT_CODE[img.format])), encodeTlv(imageTag, img.bytes)]));
}

function decodeImage(bytes: Uint8Array, outerTag: number, imageTag: number, dg: number): Result<ImageBytes> {
  const outer = decodeSingle(bytes, outerTag);
  if (!outer.ok) return fail('MALFORMED_DG', `DG${dg}: ${outer.message}`, { dg });
  const list = decodeTlvList(outer.value.value);
  if (!list.ok) return fail('MALFORMED_DG', `DG${dg}: ${list.message}`, { dg });
  const code = findTag(list.value, 0x80)?.value;
  const image = findTag(list.value, imageTag)?.value;
  if (!code || code.length !== 1 || !image) return fail('MALFORMED_DG', `DG${dg}: format (80) and image (${imageTag.toString(16)}) required`, { dg });
  const format = code[0] === 1 ? 'jpeg' : code[0] === 2 ? 'png' : undefined;
  if (!format) return fail('MALFORMED_DG', `DG${dg}: unknown image format code ${code[0]}`, { dg });
  if (sniffImageFormat(image) !== format) return fail('MALFORMED_DG', `DG${dg}: image bytes are not ${format}`, { dg });
  return ok({ format, bytes: image.slice() });
}

export const encodeDg2 = (img: ImageBytes) => encodeImage(DG_TAG.DG2, 0x5f2e, 2, img);
export const decodeDg2 = (bytes: Uint8Array) => decodeImage(bytes, DG_TAG.DG2, 0x5f2e, 2);
export const encodeDg7 = (img: ImageBytes) => encodeImage(DG_TAG.DG7, 0x5f43, 7, img);
export const decodeDg7 = (bytes: Uint8Array) => decodeImage(bytes, DG_TAG.DG7, 0x5f43, 7);

export interface Fingerprints { rightIndex: Uint8Array; leftIndex: Uint8Array }

/**
 * Light structural check of an ISO/IEC 19794-2:2005 record: magic, version, and that the length
 * in the header is the record's length. Minutiae themselves are the matcher's business.
 */
export function checkMinutiaeRecord(rec: Uint8Array): string | null {
  if (rec.length < 26) return `record of ${rec.length} bytes is shorter than a header`;
  if (rec[0] !== 0x46 || rec[1] !== 0x4d || rec[2] !== 0x52 || rec[3] !== 0) return 'record does not start with "FMR\\0"';
  if (rec[4] !== 0x20 || rec[5] !== 0x32 || rec[6] !== 0x30 || rec[7] !== 0) return 'record version is not " 20"';
  const total = ((rec[8]! << 24) >>> 0) + (rec[9]! << 16) + (rec[10]! << 8) + rec[11]!;
  if (total !== rec.length) return `record header says ${total} bytes, record has ${rec.length}`;
  return null;
}

export function encodeDg3(fp: Fingerprints): Result<Uint8Array> {
  for (const [name, rec] of [['rightIndex', fp.rightIndex], ['leftIndex', fp.leftIndex]] as const) {
    const bad = checkMinutiaeRecord(rec);
    if (bad) return fail('INVALID_CONTENTS', `DG3 ${name}: ${bad}`, { dg: 3 });
  }
  const entry = (pos: number, rec: Uint8Array) => encodeTlv(0x7f60, [encodeTlv(0x83, Uint8Array.of(pos)), encodeTlv(0x5f2e, rec)]);
  return ok(encodeTlv(DG_TAG.DG3, [encodeTlv(0x02, Uint8Array.of(2)), entry(FINGER_RIGHT_INDEX, fp.rightIndex), entry(FINGER_LEFT_INDEX, fp.leftIndex)]));
}

export function decodeDg3(bytes: Uint8Array): Result<Fingerprints> {
  const bad = (m: string) => fail('MALFORMED_DG', `DG3: ${m}`, { dg: 3 });
  const outer = decodeSingle(bytes, DG_TAG.DG3);
  if (!outer.ok) return bad(outer.message);
  const list = decodeTlvList(outer.value.value);
  if (!list.ok) return bad(list.message);
  const count = findTag(list.value, 0x02)?.value;
  const entries = list.value.filter((t) => t.tag === 0x7f60);
  if (!count || count.length !== 1 || count[0] !== entries.length) return bad(`count (02) does not match ${entries.length} entries`);
  const byPos = new Map<number, Uint8Array>();
  for (const e of entries) {
    const inner = decodeTlvList(e.value);
    if (!inner.ok) return bad(inner.message);
    const pos = findTag(inner.value, 0x83)?.value;
    const rec = findTag(inner.value, 0x5f2e)?.value;
    if (!pos || pos.length !== 1 || !rec) return bad('entry needs finger position (83) and record (5F2E)');
    const problem = checkMinutiaeRecord(rec);
    if (problem) return bad(`finger ${pos[0]}: ${problem}`);
    if (byPos.has(pos[0]!)) return bad(`finger ${pos[0]} appears twice`);
    byPos.set(pos[0]!, rec.slice());
  }
  const rightIndex = byPos.get(FINGER_RIGHT_INDEX);
  const leftIndex = byPos.get(FINGER_LEFT_INDEX);
  if (!rightIndex || !leftIndex) return bad('right index (02) and left index (07) are both required');
  return ok({ rightIndex, leftIndex });
}

export interface ComContents { ldsVersion: string; unicodeVersion: string; tags: number[] }

export function encodeCom(tags: readonly number[] = DATA_GROUPS.map((d) => DG_OUTER_TAG[d])): Uint8Array {
  return encodeTlv(DG_TAG.COM, [encodeTlv(0x5f01, utf8.encode('0108')), encodeTlv(0x5f36, utf8.encode('040000')), encodeTlv(0x5c, Uint8Array.from(tags))]);
}

export function decodeCom(bytes: Uint8Array): Result<ComContents> {
  const outer = decodeSingle(bytes, DG_TAG.COM);
  if (!outer.ok) return fail('MALFORMED_DG', `EF.COM: ${outer.message}`);
  const list = decodeTlvList(outer.value.value);
  if (!list.ok) return fail('MALFORMED_DG', `EF.COM: ${list.message}`);
  const v = findTag(list.value, 0x5f01)?.value;
  const u = findTag(list.value, 0x5f36)?.value;
  const t = findTag(list.value, 0x5c)?.value;
  if (!v || !u || !t) return fail('MALFORMED_DG', 'EF.COM needs 5F01, 5F36 and 5C');
  return ok({ ldsVersion: new TextDecoder().decode(v), unicodeVersion: new TextDecoder().decode(u), tags: Array.from(t) });
}
