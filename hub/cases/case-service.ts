/**
 * Cases: a resident's enrolment (perekaman) record and, later, card collection. Creating a case and
 * queueing its record for the DC happen in one transaction: a record the hub accepted is never
 * lost and never sent without its case. Personal and biometric data are encrypted at rest.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { decodeIso19794 } from '../../matcher/index.ts';
import type { Database, Queryable } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';
import type { OutboxStore } from '../dc/outbox-store.ts';
import { maskNik, validateNik, type RegionLookup } from '../domain/index.ts';
import { HubError } from '../http/errors.ts';
import type { CardStock } from '../collection/stock.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const EnrolmentInputSchema = z.object({
  nik: z.string().max(32),
  fullName: z.string().trim().min(1, 'required').max(120),
  fingerprints: z.array(z.object({
    position: z.number().int().min(1, 'ISO finger position 1-10').max(10, 'ISO finger position 1-10'),
    format: z.literal('iso19794-2'),
    data: base64.max(64_000, 'template too large'),
  })).min(1, 'at least one fingerprint').max(10),
  face: base64.max(400_000, 'face image too large').optional(),
  signature: base64.max(200_000, 'signature image too large').optional(),
});
export type EnrolmentInput = z.infer<typeof EnrolmentInputSchema>;

export type CaseStatus = 'recorded' | 'unique' | 'duplicate' | 'card_ready' | 'collected' | 'collection_failed';

export interface CaseView {
  id: string; kind: 'enrolment' | 'collection'; status: CaseStatus; nikMasked: string;
  createdAt: string; updatedAt: string; dcResult: unknown;
}

interface CaseRow { id: string; kind: 'enrolment' | 'collection'; status: CaseStatus; nik_masked: string; created_at: string; updated_at: string; dc_result_json: string | null }
const toView = (r: CaseRow): CaseView => ({
  id: r.id, kind: r.kind, status: r.status, nikMasked: r.nik_masked, createdAt: r.created_at, updatedAt: r.updated_at,
  dcResult: r.dc_result_json ? JSON.parse(r.dc_result_json) : null,
});

export class CaseService {
  constructor(
    private readonly db: Database,
    private readonly cipher: AtRestCipher,
    private readonly outbox: OutboxStore,
    private readonly regions: RegionLookup,
    private readonly hubId: () => string,
    private readonly now: () => Date = () => new Date(),
    private readonly onRecord: () => void = () => undefined,
    /** where a card announced ready enters this office's stock */
    private readonly stock?: CardStock,
  ) {}

  /** Validates every template with our ISO/IEC 19794-2 reader before accepting anything. */
  async createEnrolment(input: EnrolmentInput, actor: string): Promise<CaseView> {
    const nik = validateNik(input.nik, this.regions, this.now());
    if (!nik.ok) throw new HubError(400, nik.code, nik.message, 'nik');
    const seen = new Set<number>();
    input.fingerprints.forEach((f, i) => {
      if (seen.has(f.position)) throw new HubError(400, 'INVALID_INPUT', `finger position ${f.position} given twice`, `fingerprints.${i}.position`);
      seen.add(f.position);
      const t = decodeIso19794(Buffer.from(f.data, 'base64'));
      if (!t.ok) throw new HubError(400, 'INVALID_TEMPLATE', `not a valid ISO/IEC 19794-2 record: ${t.error}`, `fingerprints.${i}.data`);
    });
    const id = randomUUID();
    const at = this.now();
    const iso = at.toISOString();
    const biometrics = { fingerprints: input.fingerprints, face: input.face, signature: input.signature };
    const row = await this.db.transaction(async (q) => {
      await q.run(`INSERT INTO cases (id, kind, status, nik_enc, nik_hash, nik_masked, name_enc, biometrics_enc, created_at, updated_at, created_by)
                   VALUES (?, 'enrolment', 'recorded', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, this.cipher.encrypt(nik.value.nik, 'cases.nik'), this.cipher.lookupHash(nik.value.nik, 'nik'), maskNik(nik.value.nik),
        this.cipher.encrypt(input.fullName, 'cases.name'), this.cipher.encrypt(JSON.stringify(biometrics), 'cases.biometrics'), iso, iso, actor]);
      await this.event(q, id, 'recorded', at, actor, { fingers: input.fingerprints.map((f) => f.position) });
      await this.outbox.enqueue(q, {
        recordId: randomUUID(), hubId: this.hubId(), caseRef: id, kind: 'enrolment', createdAt: iso,
        body: { nik: nik.value.nik, fullName: input.fullName, ...biometrics },
      }, at);
      return (await q.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [id]))!;
    });
    this.onRecord();
    return toView(row);
  }

  private async event(q: Queryable, caseId: string, type: string, at: Date, actor: string | null, data: Record<string, unknown>) {
    await q.run('INSERT INTO case_events (case_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)', [caseId, type, at.toISOString(), actor, JSON.stringify(data)]);
  }

  async get(id: string): Promise<CaseView & { outbox: unknown[] }> {
    const r = await this.db.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [id]);
    if (!r) throw new HubError(404, 'UNKNOWN_CASE', `no case ${id}`);
    const outbox = (await this.outbox.recordsOfCase(id)).map((o) => ({
      recordId: o.record_id, kind: o.kind, seq: o.case_seq, status: o.status, attempts: o.attempts, lastError: o.last_error, deliveredAt: o.delivered_at,
    }));
    return { ...toView(r), outbox };
  }

  /** Applies a DC uniqueness result inside the notification's transaction. */
  async applyUniqueness(q: Queryable, caseId: string, body: { result: 'single' } | { result: 'duplicate'; candidates: unknown[] }): Promise<boolean> {
    const c = await q.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [caseId]);
    if (!c) return false;
    const at = this.now();
    const status: CaseStatus = body.result === 'single' ? 'unique' : 'duplicate';
    await q.run('UPDATE cases SET status = ?, dc_result_json = ?, updated_at = ? WHERE id = ?', [status, JSON.stringify(body), at.toISOString(), caseId]);
    await this.event(q, caseId, `dc.${status}`, at, 'dc', {});
    if (body.result === 'duplicate') {
      await q.run('INSERT INTO clarifications (case_id, candidates_json, created_at) VALUES (?, ?, ?)', [caseId, JSON.stringify(body.candidates), at.toISOString()]);
    }
    return true;
  }

  async applyCardReady(q: Queryable, caseId: string, body: { cardSerial: string }): Promise<boolean> {
    const c = await q.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [caseId]);
    if (!c) return false;
    const at = this.now();
    await q.run(`UPDATE cases SET status = 'card_ready', updated_at = ? WHERE id = ?`, [at.toISOString(), caseId]);
    await this.event(q, caseId, 'dc.card_ready', at, 'dc', { cardSerial: body.cardSerial });
    if (this.stock) {
      const row = await q.get<{ nik_enc: Buffer; name_enc: Buffer | null }>('SELECT nik_enc, name_enc FROM cases WHERE id = ?', [caseId]);
      await this.stock.receive(q, {
        caseId, cardSerial: body.cardSerial, nik: this.cipher.decryptText(row!.nik_enc, 'cases.nik'),
        fullName: row!.name_enc ? this.cipher.decryptText(row!.name_enc, 'cases.name') : '-',
      }, at);
    }
    return true;
  }

  async clarifications(open = true) {
    const rows = await this.db.all<{ id: number; case_id: string; candidates_json: string; created_at: string; resolved_at: string | null; resolution: string | null; note: string | null }>(
      `SELECT c.* FROM clarifications c ${open ? 'WHERE c.resolved_at IS NULL' : ''} ORDER BY c.id`);
    const out = [];
    for (const r of rows) {
      const cs = await this.db.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [r.case_id]);
      out.push({ id: r.id, caseId: r.case_id, nikMasked: cs?.nik_masked ?? '', candidates: JSON.parse(r.candidates_json), createdAt: r.created_at, resolvedAt: r.resolved_at, resolution: r.resolution, note: r.note });
    }
    return out;
  }

  async resolveClarification(id: number, resolution: 'same_person' | 'different_person' | 'fraud_suspected', note: string, actor: string) {
    const r = await this.db.run(`UPDATE clarifications SET resolved_at = ?, resolution = ?, note = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL`,
      [this.now().toISOString(), resolution, note, actor, id]);
    if (r.changes !== 1) throw new HubError(404, 'UNKNOWN_CLARIFICATION', `no open clarification ${id}`);
  }

  /** Biometrics leave the hub once every record of the case is acknowledged and retention passed. */
  async purgeBiometrics(now: Date, retentionMs: number): Promise<number> {
    const before = new Date(now.getTime() - retentionMs).toISOString();
    const r = await this.db.run(`UPDATE cases SET biometrics_enc = NULL, biometrics_purged_at = ?
      WHERE biometrics_enc IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = cases.id AND (o.status <> 'delivered' OR o.delivered_at > ?))
        AND EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = cases.id)`, [now.toISOString(), before]);
    return r.changes;
  }
}
