/**
 * The card reader/writer driver: reader and card events, a status the hub can show, one operation
 * at a time (a second caller is told BUSY at once), `readCard` with passive authentication, and
 * `personalize` of a blank card. Transport-agnostic: PC/SC or in-process.
 */
import { EventEmitter } from 'node:events';
import { fail } from './errors.ts';
import type { CardErrorCode, CardFailure, Result } from './errors.ts';
import { CardFilesSchema, cardFileList } from './files.ts';
import type { CardFiles } from './files.ts';
import { passiveAuthentication } from './passive-auth.ts';
import type { SodInfo, TrustAnchor } from './passive-auth.ts';
import { APP_DF_FID, DATA_GROUPS, DG_FID, FID, KTP_AID, decodeCom, decodeDg1, decodeDg2, decodeDg3, decodeDg7 } from './profile.ts';
import type { Biodata, Fingerprints, ImageBytes } from './profile.ts';
import { CardSession } from './session.ts';
import type { SessionOptions } from './session.ts';
import type { CardConnection, CardTransport, TransportEvent } from './transport.ts';

export type CardDriverStatus = 'online' | 'offline' | 'busy' | 'error';

export interface KtpCard {
  dg1: Biodata;
  faceImage: ImageBytes;
  fingerprints: Fingerprints;
  signatureImage: ImageBytes;
  sod: SodInfo;
  reader: string;
}

export interface ReadTimings {
  connectMs: number;
  /** Per file: com, dg1, dg2, dg3, dg7, sod. */
  filesMs: Record<string, number>;
  verifyMs: number;
  totalMs: number;
  apdus: number;
  bytes: number;
}

export type ReadCardResult = { ok: true; card: KtpCard; timings: ReadTimings } | { ok: false; code: CardErrorCode; message: string; dg?: number };
export type PersonalizeResult = { ok: true; reader: string; timings: { totalMs: number; apdus: number } } | { ok: false; code: CardErrorCode; message: string; dg?: number };

export interface ReadCardOptions {
  trust: readonly TrustAnchor[];
  /** Time at which certificates must be valid (default now). */
  at?: Date;
  reader?: string;
}

export type CardDriverEvent =
  | { type: 'status'; status: CardDriverStatus; reason?: string }
  | { type: 'reader'; reader: string; present: boolean }
  | { type: 'card'; reader: string; present: boolean };

export interface CardDriverOptions extends SessionOptions {
  /** Use only readers whose name contains this (default: any). */
  readerFilter?: string;
}

interface DriverEvents { event: [CardDriverEvent] }

export class CardDriver extends EventEmitter<DriverEvents> {
  private op: string | undefined;
  private linkOnline = false;
  private lastError: string | undefined;
  private started = false;

  constructor(readonly transport: CardTransport, private readonly opts: CardDriverOptions = {}) {
    super();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.transport.start((e) => this.onTransport(e));
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.transport.stop();
  }

  get status(): CardDriverStatus {
    if (!this.linkOnline) return this.lastError ? 'error' : 'offline';
    return this.op ? 'busy' : 'online';
  }

  get busy(): boolean { return this.op !== undefined; }

  readers(): string[] { return this.transport.readers().filter((r) => this.wanted(r)); }
  cardPresent(): boolean { return this.transport.readersWithCard().some((r) => this.wanted(r)); }

  private wanted(reader: string): boolean {
    return this.opts.readerFilter === undefined || reader.includes(this.opts.readerFilter);
  }

  private emitStatus(reason?: string): void {
    this.emit('event', reason ? { type: 'status', status: this.status, reason } : { type: 'status', status: this.status });
  }

  private onTransport(e: TransportEvent): void {
    switch (e.type) {
      case 'online': this.linkOnline = true; this.lastError = undefined; this.emitStatus(); break;
      case 'offline': this.linkOnline = false; this.emitStatus(e.reason); break;
      case 'error': this.linkOnline = false; this.lastError = e.reason; this.emitStatus(e.reason); break;
      case 'reader-added': if (this.wanted(e.reader)) this.emit('event', { type: 'reader', reader: e.reader, present: true }); break;
      case 'reader-removed': if (this.wanted(e.reader)) this.emit('event', { type: 'reader', reader: e.reader, present: false }); break;
      case 'card-inserted': if (this.wanted(e.reader)) this.emit('event', { type: 'card', reader: e.reader, present: true }); break;
      case 'card-removed': if (this.wanted(e.reader)) this.emit('event', { type: 'card', reader: e.reader, present: false }); break;
    }
  }

  /** Resolves when a card is present (or at once), or fails after `timeoutMs`. */
  waitForCard(timeoutMs: number): Promise<boolean> {
    if (this.cardPresent()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onEvent = (e: CardDriverEvent) => { if (e.type === 'card' && e.present) done(true); };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (v: boolean) => { clearTimeout(timer); this.off('event', onEvent); resolve(v); };
      this.on('event', onEvent);
    });
  }

  /** Runs `fn` as the one operation in progress, or refuses at once with BUSY. */
  private async exclusive<T extends { ok: boolean }>(name: string, fn: () => Promise<T | CardFailure>): Promise<T | CardFailure> {
    if (this.op) return fail('BUSY', `the card reader is busy (${this.op})`);
    this.op = name;
    this.emitStatus();
    try {
      return await fn();
    } finally {
      this.op = undefined;
      this.emitStatus();
    }
  }

  private async open(reader: string | undefined): Promise<Result<CardConnection>> {
    if (!this.linkOnline) return fail('READER_OFFLINE', 'the card reader service is offline');
    const readers = this.readers();
    if (readers.length === 0) return fail('NO_READER', 'no card reader connected');
    const withCard = this.transport.readersWithCard().filter((r) => this.wanted(r) && (reader === undefined || r === reader));
    const chosen = withCard[0];
    if (!chosen) return fail('NO_CARD', 'no card on the reader');
    return this.transport.connect(chosen);
  }

  readCard(options: ReadCardOptions): Promise<ReadCardResult> {
    return this.exclusive('reading a card', async (): Promise<ReadCardResult> => {
      const t0 = performance.now();
      const conn = await this.open(options.reader);
      if (!conn.ok) return conn;
      const connectMs = performance.now() - t0;
      const session = new CardSession(conn.value, this.opts);
      const filesMs: Record<string, number> = {};
      const files = new Map<number, Uint8Array>();
      let sod: Uint8Array | undefined;
      try {
        const app = await session.selectApplication(KTP_AID);
        if (!app.ok) return app.code === 'FILE_NOT_FOUND' ? fail('FILE_NOT_FOUND', 'no KTP-el application on this card (blank or foreign card)', { sw: 0x6a82 }) : app;
        let t = performance.now();
        const com = await session.readTlvFile(FID.COM);
        if (!com.ok) return com;
        const comParsed = decodeCom(com.value);
        if (!comParsed.ok) return comParsed;
        filesMs.com = performance.now() - t;
        for (const dg of DATA_GROUPS) {
          t = performance.now();
          const r = await session.readTlvFile(DG_FID[dg], dg);
          if (!r.ok) return r;
          files.set(dg, r.value);
          filesMs[`dg${dg}`] = performance.now() - t;
        }
        t = performance.now();
        const s = await session.readTlvFile(FID.SOD);
        if (!s.ok) return s.code === 'FILE_TRUNCATED' ? fail('FILE_TRUNCATED', s.message) : s;
        sod = s.value;
        filesMs.sod = performance.now() - t;
      } finally {
        await conn.value.disconnect();
      }
      if (!sod) return fail('MALFORMED_SOD', 'EF.SOD was not read');
      const tv = performance.now();
      const pa = await passiveAuthentication({ sod, dataGroups: files, trust: options.trust, ...(options.at ? { at: options.at } : {}) });
      if (!pa.ok) return pa;
      const dg1 = decodeDg1(files.get(1)!);
      if (!dg1.ok) return dg1;
      const face = decodeDg2(files.get(2)!);
      if (!face.ok) return face;
      const fp = decodeDg3(files.get(3)!);
      if (!fp.ok) return fp;
      const sig = decodeDg7(files.get(7)!);
      if (!sig.ok) return sig;
      const verifyMs = performance.now() - tv;
      return {
        ok: true,
        card: { dg1: dg1.value, faceImage: face.value, fingerprints: fp.value, signatureImage: sig.value, sod: pa.value, reader: conn.value.reader },
        timings: { connectMs, filesMs, verifyMs, totalMs: performance.now() - t0, apdus: session.apdus, bytes: session.bytesIn },
      };
    }).then(flatten);
  }

  /**
   * Writes a blank card: CREATE FILE of the application DF (AID, 4B01) under the MF, then for each
   * EF a CREATE FILE and UPDATE BINARY in chunks, then ACTIVATE FILE, which makes it read-only.
   * Contents are checked (every data group decodes) before anything is written.
   */
  personalize(contents: CardFiles, options: { reader?: string } = {}): Promise<PersonalizeResult> {
    return this.exclusive('personalising a card', async (): Promise<PersonalizeResult> => {
      const t0 = performance.now();
      const parsed = CardFilesSchema.safeParse(contents);
      if (!parsed.success) return fail('INVALID_CONTENTS', `card contents: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')} must be bytes`);
      const checks: Array<Result<unknown>> = [decodeCom(contents.com), decodeDg1(contents.dg1), decodeDg2(contents.dg2), decodeDg3(contents.dg3), decodeDg7(contents.dg7)];
      for (const c of checks) if (!c.ok) return fail('INVALID_CONTENTS', c.message, c.dg !== undefined ? { dg: c.dg } : {});
      const conn = await this.open(options.reader);
      if (!conn.ok) return conn;
      const session = new CardSession(conn.value, this.opts);
      try {
        const mf = await session.selectMf();
        if (!mf.ok) return mf;
        const existing = await session.selectApplication(KTP_AID);
        if (existing.ok) return fail('CARD_NOT_BLANK', 'the card already holds a KTP-el application');
        if (existing.code !== 'FILE_NOT_FOUND') return existing;
        const back = await session.selectMf();
        if (!back.ok) return back;
        const df = await session.createDf(APP_DF_FID, KTP_AID);
        if (!df.ok) return df.code === 'SECURITY_STATUS' || df.code === 'FILE_EXISTS' ? fail('CARD_NOT_BLANK', `the card refuses personalisation: ${df.message}`) : df;
        for (const f of cardFileList(contents)) {
          const w = await session.writeEf(f.fid, f.bytes);
          if (!w.ok) return w;
        }
        const act = await session.activate();
        if (!act.ok) return act;
      } finally {
        await conn.value.disconnect();
      }
      return { ok: true, reader: conn.value.reader, timings: { totalMs: performance.now() - t0, apdus: session.apdus } };
    }).then(flatten);
  }
}

/** Results leave the driver as `{ ok: false, code, message }` without internal fields such as sw. */
function flatten<T extends { ok: true }>(r: T | CardFailure | { ok: false; code: CardErrorCode; message: string; dg?: number }): T | { ok: false; code: CardErrorCode; message: string; dg?: number } {
  if (r.ok) return r;
  return r.dg !== undefined ? { ok: false, code: r.code, message: r.message, dg: r.dg } : { ok: false, code: r.code, message: r.message };
}

