/**
 * EscPosPrinterSimulator: the printer's end. Parses the ESC/POS stream, answers DLE EOT, and
 * "prints": documents split at cuts, each with its text lines, QR payloads, barcodes and images.
 *
 * Options (EscPosPrinterSimulatorOptions): transport, name, unplug, reconnect (as every simulator),
 *   idleFlushMs: a command still incomplete after this quiet time is reported truncated (default 500).
 * Misbehaviour: setPaperOut(true) (answers paper end, prints nothing), setOffline(true) (stops
 *   answering and printing), slowMs (delay before each answer).
 * Events: 'document' (a finished document), 'protocolError' (EscPosError), 'connection'.
 */
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceSimulator, type SimulatorEvents } from '../core/simulator.ts';
import type { TransportFactory } from '../core/transport.ts';
import {
  decodeText, EscPosDecoder, encodeRealtimeStatus, type Alignment, type EscPosCommand, type EscPosError,
} from './escpos-codec.ts';

export interface PrintedLine {
  text: string;
  align: Alignment;
  bold: boolean;
  width: number;
  height: number;
}

export interface PrintedImage {
  widthDots: number;
  height: number;
  /** 1 bit a dot, rows of widthDots/8 bytes, MSB first, 1 = black */
  bits: Uint8Array;
}

export type PrintedItem =
  | { kind: 'line'; line: PrintedLine }
  | { kind: 'qr'; data: string }
  | { kind: 'barcode'; data: string }
  | { kind: 'image'; image: PrintedImage };

export interface PrintedDocument {
  id: number;
  /** text lines, trailing spaces trimmed (centred text is padded with spaces by the encoder) */
  lines: string[];
  qrCodes: string[];
  barcodes: string[];
  images: PrintedImage[];
  items: PrintedItem[];
  cut: 'full' | 'partial';
  printedAt: string;
}

export interface EscPosPrinterSimulatorOptions {
  transport: TransportFactory;
  name?: string;
  unplug?: () => void | Promise<void>;
  reconnect?: BackoffOptions;
  idleFlushMs?: number;
}

interface PrinterSimEvents extends SimulatorEvents {
  document: [PrintedDocument];
  protocolError: [EscPosError];
}

interface Style { bold: boolean; align: Alignment; width: number; height: number; table: number }

const freshStyle = (): Style => ({ bold: false, align: 'left', width: 1, height: 1, table: 0 });

export class EscPosPrinterSimulator extends SerialDeviceSimulator<PrinterSimEvents> {
  private decoder = new EscPosDecoder();
  private style = freshStyle();
  private lineText = '';
  private lineStyle: Style | undefined;
  private items: PrintedItem[] = [];
  private qrStore = '';
  private printed: PrintedDocument[] = [];
  private errors: EscPosError[] = [];
  private nextId = 1;
  private paperOut = false;
  private offline = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleFlushMs: number;

  constructor(options: EscPosPrinterSimulatorOptions) {
    super({ name: options.name ?? 'printer-sim', transport: options.transport, unplug: options.unplug, reconnect: options.reconnect });
    this.idleFlushMs = options.idleFlushMs ?? 500;
  }

  setPaperOut(on: boolean): void { this.paperOut = on; }
  setOffline(on: boolean): void { this.offline = on; }

  getPrinted(): PrintedDocument[] { return [...this.printed]; }
  getErrors(): EscPosError[] { return [...this.errors]; }
  clearPrinted(): void { this.printed = []; this.errors = []; }

  override async stop(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await super.stop();
  }

  /** feeds bytes as if received (used by the codec tests and the panel's "raw" input) */
  receive(bytes: Uint8Array): void {
    this.onBytes(bytes);
  }

  protected onBytes(bytes: Uint8Array): void {
    if (this.offline) return;
    for (const ev of this.decoder.push(bytes)) {
      if (ev.ok) this.apply(ev.command);
      else this.reportError(ev.error);
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.decoder.pending) {
      this.idleTimer = setTimeout(() => { for (const ev of this.decoder.end()) if (!ev.ok) this.reportError(ev.error); }, this.idleFlushMs);
      this.idleTimer.unref();
    }
  }

  protected override onConnection(up: boolean): void {
    if (up) return;
    for (const ev of this.decoder.end()) if (!ev.ok) this.reportError(ev.error);
  }

  private reportError(e: EscPosError): void {
    this.errors.push(e);
    this.emit('protocolError', e);
  }

  private apply(c: EscPosCommand): void {
    if (c.type === 'statusRequest') {
      const byte = c.n === 1 ? encodeRealtimeStatus({ kind: 1, offline: this.paperOut, waitingRecovery: false, feedButton: false, drawerHigh: false })
        : c.n === 2 ? encodeRealtimeStatus({ kind: 2, coverOpen: false, feedingByButton: false, paperEndStop: this.paperOut, errorOccurred: false })
          : c.n === 3 ? encodeRealtimeStatus({ kind: 3, recoverableError: false, cutterError: false, unrecoverableError: false, autoRecoverableError: false })
            : encodeRealtimeStatus({ kind: 4, paperNearEnd: this.paperOut, paperEnd: this.paperOut });
      void this.send(Uint8Array.of(byte));
      return;
    }
    // Without paper the mechanism does nothing; the data is lost as on a printer that was reset.
    if (this.paperOut) return;
    const s = this.style;
    switch (c.type) {
      case 'init': this.style = freshStyle(); break;
      case 'text':
        {
          const text = decodeText(c.bytes, s.table);
          // The encoder centres by padding with spaces before it switches styles on; the line's
          // style is the one of its first visible character.
          if (!this.lineStyle && text.trim() !== '') this.lineStyle = { ...s };
          this.lineText += text;
        }
        break;
      case 'lf': this.endLine(true); break;
      case 'ff': this.endLine(false); break;
      case 'feedLines': this.endLine(false); for (let k = 0; k < c.lines; k++) this.endLine(true); break;
      case 'bold': s.bold = c.on; break;
      case 'size': s.width = c.width; s.height = c.height; break;
      case 'printMode': s.bold = (c.bits & 0x08) !== 0; s.height = c.bits & 0x10 ? 2 : 1; s.width = c.bits & 0x20 ? 2 : 1; break;
      case 'align': s.align = c.align; break;
      case 'codepage': s.table = c.table; break;
      case 'qr':
        if (c.fn === 0x50) this.qrStore = decodeText(c.params.slice(1), 0);
        else if (c.fn === 0x51) { this.endLine(false); this.items.push({ kind: 'qr', data: this.qrStore }); }
        break;
      case 'barcode': this.endLine(false); this.items.push({ kind: 'barcode', data: decodeText(c.data, 0) }); break;
      case 'raster':
        this.endLine(false);
        this.items.push({ kind: 'image', image: { widthDots: c.widthBytes * 8, height: c.height, bits: c.data } });
        break;
      case 'columnImage':
        this.endLine(false);
        this.items.push({ kind: 'image', image: columnToRaster(c.mode, c.width, c.data) });
        break;
      case 'cut': this.endLine(false); this.finishDocument(c.partial ? 'partial' : 'full'); break;
      default: break;
    }
  }

  private endLine(always: boolean): void {
    if (!always && this.lineText === '') return;
    const st = this.lineStyle ?? this.style;
    this.items.push({ kind: 'line', line: { text: this.lineText.trimEnd(), align: st.align, bold: st.bold, width: st.width, height: st.height } });
    this.lineText = '';
    this.lineStyle = undefined;
  }

  private finishDocument(cut: 'full' | 'partial'): void {
    const items = this.items;
    this.items = [];
    if (items.length === 0) return;
    const doc: PrintedDocument = {
      id: this.nextId++,
      lines: items.flatMap((i) => (i.kind === 'line' ? [i.line.text] : [])),
      qrCodes: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
      barcodes: items.flatMap((i) => (i.kind === 'barcode' ? [i.data] : [])),
      images: items.flatMap((i) => (i.kind === 'image' ? [i.image] : [])),
      items,
      cut,
      printedAt: new Date().toISOString(),
    };
    this.printed.push(doc);
    this.emit('document', doc);
  }
}

/** ESC * column images (8 or 24 dots high, one column a byte or three) turned into raster rows */
function columnToRaster(mode: number, width: number, data: Uint8Array): PrintedImage {
  const perCol = mode >= 32 ? 3 : 1;
  const height = perCol * 8;
  const rowBytes = Math.ceil(width / 8);
  const bits = new Uint8Array(rowBytes * height);
  for (let x = 0; x < width; x++) {
    for (let k = 0; k < perCol; k++) {
      const byte = data[x * perCol + k] ?? 0;
      for (let b = 0; b < 8; b++) {
        if (byte & (0x80 >> b)) {
          const y = k * 8 + b;
          bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
        }
      }
    }
  }
  return { widthDots: width, height, bits };
}
