import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createMemoryTransportPair, EscPosDecoder, EscPosPrinterSimulator, encodePrintJob, layoutQueueTicket,
  parseEscPosStatus, encodeEscPosStatus,
} from '../../devices/index.ts';

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const ascii = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

test('decoder: text, styles, QR store/print, cut', () => {
  const d = new EscPosDecoder();
  const events = d.push(concat(bytes(0x1b, 0x40, 0x1b, 0x45, 0x01), ascii('A-001'), bytes(0x0a),
    bytes(0x1d, 0x28, 0x6b, 0x06, 0x00, 0x31, 0x50, 0x30), ascii('abc'), bytes(0x1d, 0x56, 0x00)));
  const types = events.map((e) => (e.ok ? e.command.type : `error:${e.error.code}`));
  assert.equal(types, ['init', 'bold', 'text', 'lf', 'qr', 'cut']);
});

test('decoder: a command split across pushes is assembled', () => {
  const d = new EscPosDecoder();
  assert.equal(d.push(bytes(0x1d, 0x76, 0x30, 0x00, 0x01)).length, 0);
  assert.ok(d.pending);
  const ev = d.push(bytes(0x00, 0x02, 0x00, 0xff, 0x81));
  assert.equal(ev.length, 1);
  const c = ev[0]!;
  assert.ok(c.ok && c.command.type === 'raster' && c.command.height === 2);
});

test('decoder: unknown command is refused and the stream resynchronises', () => {
  const d = new EscPosDecoder();
  const ev = d.push(concat(bytes(0x1b, 0xee), ascii('OK'), bytes(0x0a)));
  assert.equal(ev[0]!.ok, false);
  if (!ev[0]!.ok) {
    assert.equal(ev[0]!.error.code, 'UNKNOWN_COMMAND');
    assert.match(ev[0]!.error.message, /ESC ee/);
  }
  assert.ok(ev[1]!.ok && ev[1]!.command.type === 'text');
});

test('decoder: stray control byte, bad parameters and oversize image are refused', () => {
  const d = new EscPosDecoder();
  const codes = d.push(concat(bytes(0x07), bytes(0x10, 0x04, 0x09), bytes(0x1d, 0x56, 0x07),
    bytes(0x1d, 0x76, 0x30, 0x00, 0xff, 0xff, 0xff, 0xff), ascii('x')))
    .map((e) => (e.ok ? e.command.type : e.error.code));
  assert.equal(codes.slice(0, 4), ['UNEXPECTED_BYTE', 'BAD_PARAMETER', 'BAD_PARAMETER', 'TOO_LARGE']);
});

test('decoder: truncated command is reported at end()', () => {
  const d = new EscPosDecoder();
  d.push(bytes(0x1d, 0x28, 0x6b, 0x20, 0x00, 0x31));
  const ev = d.end();
  assert.equal(ev.length, 1);
  assert.ok(!ev[0]!.ok && ev[0]!.error.code === 'TRUNCATED');
  assert.equal(d.pending, false);
  assert.equal(d.end().length, 0);
});

test('real-time status bytes round-trip and non-status bytes are refused', () => {
  const paperOut = encodeEscPosStatus({ kind: 4, paperEnd: true, paperNearEnd: true });
  assert.equal(paperOut, 0x7e);
  const p = parseEscPosStatus(4, paperOut);
  assert.ok(p.ok && p.status.kind === 4 && p.status.paperEnd);
  const off = parseEscPosStatus(1, 0x1a);
  assert.ok(off.ok && off.status.kind === 1 && off.status.offline);
  assert.equal(parseEscPosStatus(1, 0x41).ok, false);
});

test('simulator renders an encoded ticket and survives garbage and truncation in the stream', () => {
  const pair = createMemoryTransportPair();
  const sim = new EscPosPrinterSimulator({ transport: () => pair.device, idleFlushMs: 10 });
  const job = layoutQueueTicket({
    officeName: 'Disdukcapil Kota Bandung', label: 'A-012', serviceNameId: 'Perekaman KTP-el',
    serviceNameEn: 'KTP-el enrolment', issuedAt: '2025-11-25T01:30:00Z', peopleAhead: 3,
    estimatedWaitMinutes: 15, qrText: 'TICKET:A-012:abc',
  });
  sim.receive(bytes(0x1b, 0xee, 0x07, 0x1d, 0x99));
  sim.receive(encodePrintJob(job));
  sim.receive(bytes(0x1d, 0x28, 0x6b, 0x50)); // a QR store cut short
  const docs = sim.getPrinted();
  assert.equal(docs.length, 1);
  const doc = docs[0]!;
  assert.ok(doc.lines.some((l) => l.includes('A-012')), 'label printed');
  assert.ok(doc.lines.some((l) => l.includes('Perekaman KTP-el')), 'service name printed');
  assert.ok(doc.lines.findIndex((l) => l.includes('NOMOR ANTREAN')) < doc.lines.findIndex((l) => l.includes('Queue number')), 'Indonesian first');
  assert.ok(doc.lines.some((l) => l.includes('08:30')), 'time in Asia/Jakarta');
  assert.equal(doc.qrCodes, ['TICKET:A-012:abc']);
  assert.equal(doc.cut, 'full');
  const big = doc.items.find((i) => i.kind === 'line' && i.line.text.includes('A-012'));
  assert.ok(big && big.kind === 'line' && big.line.width === 3 && big.line.bold);
  assert.equal(sim.getErrors().map((e) => e.code), ['UNKNOWN_COMMAND', 'UNEXPECTED_BYTE', 'UNKNOWN_COMMAND']);
  return new Promise<void>((resolve) => setTimeout(() => {
    assert.equal(sim.getErrors().at(-1)?.code, 'TRUNCATED');
    resolve();
  }, 50));
});

test('ticket layout carries no NIK-like number and refuses bad input', () => {
  assert.throws(() => layoutQueueTicket({
    officeName: '', label: 'A-1', serviceNameId: 'x', serviceNameEn: 'x', issuedAt: 'yesterday',
    peopleAhead: -1, estimatedWaitMinutes: 0, qrText: 'q',
  }));
  const job = layoutQueueTicket({
    officeName: 'Kantor', label: 'B-7', serviceNameId: 'Cetak ulang', serviceNameEn: 'Reprint',
    issuedAt: new Date(), peopleAhead: 0, estimatedWaitMinutes: 0, qrText: 'q',
  });
  const text = job.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
  assert.not.match(text, /\d{16}/);
});

test.run();
