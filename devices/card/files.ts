/**
 * The contents of a personalised card as the personalisation station hands them over: one byte
 * string per elementary file of the application. A blank card becomes a KTP-el card when these are
 * written with CREATE FILE + UPDATE BINARY.
 */
import { z } from 'zod';
import { FID } from './profile.ts';

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes expected');
export const CardFilesSchema = z.object({ com: bytes, dg1: bytes, dg2: bytes, dg3: bytes, dg7: bytes, sod: bytes });
export type CardFiles = z.infer<typeof CardFilesSchema>;

export const FILE_ORDER: ReadonlyArray<[keyof CardFiles, number]> = [
  ['com', FID.COM], ['dg1', FID.DG1], ['dg2', FID.DG2], ['dg3', FID.DG3], ['dg7', FID.DG7], ['sod', FID.SOD],
];

export function cardFileList(files: CardFiles): Array<{ fid: number; bytes: Uint8Array }> {
  return FILE_ORDER.map(([k, fid]) => ({ fid, bytes: files[k] }));
}
