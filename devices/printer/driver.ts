/**
 * EscPosPrinterDriver: a ticket/receipt printer speaking ESC/POS over a serial port.
 *
 * Options (EscPosPrinterDriverOptions):
 *   transport        TransportFactory (from openSerialDevice(), or a memory pair's driver end)
 *   name             for messages and status (default 'printer')
 *   columns          characters a line, font A (default 42 = 80 mm paper)
 *   statusTimeoutMs  wait for each DLE EOT answer before calling the printer offline (default 1000)
 *   jobTimeoutMs     whole job limit, status checks included (default 30000)
 *   reconnect        BackoffOptions for re-opening the port after it went away
 *
 * print(job) never throws: it asks the real-time status first (DLE EOT 1 and 4; 2 and 3 when the
 * printer says it is offline), sends the job only to a printer that is ready, asks again afterwards,
 * and answers { ok: true } or { ok: false, code: PRINTER_OFFLINE | PAPER_OUT | PRINTER_ERROR }.
 * Jobs given while one prints wait their turn (a printer spools), unlike other drivers' operations.
 */
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceDriver } from '../core/driver.ts';
import { DeviceError, errorMessage } from '../core/errors.ts';
import { FrameInbox } from '../core/inbox.ts';
import type { TransportFactory } from '../core/transport.ts';
import { parseRealtimeStatus, statusRequest, type RealtimeStatus, type StatusKind } from './escpos-codec.ts';
import { encodeJob, PrintJobSchema, type PrintJob } from './job.ts';

export interface EscPosPrinterDriverOptions {
  transport: TransportFactory;
  name?: string;
  columns?: number;
  statusTimeoutMs?: number;
  jobTimeoutMs?: number;
  reconnect?: BackoffOptions;
}

export type PrinterFailureCode = 'PRINTER_OFFLINE' | 'PAPER_OUT' | 'PRINTER_ERROR';
export type PrintResult = { ok: true; paperNearEnd?: boolean } | { ok: false; code: PrinterFailureCode; message: string };

class NoAnswer extends Error {}

export class EscPosPrinterDriver extends SerialDeviceDriver {
  private readonly inbox = new FrameInbox<number, never>(64);
  private readonly columns: number;
  private readonly statusTimeoutMs: number;
  private readonly jobTimeoutMs: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: EscPosPrinterDriverOptions) {
    super({ name: options.name ?? 'printer', transport: options.transport, reconnect: options.reconnect });
    this.columns = options.columns ?? 42;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
  }

  protected onBytes(bytes: Uint8Array): void {
    for (const b of bytes) this.inbox.push({ ok: true, frame: b });
  }

  /** prints a job; see the file header for the result codes */
  print(job: PrintJob): Promise<PrintResult> {
    const parsed = PrintJobSchema.safeParse(job);
    if (!parsed.success) {
      return Promise.resolve({ ok: false, code: 'PRINTER_ERROR', message: `invalid print job: ${parsed.error.message}` });
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeJob(parsed.data, { columns: this.columns });
    } catch (err) {
      return Promise.resolve({ ok: false, code: 'PRINTER_ERROR', message: `cannot encode job: ${errorMessage(err)}` });
    }
    return this.enqueue(() => this.run('print', bytes));
  }

  /** asks the printer's condition without printing (for the device panel) */
  checkStatus(): Promise<PrintResult> {
    return this.enqueue(() => this.run('status', undefined));
  }

  private enqueue(task: () => Promise<PrintResult>): Promise<PrintResult> {
    const p = this.queue.then(task, task);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async run(what: string, bytes: Uint8Array | undefined): Promise<PrintResult> {
    let result: PrintResult;
    try {
      result = await this.exclusive(what, { timeoutMs: this.jobTimeoutMs }, async (signal) => {
        const before = await this.condition(signal);
        if (!before.ok || !bytes) return before;
        await this.write(bytes);
        // The serial write only says the bytes left; a status answer after the job says the printer
        // took it and did not stop (paper ran out mid-job, cover opened).
        return await this.condition(signal);
      });
    } catch (err) {
      result = this.failureOf(err);
    }
    this.reflect(result);
    return result;
  }

  private failureOf(err: unknown): PrintResult {
    if (err instanceof NoAnswer) return { ok: false, code: 'PRINTER_OFFLINE', message: err.message };
    if (err instanceof DeviceError) {
      if (err.code === 'DEVICE_OFFLINE' || err.code === 'DEVICE_TIMEOUT' || err.code === 'DEVICE_CLOSED') {
        return { ok: false, code: 'PRINTER_OFFLINE', message: err.message };
      }
    }
    return { ok: false, code: 'PRINTER_ERROR', message: errorMessage(err) };
  }

  private reflect(r: PrintResult): void {
    if (!this.link.isUp) return; // the base class already shows 'offline' with the reason
    if (r.ok) this.setStatus('online', r.paperNearEnd ? 'ready, paper near end' : 'ready');
    else if (r.code === 'PRINTER_OFFLINE') this.setStatus('offline', r.message);
    else this.setStatus('error', r.message);
  }

  private async query<K extends StatusKind>(n: K, signal: AbortSignal): Promise<Extract<RealtimeStatus, { kind: K }>> {
    this.inbox.clear();
    await this.write(statusRequest(n));
    const wait = AbortSignal.any([signal, AbortSignal.timeout(this.statusTimeoutMs)]);
    let item;
    try {
      item = await this.inbox.next(wait);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new NoAnswer(`printer did not answer DLE EOT ${n} within ${this.statusTimeoutMs} ms`);
    }
    if (!item.ok) throw new NoAnswer('no status');
    const parsed = parseRealtimeStatus(n, item.frame);
    if (!parsed.ok) throw new StatusByteError(parsed.message);
    return parsed.status as Extract<RealtimeStatus, { kind: K }>;
  }

  private async condition(signal: AbortSignal): Promise<PrintResult> {
    let printer, paper;
    try {
      printer = await this.query(1, signal);
      paper = await this.query(4, signal);
    } catch (err) {
      if (err instanceof StatusByteError) return { ok: false, code: 'PRINTER_ERROR', message: err.message };
      throw err;
    }
    if (paper.paperEnd) return { ok: false, code: 'PAPER_OUT', message: 'printer is out of paper' };
    if (printer.offline || printer.waitingRecovery) {
      const cause = await this.query(2, signal);
      const errors = await this.query(3, signal);
      if (cause.paperEndStop) return { ok: false, code: 'PAPER_OUT', message: 'printer stopped at paper end' };
      if (cause.coverOpen) return { ok: false, code: 'PRINTER_ERROR', message: 'printer cover is open' };
      if (errors.cutterError) return { ok: false, code: 'PRINTER_ERROR', message: 'auto-cutter error' };
      if (errors.unrecoverableError) return { ok: false, code: 'PRINTER_ERROR', message: 'unrecoverable printer error' };
      if (cause.errorOccurred || errors.recoverableError || errors.autoRecoverableError) {
        return { ok: false, code: 'PRINTER_ERROR', message: 'printer reports an error' };
      }
      return { ok: false, code: 'PRINTER_OFFLINE', message: 'printer reports it is offline' };
    }
    return paper.paperNearEnd ? { ok: true, paperNearEnd: true } : { ok: true };
  }
}

class StatusByteError extends Error {}
