/**
 * A print job: a list of blocks the hub builds (see layout.ts), validated with zod and encoded to
 * ESC/POS with @point-of-sale/receipt-printer-encoder.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { z } from 'zod';

const AlignSchema = z.enum(['left', 'center', 'right']);

export const PrintBlockSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().max(4000),
    align: AlignSchema.optional(),
    bold: z.boolean().optional(),
    /** character magnification 1..8 (width and height) */
    size: z.number().int().min(1).max(8).optional(),
  }),
  z.object({
    type: z.literal('qr'),
    data: z.string().min(1).max(1000),
    /** module size in dots, 1..8 */
    moduleSize: z.number().int().min(1).max(8).optional(),
    align: AlignSchema.optional(),
  }),
  z.object({ type: z.literal('feed'), lines: z.number().int().min(1).max(20) }),
  z.object({ type: z.literal('rule') }),
  z.object({
    type: z.literal('image'),
    /** width a multiple of 8 dots (printer raster rows are whole bytes) */
    width: z.number().int().min(8).max(576).refine((w) => w % 8 === 0, 'width must be a multiple of 8'),
    height: z.number().int().min(1).max(2000),
    /** RGBA, width*height*4 bytes */
    rgba: z.instanceof(Uint8Array),
    align: AlignSchema.optional(),
  }).refine((b) => b.rgba.length === b.width * b.height * 4, 'rgba must hold width*height*4 bytes'),
]);

export const PrintJobSchema = z.object({
  blocks: z.array(PrintBlockSchema).min(1).max(500),
  /** cut the paper after the job (default true) */
  cut: z.boolean().optional(),
});

export type PrintBlock = z.infer<typeof PrintBlockSchema>;
export type PrintJob = z.infer<typeof PrintJobSchema>;

export interface EncodeOptions {
  /** characters a line in font A (42 for 80 mm paper, 32 for 58 mm) */
  columns?: number;
}

/** Encodes a valid job to ESC/POS bytes. Throws (encoder errors) only on a job the schema let through. */
export function encodeJob(job: PrintJob, options: EncodeOptions = {}): Uint8Array {
  const enc = new ReceiptPrinterEncoder({ language: 'esc-pos', columns: options.columns ?? 42, imageMode: 'raster' });
  enc.initialize();
  for (const block of job.blocks) {
    switch (block.type) {
      case 'text': {
        enc.align(block.align ?? 'left');
        if (block.bold) enc.bold(true);
        const size = block.size ?? 1;
        if (size !== 1) enc.size(size, size);
        for (const line of block.text.split('\n')) enc.line(line);
        if (size !== 1) enc.size(1, 1);
        if (block.bold) enc.bold(false);
        enc.align('left');
        break;
      }
      case 'qr':
        enc.align(block.align ?? 'center');
        enc.qrcode(block.data, { model: 2, size: block.moduleSize ?? 6, errorlevel: 'm' });
        enc.newline();
        enc.align('left');
        break;
      case 'feed':
        enc.newline(block.lines);
        break;
      case 'rule':
        enc.rule();
        break;
      case 'image': {
        enc.align(block.align ?? 'center');
        const image = { width: block.width, height: block.height, data: new Uint8ClampedArray(block.rgba.buffer, block.rgba.byteOffset, block.rgba.byteLength) };
        enc.image(image as never, block.width, block.height, 'threshold', 128);
        enc.align('left');
        break;
      }
    }
  }
  if (job.cut ?? true) {
    enc.newline(3);
    enc.cut('full');
  }
  return enc.encode();
}
