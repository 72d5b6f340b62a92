/**
 * The durable outbox in the hub's SQLite. Records are written by the transaction that caused them
 * (see CaseService), encrypted at rest, and leave only when the DC has acknowledged them.
 */
import type { Database, Queryable } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';
import type { DcRecord } from './packet.ts';

const CONTEXT = 'outbox.payload';

export interface OutboxRow {
  id: number; record_id: string; case_id: string; case_seq: number; kind: DcRecord['kind'];
  status: 'pending' | 'delivered' | 'dead'; attempts: number; next_attempt_at: string; last_error: string | null;
  created_at: string; delivered_at: string | null; receipt_id: string | null;
}

export interface DueRecord { row: OutboxRow; record: DcRecord }

export class OutboxStore {
  constructor(private readonly db: Database, private readonly cipher: AtRestCipher) {}

  /** Adds a record inside the caller's transaction, with the next sequence number of its case. */
  async enqueue(q: Queryable, record: Omit<DcRecord, 'seq'>, at: Date): Promise<DcRecord> {
    const last = await q.get<{ s: number | null }>('SELECT MAX(case_seq) AS s FROM outbox WHERE case_id = ?', [record.caseRef]);
    const full: DcRecord = { ...record, seq: (last?.s ?? 0) + 1 };
    await q.run(`INSERT INTO outbox (record_id, case_id, case_seq, kind, payload_enc, status, next_attempt_at, created_at)
                 VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
    [full.recordId, full.caseRef, full.seq, full.kind, this.cipher.encrypt(JSON.stringify(full), CONTEXT), at.toISOString(), at.toISOString()]);
    return full;
  }

  /**
   * Records ready to send: pending, due, and with every earlier record of their case delivered,
   * so each case reaches the DC in order. `exclude` are the ones already in flight.
   */
  async due(now: Date, limit: number, exclude: ReadonlySet<number>): Promise<DueRecord[]> {
    const rows = await this.db.all<OutboxRow & { payload_enc: Buffer | null }>(
      `SELECT o.* FROM outbox o
       WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.case_id = o.case_id AND p.case_seq < o.case_seq AND p.status <> 'delivered')
       ORDER BY o.id LIMIT ?`, [now.toISOString(), limit + exclude.size]);
    const out: DueRecord[] = [];
    for (const r of rows) {
      if (exclude.has(r.id) || !r.payload_enc) continue;
      out.push({ row: r, record: JSON.parse(this.cipher.decryptText(r.payload_enc, CONTEXT)) as DcRecord });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Writes a batch of outcomes in one transaction (one fsync for many deliveries). */
  async settle(outcomes: { id: number; delivered?: { receiptId: string; at: Date }; dead?: string; retry?: { error: string; nextAt: Date } }[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.db.transaction(async (q) => {
      for (const o of outcomes) {
        if (o.delivered) {
          await q.run(`UPDATE outbox SET status = 'delivered', delivered_at = ?, receipt_id = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND status = 'pending'`,
            [o.delivered.at.toISOString(), o.delivered.receiptId, o.id]);
        } else if (o.dead) {
          await q.run(`UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'`, [o.dead, o.id]);
        } else if (o.retry) {
          await q.run(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending'`,
            [o.retry.error, o.retry.nextAt.toISOString(), o.id]);
        }
      }
    });
  }

  /** A dead letter goes back to the queue, e.g. after the supervisor fixed the cause. */
  async retryDead(recordId: string, now: Date): Promise<boolean> {
    const r = await this.db.run(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE record_id = ? AND status = 'dead'`,
      [now.toISOString(), recordId]);
    return r.changes === 1;
  }

  async stats(now: Date) {
    const pending = await this.db.get<{ n: number; oldest: string | null }>(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'`);
    const delivered = await this.db.get<{ n: number; last: string | null }>(`SELECT COUNT(*) AS n, MAX(delivered_at) AS last FROM outbox WHERE status = 'delivered'`);
    const dead = await this.db.all<{ record_id: string; case_id: string; kind: string; last_error: string | null; attempts: number; created_at: string }>(
      `SELECT record_id, case_id, kind, last_error, attempts, created_at FROM outbox WHERE status = 'dead' ORDER BY id`);
    return {
      depth: pending?.n ?? 0,
      oldestPendingAgeSeconds: pending?.oldest ? Math.round((now.getTime() - Date.parse(pending.oldest)) / 1000) : null,
      delivered: delivered?.n ?? 0,
      lastDeliveryAt: delivered?.last ?? null,
      deadLetters: dead.map((d) => ({ recordId: d.record_id, caseId: d.case_id, kind: d.kind, reason: d.last_error, attempts: d.attempts, createdAt: d.created_at })),
    };
  }

  async recordsOfCase(caseId: string) {
    return this.db.all<OutboxRow>('SELECT id, record_id, case_id, case_seq, kind, status, attempts, next_attempt_at, last_error, created_at, delivered_at, receipt_id FROM outbox WHERE case_id = ? ORDER BY case_seq', [caseId]);
  }

  /**
   * Removes the payload (biometrics and all) of records the DC acknowledged more than `retentionMs`
   * ago; the row stays as the trace of what was sent.
   */
  async purgeDelivered(now: Date, retentionMs: number): Promise<number> {
    const before = new Date(now.getTime() - retentionMs).toISOString();
    const r = await this.db.run(`UPDATE outbox SET payload_enc = NULL, purged_at = ? WHERE status = 'delivered' AND payload_enc IS NOT NULL AND delivered_at <= ?`,
      [now.toISOString(), before]);
    return r.changes;
  }
}
