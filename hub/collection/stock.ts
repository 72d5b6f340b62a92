/**
 * The cards held at this service point: a card enters the stock when the DC announces it ready
 * (card_ready) for one of our cases, leaves it when collected, or is recorded for return to
 * Kemendagri. Names are encrypted at rest; NIKs are found by their lookup hash.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';
import { maskNik } from '../domain/index.ts';
import { HubError } from '../http/errors.ts';

export type StockStatus = 'in_stock' | 'collected' | 'returned';

export interface StockRow {
  id: string; case_id: string; card_serial: string; nik_hash: string; nik_masked: string; name_enc: Buffer;
  status: StockStatus; received_at: string; collected_at: string | null; returned_at: string | null;
  return_reason: string | null; collection_id: string | null;
}

export interface StockItem {
  id: string; caseId: string; cardSerial: string; nikMasked: string; fullName: string; status: StockStatus;
  receivedAt: string; collectedAt: string | null; returnedAt: string | null; returnReason: string | null;
}

const NAME_CONTEXT = 'card_stock.name';

export class CardStock {
  constructor(private readonly db: Database, private readonly cipher: AtRestCipher) {}

  view(r: StockRow): StockItem {
    return {
      id: r.id, caseId: r.case_id, cardSerial: r.card_serial, nikMasked: r.nik_masked,
      fullName: this.cipher.decryptText(r.name_enc, NAME_CONTEXT), status: r.status,
      receivedAt: r.received_at, collectedAt: r.collected_at, returnedAt: r.returned_at, returnReason: r.return_reason,
    };
  }

  /** Inside the caller's transaction (the DC notification's): the card of `caseId` arrived. */
  async receive(q: Queryable, input: { caseId: string; cardSerial: string; nik: string; fullName: string }, at: Date): Promise<void> {
    const have = await q.get<{ id: string }>('SELECT id FROM card_stock WHERE card_serial = ?', [input.cardSerial]);
    if (have) return;
    await q.run(`INSERT INTO card_stock (id, case_id, card_serial, nik_hash, nik_masked, name_enc, status, received_at)
                 VALUES (?, ?, ?, ?, ?, ?, 'in_stock', ?)`,
    [randomUUID(), input.caseId, input.cardSerial, this.cipher.lookupHash(input.nik, 'nik'), maskNik(input.nik),
      this.cipher.encrypt(input.fullName, NAME_CONTEXT), at.toISOString()]);
  }

  /** Every card of this NIK, newest first. */
  async byNik(nik: string): Promise<StockRow[]> {
    return this.db.all<StockRow>('SELECT * FROM card_stock WHERE nik_hash = ? ORDER BY received_at DESC', [this.cipher.lookupHash(nik, 'nik')]);
  }

  async byCase(caseId: string): Promise<StockRow[]> {
    return this.db.all<StockRow>('SELECT * FROM card_stock WHERE case_id = ? ORDER BY received_at DESC', [caseId]);
  }

  async get(id: string): Promise<StockRow> {
    const r = await this.db.get<StockRow>('SELECT * FROM card_stock WHERE id = ?', [id]);
    if (!r) throw new HubError(404, 'UNKNOWN_CARD', `no card ${id} in this office's stock`);
    return r;
  }

  /**
   * The operator's lists: every card still in stock, and the cards collected or returned on `day`
   * (`dayStart`/`dayEnd` are that day's bounds in UTC ISO).
   */
  async lists(dayStart: string, dayEnd: string): Promise<{ inStock: StockItem[]; collected: StockItem[]; returned: StockItem[] }> {
    const inStock = await this.db.all<StockRow>(`SELECT * FROM card_stock WHERE status = 'in_stock' ORDER BY received_at`);
    const collected = await this.db.all<StockRow>(`SELECT * FROM card_stock WHERE status = 'collected' AND collected_at >= ? AND collected_at < ? ORDER BY collected_at`, [dayStart, dayEnd]);
    const returned = await this.db.all<StockRow>(`SELECT * FROM card_stock WHERE status = 'returned' AND returned_at >= ? AND returned_at < ? ORDER BY returned_at`, [dayStart, dayEnd]);
    return { inStock: inStock.map((r) => this.view(r)), collected: collected.map((r) => this.view(r)), returned: returned.map((r) => this.view(r)) };
  }

  async markCollected(q: Queryable, stockId: string, collectionId: string, at: Date): Promise<void> {
    const r = await q.run(`UPDATE card_stock SET status = 'collected', collected_at = ?, collection_id = ? WHERE id = ? AND status = 'in_stock'`,
      [at.toISOString(), collectionId, stockId]);
    if (r.changes !== 1) throw new HubError(409, 'CARD_NOT_IN_STOCK', 'the card is no longer in stock');
  }

  async markReturned(q: Queryable, stockId: string, reason: string, collectionId: string | null, at: Date): Promise<void> {
    const r = await q.run(`UPDATE card_stock SET status = 'returned', returned_at = ?, return_reason = ?, collection_id = COALESCE(?, collection_id)
                           WHERE id = ? AND status = 'in_stock'`, [at.toISOString(), reason, collectionId, stockId]);
    if (r.changes !== 1) throw new HubError(409, 'CARD_NOT_IN_STOCK', 'the card is no longer in stock');
  }
}
