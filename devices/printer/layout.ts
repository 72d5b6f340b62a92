/**
 * Pure layouts: data in, PrintJob out. Indonesian first, English second; the ticket never carries
 * a NIK or a name (it is handed around the waiting room).
 */
import { z } from 'zod';
import type { PrintBlock, PrintJob } from './job.ts';

export const QueueTicketSchema = z.object({
  officeName: z.string().min(1).max(120),
  label: z.string().min(1).max(16),
  serviceNameId: z.string().min(1).max(120),
  serviceNameEn: z.string().min(1).max(120),
  issuedAt: z.union([z.date(), z.string().datetime({ offset: true })]),
  peopleAhead: z.number().int().min(0),
  estimatedWaitMinutes: z.number().int().min(0),
  qrText: z.string().min(1).max(500),
  /** IANA zone for the printed time (default Asia/Jakarta) */
  timeZone: z.string().optional(),
});

export type QueueTicket = z.infer<typeof QueueTicketSchema>;

function formatIssued(at: Date | string, timeZone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}-${get('month')}-${get('year')} ${get('hour')}:${get('minute')}`;
}

/** The queue ticket. Throws a ZodError on invalid input (the caller's data, not a device's). */
export function layoutQueueTicket(input: QueueTicket): PrintJob {
  const t = QueueTicketSchema.parse(input);
  const when = formatIssued(t.issuedAt, t.timeZone ?? 'Asia/Jakarta');
  const blocks: PrintBlock[] = [
    { type: 'text', text: t.officeName, align: 'center', bold: true },
    { type: 'rule' },
    { type: 'text', text: 'NOMOR ANTREAN', align: 'center' },
    { type: 'text', text: 'Queue number', align: 'center' },
    { type: 'text', text: t.label, align: 'center', bold: true, size: 3 },
    { type: 'text', text: t.serviceNameId, align: 'center', bold: true },
    { type: 'text', text: t.serviceNameEn, align: 'center' },
    { type: 'feed', lines: 1 },
    { type: 'text', text: `Diambil / Issued: ${when}`, align: 'left' },
    { type: 'text', text: `Antrean di depan Anda: ${t.peopleAhead}`, align: 'left' },
    { type: 'text', text: `People ahead of you: ${t.peopleAhead}`, align: 'left' },
    { type: 'text', text: `Perkiraan tunggu: ${t.estimatedWaitMinutes} menit`, align: 'left' },
    { type: 'text', text: `Estimated wait: ${t.estimatedWaitMinutes} min`, align: 'left' },
    { type: 'qr', data: t.qrText, align: 'center' },
    { type: 'text', text: 'Harap menunggu panggilan nomor Anda.', align: 'center' },
    { type: 'text', text: 'Please wait for your number to be called.', align: 'center' },
  ];
  return { blocks, cut: true };
}

export const ReceiptSchema = z.object({
  officeName: z.string().min(1).max(120),
  titleId: z.string().min(1).max(120),
  titleEn: z.string().min(1).max(120),
  /** label/value rows, printed in order; the caller decides what may appear (mask NIKs) */
  rows: z.array(z.object({ label: z.string().max(60), value: z.string().max(200) })).max(60),
  issuedAt: z.union([z.date(), z.string().datetime({ offset: true })]),
  qrText: z.string().min(1).max(500).optional(),
  /** an image after the rows (the resident's signature): RGBA, width a multiple of 8 dots */
  image: z.object({
    caption: z.string().max(60).optional(),
    width: z.number().int().min(8).max(576).refine((w) => w % 8 === 0, 'width must be a multiple of 8'),
    height: z.number().int().min(1).max(600),
    rgba: z.instanceof(Uint8Array),
  }).refine((i) => i.rgba.length === i.width * i.height * 4, 'rgba must hold width*height*4 bytes').optional(),
  footerId: z.string().max(300).optional(),
  footerEn: z.string().max(300).optional(),
  timeZone: z.string().optional(),
});

export type Receipt = z.infer<typeof ReceiptSchema>;

/** A generic receipt (e.g. the handover receipt). */
export function layoutReceipt(input: Receipt): PrintJob {
  const r = ReceiptSchema.parse(input);
  const blocks: PrintBlock[] = [
    { type: 'text', text: r.officeName, align: 'center', bold: true },
    { type: 'text', text: r.titleId, align: 'center', bold: true },
    { type: 'text', text: r.titleEn, align: 'center' },
    { type: 'rule' },
    ...r.rows.map((row): PrintBlock => ({ type: 'text', text: `${row.label}: ${row.value}` })),
  ];
  if (r.image) {
    if (r.image.caption) blocks.push({ type: 'text', text: r.image.caption });
    blocks.push({ type: 'image', width: r.image.width, height: r.image.height, rgba: r.image.rgba, align: 'center' });
  }
  blocks.push(
    { type: 'rule' },
    { type: 'text', text: formatIssued(r.issuedAt, r.timeZone ?? 'Asia/Jakarta') },
  );
  if (r.qrText) blocks.push({ type: 'qr', data: r.qrText, align: 'center' });
  if (r.footerId) blocks.push({ type: 'text', text: r.footerId, align: 'center' });
  if (r.footerEn) blocks.push({ type: 'text', text: r.footerEn, align: 'center' });
  return { blocks, cut: true };
}
