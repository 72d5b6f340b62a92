/**
 * The QR texts of the collection: on the summons letter (which case) and on the handover receipt
 * (which receipt). Each carries a MAC under the hub's key, so the hub recognises its own codes
 * later and nobody can make one; neither carries personal data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SUMMONS = 'KTPS1';
const RECEIPT = 'KTPR1';

const mac = (key: Buffer, parts: string[]) => createHmac('sha256', key).update(parts.join('|')).digest('base64url').slice(0, 16);

function checked(key: Buffer, text: string, prefix: string, fields: number): string[] | null {
  const parts = text.trim().split('|');
  if (parts.length !== fields + 2 || parts[0] !== prefix) return null;
  const body = parts.slice(0, -1);
  const want = Buffer.from(mac(key, body));
  const got = Buffer.from(parts.at(-1)!);
  return want.length === got.length && timingSafeEqual(want, got) ? body.slice(1) : null;
}

export function summonsQrText(key: Buffer, caseId: string): string {
  return `${SUMMONS}|${caseId}|${mac(key, [SUMMONS, caseId])}`;
}

export function parseSummonsQr(key: Buffer, text: string): { caseId: string } | null {
  const f = checked(key, text, SUMMONS, 1);
  return f ? { caseId: f[0]! } : null;
}

export function receiptQrText(key: Buffer, r: { receiptNumber: string; collectionId: string }): string {
  return `${RECEIPT}|${r.receiptNumber}|${r.collectionId}|${mac(key, [RECEIPT, r.receiptNumber, r.collectionId])}`;
}

export function parseReceiptQr(key: Buffer, text: string): { receiptNumber: string; collectionId: string } | null {
  const f = checked(key, text, RECEIPT, 2);
  return f ? { receiptNumber: f[0]!, collectionId: f[1]! } : null;
}

/** What a scanned code looks like, before its MAC is checked. */
export function codeKind(text: string): 'ticket' | 'summons' | 'receipt' | 'unknown' {
  const p = text.trim().split('|')[0];
  return p === 'KTPQ1' ? 'ticket' : p === SUMMONS ? 'summons' : p === RECEIPT ? 'receipt' : 'unknown';
}
