/**
 * The hub's link to the DC: registers the hub's key, delivers the outbox (in order per case, many
 * cases at once, idempotency key = record id, retries with backoff and jitter, dead letters for
 * refused records), pulls notifications with a cursor and applies each exactly once, and purges
 * acknowledged biometrics after the retention period. Everything it does survives a crash: state
 * lives in SQLite, and a record sent twice is answered "duplicate" by the DC.
 */
import { z } from 'zod';
import type { Database } from '../store/db.ts';
import type { Logger } from '../log.ts';
import type { CaseService } from '../cases/case-service.ts';
import { DcTransportError, type DcHttpClient } from './https-client.ts';
import { DcKeysSchema, pinDcKeys, readPinnedDcKeys, type DcKeys, type HubKeys } from './keys.ts';
import { randomUUID } from 'node:crypto';
import { hubToken, sealBatch, type DcRecord } from './packet.ts';
import { judgeBatchResponse, retryDelayMs, type DeliveryVerdict, type RetryPolicy } from './backoff.ts';
import type { OutboxStore } from './outbox-store.ts';

export interface DcLinkOptions {
  db: Database;
  outbox: OutboxStore;
  cases: CaseService;
  client: DcHttpClient;
  hubKeys: HubKeys;
  hubId: string;
  officeName: string;
  bootstrapToken: string;
  dcKeysPath: string;
  retry: RetryPolicy;
  /** batches in flight at once */
  concurrency: number;
  /** records in one batch (each keeps its own idempotency key) */
  batchSize: number;
  pollIntervalMs: number;
  retentionMs: number;
  log: Logger;
  now?: () => Date;
}

const NotificationSchema = z.discriminatedUnion('type', [
  z.object({ seq: z.number().int(), id: z.string().min(1), type: z.literal('uniqueness_result'), caseRef: z.string(), at: z.string(),
    body: z.union([z.object({ result: z.literal('single') }), z.object({ result: z.literal('duplicate'), candidates: z.array(z.unknown()) })]) }),
  z.object({ seq: z.number().int(), id: z.string().min(1), type: z.literal('card_ready'), caseRef: z.string(), at: z.string(), body: z.object({ cardSerial: z.string() }) }),
]);
const PageSchema = z.object({ notifications: z.array(z.unknown()), lastSeq: z.number().int().nullable().optional() });

interface Outcome { id: number; delivered?: { receiptId: string; at: Date }; dead?: string; retry?: { error: string; nextAt: Date } }

export class DcLink {
  private running = false;
  private registered = false;
  private dcKeys: DcKeys | null;
  private reachable = false;
  private lastContactAt: string | null = null;
  private lastError: string | null = null;
  private readonly inflight = new Set<number>();
  private batchesInFlight = 0;
  private outcomes: Outcome[] = [];
  private wakeSender: (() => void) | null = null;
  private pollWake: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private loops: Promise<void>[] = [];
  private readonly now: () => Date;

  constructor(private readonly o: DcLinkOptions) {
    this.now = o.now ?? (() => new Date());
    this.dcKeys = readPinnedDcKeys(o.dcKeysPath);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops.push(this.senderLoop(), this.pollLoop());
    const purge = setInterval(() => void this.purge(), 60 * 60_000);
    purge.unref();
    this.timers.push(purge);
    void this.purge();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.wakeSender?.();
    this.pollWake?.();
    await Promise.allSettled(this.loops);
    await this.flush();
    this.o.client.close();
  }

  /** a new record is waiting: send it now rather than at the next poll */
  wake(): void {
    this.wakeSender?.();
  }

  async status() {
    return {
      registered: this.registered, reachable: this.reachable, lastContactAt: this.lastContactAt, lastError: this.lastError,
      inFlight: this.inflight.size, ...(await this.o.outbox.stats(this.now())),
    };
  }

  retryDeadLetter(recordId: string): Promise<boolean> {
    return this.o.outbox.retryDead(recordId, this.now()).then((ok) => { if (ok) this.wake(); return ok; });
  }

  private contact(ok: boolean, error?: string): void {
    this.reachable = ok;
    if (ok) this.lastContactAt = this.now().toISOString();
    if (error) this.lastError = error;
  }

  private async request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) {
    try {
      const r = await this.o.client.send(method, path, headers, body);
      this.contact(true);
      return r;
    } catch (e) {
      this.contact(false, (e as Error).message);
      throw e;
    }
  }

  private async ensureRegistered(): Promise<boolean> {
    if (this.registered) return true;
    try {
      if (!this.dcKeys) {
        const r = await this.request('GET', '/v1/keys', {});
        const keys = DcKeysSchema.safeParse(r.body);
        if (r.status !== 200 || !keys.success) throw new Error(`DC keys answer not understood (HTTP ${r.status})`);
        // trust on first use, over a TLS connection to the pinned certificate
        pinDcKeys(this.o.dcKeysPath, keys.data);
        this.dcKeys = keys.data;
      }
      const r = await this.request('POST', '/v1/hubs/register', { authorization: `Bearer ${this.o.bootstrapToken}`, 'content-type': 'application/json' },
        JSON.stringify({ hubId: this.o.hubId, officeName: this.o.officeName, publicJwk: this.o.hubKeys.publicJwk }));
      if (r.status !== 200 && r.status !== 201) {
        this.lastError = `registration refused: HTTP ${r.status} ${JSON.stringify(r.body)}`;
        this.o.log.error('DC registration refused', { status: r.status });
        return false;
      }
      this.registered = true;
      this.o.log.info('registered with the DC', { hubId: this.o.hubId });
      return true;
    } catch (e) {
      this.o.log.warn('DC not reachable for registration', { error: e });
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wakeSender = null; resolve(); }, ms);
      this.wakeSender = () => { clearTimeout(t); this.wakeSender = null; resolve(); };
    });
  }

  private async senderLoop(): Promise<void> {
    let registerAttempt = 0;
    while (this.running) {
      if (!this.registered) {
        if (!(await this.ensureRegistered())) {
          await this.sleep(retryDelayMs(++registerAttempt, this.o.retry));
          continue;
        }
      }
      const freeBatches = this.o.concurrency - this.batchesInFlight;
      const due = freeBatches > 0 ? await this.o.outbox.due(this.now(), freeBatches * this.o.batchSize, this.inflight) : [];
      for (let i = 0; i < due.length; i += this.o.batchSize) {
        const batch = due.slice(i, i + this.o.batchSize);
        for (const d of batch) this.inflight.add(d.row.id);
        this.batchesInFlight++;
        void this.deliverBatch(batch.map((d) => ({ id: d.row.id, attempts: d.row.attempts, record: d.record })))
          .then((outcomes) => { this.batchesInFlight--; for (const o of outcomes) this.record(o); });
      }
      if (due.length === 0) await this.sleep(this.inflight.size > 0 ? 50 : 250);
      else if (this.batchesInFlight >= this.o.concurrency) await this.sleep(20);
    }
  }

  /** One sealed packet for many records; each record gets its own verdict. */
  private async deliverBatch(items: { id: number; attempts: number; record: DcRecord }[]): Promise<Outcome[]> {
    const verdictOf = (v: DeliveryVerdict, item: { id: number; attempts: number; record: DcRecord }): Outcome => {
      switch (v.kind) {
        case 'delivered': return { id: item.id, delivered: { receiptId: v.receiptId, at: this.now() } };
        case 'dead':
          this.o.log.warn('DC refused a record; dead-lettered', { recordId: item.record.recordId, reason: v.reason });
          return { id: item.id, dead: v.reason };
        case 'reregister':
          this.registered = false;
          return { id: item.id, retry: { error: v.reason, nextAt: new Date(this.now().getTime() + retryDelayMs(item.attempts + 1, this.o.retry)) } };
        case 'retry':
          return { id: item.id, retry: { error: v.reason, nextAt: new Date(this.now().getTime() + retryDelayMs(item.attempts + 1, this.o.retry)) } };
      }
    };
    try {
      const batchId = randomUUID();
      const sealed = await sealBatch({ batchId, hubId: this.o.hubId, records: items.map((i) => i.record) },
        this.o.hubKeys.privateKey, this.dcKeys!.encryption as Parameters<typeof sealBatch>[2]);
      const token = await hubToken(this.o.hubId, this.o.hubKeys.privateKey);
      const r = await this.request('POST', '/v1/record-batches', {
        authorization: `Bearer ${token}`, 'idempotency-key': batchId, 'content-type': 'application/jose',
      }, sealed);
      const verdicts = judgeBatchResponse(r.status, r.body, items.map((i) => i.record.recordId));
      return items.map((i) => verdictOf(verdicts.get(i.record.recordId)!, i));
    } catch (e) {
      const reason = e instanceof DcTransportError ? `${e.code}: ${e.message}` : (e as Error).message;
      return items.map((i) => verdictOf({ kind: 'retry', reason }, i));
    }
  }

  private flushTimer: NodeJS.Timeout | null = null;
  private record(o: Outcome): void {
    this.outcomes.push(o);
    if (this.outcomes.length >= 32) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 10);
  }

  private async flush(): Promise<void> {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = null; }
    const batch = this.outcomes;
    this.outcomes = [];
    if (batch.length === 0) return;
    try {
      await this.o.outbox.settle(batch);
    } catch (e) {
      this.o.log.error('could not record delivery outcomes; they will be sent again', { error: e });
    }
    // only now may these rows be picked again (a retry, or never, once delivered)
    for (const b of batch) this.inflight.delete(b.id);
    this.wake();
  }

  private async pollLoop(): Promise<void> {
    while (this.running) {
      if (this.registered) {
        try {
          await this.pullNotifications();
        } catch (e) {
          this.o.log.warn('notification pull failed', { error: e });
        }
      }
      await new Promise<void>((r) => {
        this.pollWake = () => { clearTimeout(t); this.pollWake = null; r(); };
        const t = setTimeout(() => { this.pollWake = null; r(); }, this.o.pollIntervalMs);
      });
    }
  }

  /** Pulls every page after the stored cursor; each page is applied in one transaction. */
  async pullNotifications(): Promise<number> {
    let applied = 0;
    for (;;) {
      const cursor = Number((await this.o.db.get<{ value: string }>(`SELECT value FROM kv WHERE key = 'dc.cursor'`))?.value ?? 0);
      const token = await hubToken(this.o.hubId, this.o.hubKeys.privateKey);
      const r = await this.request('GET', `/v1/notifications?after=${cursor}&limit=200`, { authorization: `Bearer ${token}` });
      if (r.status === 401) { this.registered = false; return applied; }
      const page = PageSchema.safeParse(r.body);
      if (r.status !== 200 || !page.success) throw new Error(`notifications answer not understood (HTTP ${r.status})`);
      if (page.data.notifications.length === 0) return applied;
      let maxSeq = cursor;
      await this.o.db.transaction(async (q) => {
        for (const raw of page.data.notifications) {
          const n = NotificationSchema.safeParse(raw);
          const seq = typeof (raw as { seq?: unknown }).seq === 'number' ? (raw as { seq: number }).seq : maxSeq;
          maxSeq = Math.max(maxSeq, seq);
          if (!n.success) {
            this.o.log.warn('DC notification not understood; skipped', { seq });
            continue;
          }
          const seen = await q.get('SELECT 1 FROM dc_notifications WHERE id = ?', [n.data.id]);
          if (seen) continue;
          const ok = n.data.type === 'uniqueness_result'
            ? await this.o.cases.applyUniqueness(q, n.data.caseRef, n.data.body)
            : await this.o.cases.applyCardReady(q, n.data.caseRef, n.data.body);
          if (!ok) this.o.log.warn('DC notification for an unknown case', { seq: n.data.seq, type: n.data.type });
          await q.run('INSERT INTO dc_notifications (id, seq, type, case_id, applied_at) VALUES (?, ?, ?, ?, ?)',
            [n.data.id, n.data.seq, n.data.type, n.data.caseRef, this.now().toISOString()]);
          applied++;
        }
        await q.run(`INSERT INTO kv (key, value) VALUES ('dc.cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(maxSeq)]);
      });
      if (page.data.notifications.length < 200) return applied;
    }
  }

  private async purge(): Promise<void> {
    try {
      const now = this.now();
      const records = await this.o.outbox.purgeDelivered(now, this.o.retentionMs);
      const cases = await this.o.cases.purgeBiometrics(now, this.o.retentionMs);
      if (records || cases) this.o.log.info('purged acknowledged biometric payloads', { records, cases });
    } catch (e) {
      this.o.log.warn('purge failed', { error: e });
    }
  }

  /** runs the retention purge now (supervisor action and tests) */
  purgeNow(): Promise<void> { return this.purge(); }
}
