/**
 * PC/SC transport over the `pcsclite` package (libpcsclite -> pcscd). pcsclite is an optional
 * dependency: it is loaded when the transport starts, and its absence is reported as an error
 * status rather than a crash. When pcscd goes away (restart, crash) the PCSCLite context dies;
 * the transport reports offline, drops its readers and opens a fresh context with backoff until
 * pcscd answers again, all inside the same transport (the driver is never recreated).
 */
import { createRequire } from 'node:module';
import { fail, ok } from './errors.ts';
import type { CardErrorCode, Result } from './errors.ts';
import type { CardConnection, CardTransport, TransportEvent } from './transport.ts';

// Local shapes of the parts of pcsclite we use (its own .d.ts is CommonJS `export =`).
interface PcscReader {
  name: string;
  state: number;
  connected: boolean;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_MUTE: number;
  SCARD_LEAVE_CARD: number;
  on(ev: 'status', cb: (s: { state: number; atr?: Buffer }) => void): void;
  on(ev: 'end', cb: () => void): void;
  on(ev: 'error', cb: (e: Error) => void): void;
  connect(opts: { share_mode?: number; protocol?: number }, cb: (err: Error | null | undefined, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null | undefined, res: Buffer) => void): void;
  close(): void;
}
interface PcscContext {
  on(ev: 'reader', cb: (r: PcscReader) => void): void;
  on(ev: 'error', cb: (e: Error) => void): void;
  close(): void;
}
type PcscFactory = () => PcscContext;

/** PC/SC return codes (pcsclite.h) that tell us the card left or the service went away. */
const REMOVED_CODES = new Set([0x80100069, 0x80100068, 0x8010000c, 0x80100066, 0x80100067, 0x80100016, 0x8010002e]);
const OFFLINE_CODES = new Set([0x8010001d, 0x8010001e, 0x80100017, 0x80100009, 0x80100003, 0x80100002]);

function pcscCode(e: Error): number | undefined {
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(e.message);
  return m ? parseInt(m[1]!, 16) : undefined;
}

function classify(e: Error, fallback: CardErrorCode): CardErrorCode {
  const code = pcscCode(e);
  if (code !== undefined && REMOVED_CODES.has(code)) return 'CARD_REMOVED';
  if (code !== undefined && OFFLINE_CODES.has(code)) return 'READER_OFFLINE';
  return fallback;
}

interface ReaderEntry {
  reader: PcscReader;
  present: boolean;
  atr: Uint8Array;
  /** The watcher thread has reported once; see closeReader. */
  reported: boolean;
  /** when it last reported (ms) */
  lastStatusAt: number;
  closeWanted: boolean;
  closed: boolean;
}

/**
 * Closes a pcsclite reader safely. Its watcher thread, if closed before it has reported once,
 * exits without closing its libuv handle and the process can never exit; so such a reader is
 * closed on its first status. The same happens when close() lands just after the thread has
 * reported a status and before it waits again (pcsclite checks its stop flag there without
 * reporting the stop), which under load happened about once in ten test runs; so a reader is
 * closed only once it has been quiet for READER_QUIET_MS, when its thread is surely waiting in
 * SCardGetStatusChange. And close() must never run inside a reader callback (pcsclite holds the
 * reader's mutex there: deadlock), hence always deferred.
 */
export const READER_QUIET_MS = 100;

function closeReader(e: ReaderEntry): void {
  setImmediate(() => {
    if (e.closed) return;
    if (!e.reported) { e.closeWanted = true; return; }
    const quietFor = Date.now() - e.lastStatusAt;
    if (quietFor < READER_QUIET_MS) { setTimeout(() => closeReader(e), READER_QUIET_MS - quietFor); return; }
    e.closed = true;
    try { e.reader.close(); } catch { /* the watcher thread may already be gone with pcscd */ }
  });
}

export interface PcscTransportOptions {
  /** First and longest pause between reconnection attempts, ms (default 200 and 5000). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Injected for tests; default `require('pcsclite')`. */
  factory?: PcscFactory;
}

export class PcscTransport implements CardTransport {
  readonly kind = 'pcsc' as const;
  private listener: ((e: TransportEvent) => void) | undefined;
  private ctx: PcscContext | undefined;
  private readonly entries = new Map<string, ReaderEntry>();
  private running = false;
  private isOnline = false;
  private timer: NodeJS.Timeout | undefined;
  private backoff: number;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private factory: PcscFactory | undefined;
  /** Bumped whenever the context is replaced, so callbacks from a dead context are ignored. */
  private generation = 0;

  constructor(opts: PcscTransportOptions = {}) {
    this.minBackoff = opts.minBackoffMs ?? 200;
    this.maxBackoff = opts.maxBackoffMs ?? 5000;
    this.backoff = this.minBackoff;
    this.factory = opts.factory;
  }

  start(listener: (e: TransportEvent) => void): void {
    this.listener = listener;
    if (this.running) return;
    this.running = true;
    if (!this.factory) {
      try {
        this.factory = createRequire(import.meta.url)('pcsclite') as PcscFactory;
      } catch (e) {
        listener({ type: 'error', reason: `pcsclite is not installed: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
    }
    this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.teardown();
    this.listener = undefined;
  }

  online(): boolean { return this.isOnline; }
  readers(): string[] { return [...this.entries.keys()]; }
  readersWithCard(): string[] { return [...this.entries.values()].filter((e) => e.present).map((e) => e.reader.name); }

  private emit(e: TransportEvent): void { if (this.running) this.listener?.(e); }

  private open(): void {
    this.timer = undefined;
    if (!this.running || !this.factory) return;
    let ctx: PcscContext;
    try {
      ctx = this.factory();
    } catch (e) {
      // SCardEstablishContext fails at once when pcscd is not running.
      this.lost(`pcscd not reachable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const gen = ++this.generation;
    this.ctx = ctx;
    ctx.on('error', (e) => { if (gen === this.generation) this.lost(`PC/SC service lost: ${e.message}`); });
    ctx.on('reader', (r) => { if (gen === this.generation) this.addReader(r, gen); });
    this.backoff = this.minBackoff;
    if (!this.isOnline) { this.isOnline = true; this.emit({ type: 'online' }); }
  }

  private addReader(r: PcscReader, gen: number): void {
    const entry: ReaderEntry = { reader: r, present: false, atr: new Uint8Array(0), reported: false, lastStatusAt: 0, closeWanted: false, closed: false };
    this.entries.set(r.name, entry);
    this.emit({ type: 'reader-added', reader: r.name });
    r.on('status', (s) => {
      entry.lastStatusAt = Date.now();
      if (!entry.reported) {
        entry.reported = true;
        if (entry.closeWanted) { closeReader(entry); return; }
      }
      if (gen !== this.generation || this.entries.get(r.name) !== entry) return;
      const present = (s.state & r.SCARD_STATE_PRESENT) !== 0 && (s.state & r.SCARD_STATE_MUTE) === 0;
      if (present && !entry.present) {
        entry.present = true;
        entry.atr = new Uint8Array(s.atr ?? []);
        this.emit({ type: 'card-inserted', reader: r.name, atr: entry.atr });
      } else if (!present && entry.present) {
        entry.present = false;
        this.emit({ type: 'card-removed', reader: r.name });
      }
    });
    r.on('end', () => { if (gen === this.generation) this.dropReader(r.name); });
    r.on('error', (e) => {
      // A reader's watcher failing usually means pcscd died; the context's own error follows.
      if (gen === this.generation && classify(e, 'TRANSMIT_FAILED') === 'READER_OFFLINE') this.lost(`PC/SC service lost: ${e.message}`);
    });
  }

  private dropReader(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    if (entry.present) this.emit({ type: 'card-removed', reader: name });
    this.emit({ type: 'reader-removed', reader: name });
  }

  private teardown(): void {
    this.generation++;
    for (const name of [...this.entries.keys()]) {
      const e = this.entries.get(name)!;
      this.dropReader(name);
      closeReader(e);
    }
    const ctx = this.ctx;
    this.ctx = undefined;
    if (ctx) setImmediate(() => { try { ctx.close(); } catch { /* same */ } });
  }

  private lost(reason: string): void {
    this.teardown();
    if (this.isOnline) { this.isOnline = false; this.emit({ type: 'offline', reason }); }
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => this.open(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
  }

  connect(name: string): Promise<Result<CardConnection>> {
    const entry = this.entries.get(name);
    if (!this.isOnline) return Promise.resolve(fail('READER_OFFLINE', 'pcscd is not reachable'));
    if (!entry) return Promise.resolve(fail('NO_READER', `no reader named "${name}"`));
    if (!entry.present) return Promise.resolve(fail('NO_CARD', 'no card on the reader'));
    const r = entry.reader;
    return new Promise((resolve) => {
      r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T1 | r.SCARD_PROTOCOL_T0 }, (err, protocol) => {
        if (err) { resolve(fail(classify(err, 'TRANSMIT_FAILED'), `connect: ${err.message}`)); return; }
        let closed = false;
        resolve(ok({
          reader: name,
          atr: entry.atr,
          transmit: (apdu: Uint8Array) => new Promise<Result<Uint8Array>>((res) => {
            if (closed) { res(fail('TRANSMIT_FAILED', 'connection closed')); return; }
            // 65536 data bytes + SW1SW2: the largest extended answer.
            r.transmit(Buffer.from(apdu), 65538, protocol, (e, out) => {
              if (e) {
                const code = classify(e, 'TRANSMIT_FAILED');
                res(fail(code === 'TRANSMIT_FAILED' && !entry.present ? 'CARD_REMOVED' : code, `transmit: ${e.message}`));
                return;
              }
              // A card can never answer without SW1SW2; vpcd hands back an empty answer when the
              // virtual card's link has dropped, which is what a pulled card looks like there.
              if (out.length < 2) { res(fail('CARD_REMOVED', 'the card stopped answering (removed)')); return; }
              res(ok(new Uint8Array(out)));
            });
          }),
          disconnect: () => new Promise<void>((res) => {
            if (closed) { res(); return; }
            closed = true;
            if (!r.connected) { res(); return; }
            r.disconnect(r.SCARD_LEAVE_CARD, () => res());
          }),
        }));
      });
    });
  }
}
