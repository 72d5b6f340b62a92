/**
 * The QR on a queue ticket: the ticket's id and label with a MAC, so the hub can later recognise
 * its own tickets (e.g. at the collection kiosk) without the code carrying any personal data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';

const PREFIX = 'KTPQ1';

export function ticketQrText(key: Buffer, t: { id: string; label: string }): string {
  const mac = createHmac('sha256', key).update(`${t.id}|${t.label}`).digest('base64url').slice(0, 16);
  return `${PREFIX}|${t.id}|${t.label}|${mac}`;
}

export function parseTicketQr(key: Buffer, text: string): { id: string; label: string } | null {
  const parts = text.split('|');
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, id, label, mac] = parts as [string, string, string, string];
  const want = Buffer.from(ticketQrText(key, { id, label }).split('|')[3]!);
  const got = Buffer.from(mac);
  return want.length === got.length && timingSafeEqual(want, got) ? { id, label } : null;
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
