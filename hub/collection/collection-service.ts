/**
 * Card collection at the kiosk (SOP B2, B3): one live session per resident, from identification to
 * the handover receipt. The session's working data (the chip's contents, its templates) stay in
 * memory; every step is stored with its time, and a result (berhasil, or gagal with the card's
 * return) is written with its DC outbox records in one transaction, so nothing is half-recorded.
 * A hub restart ends the sessions it had open as abandoned; the case and the card are unchanged.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PNG } from 'pngjs';
import { decodeIso19794, verify, type Template } from '../../matcher/index.ts';
import type { card as cardLib } from '../../devices/index.ts';
import type { Database, Queryable } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';
import type { OutboxStore } from '../dc/outbox-store.ts';
import type { Logger } from '../log.ts';
import type { HubConfig } from '../config.ts';
import type { DeviceManager } from '../devices/manager.ts';
import type { PrintResult } from '../devices/ports.ts';
import type { QueueService } from '../queue/queue-service.ts';
import {
  applyOverride, canOverride, collectionDayStats, dayKey, freshFingers, isLive, maskNik, recordTry, validateNik, verdict,
  verifiedPositions, type CollectionStep, type DataField, type FingerName, type Fingers, type RegionLookup, type VerificationPolicy,
} from '../domain/index.ts';
import { HubError } from '../http/errors.ts';
import { parseTicketQr, qrSvg } from '../queue/ticket-qr.ts';
import { codeKind, parseReceiptQr, parseSummonsQr, receiptQrText } from './codes.ts';
import { CardStock, type StockRow } from './stock.ts';

/** Who acts: the kiosk device or a signed-in officer. */
export type Actor =
  | { kind: 'kiosk'; deviceId: string }
  | { kind: 'officer'; username: string; displayName: string; role: 'operator' | 'supervisor' };

const actorName = (a: Actor) => (a.kind === 'kiosk' ? `kiosk:${a.deviceId}` : a.username);

/** Card read failures that mean the chip's data cannot be trusted: the card is refused. */
const REFUSED_CARD = new Set(['SOD_SIGNATURE_INVALID', 'UNTRUSTED_SIGNER', 'DG_HASH_MISMATCH', 'DG_MISSING', 'MALFORMED_SOD', 'MALFORMED_DG']);

export interface ChipData {
  biodata: cardLib.Biodata;
  faceDataUrl: string;
  signatureDataUrl: string;
  passiveAuth: { valid: true; signer: string; signingTime: string | null };
}

interface Session {
  id: string;
  stock: StockRow;
  nik: string;
  fullName: string;
  kioskId: string | null;
  identifiedBy: 'nik' | 'ticket' | 'summons';
  step: CollectionStep;
  fingers: Fingers;
  startedAt: string;
  lastActivity: number;
  chip?: ChipData;
  templates?: Record<FingerName, Template>;
  /** what identifies the physical card, to recognise it when it comes back after being lifted */
  cardFingerprint?: string;
  cardAway: boolean;
  reading: boolean;
  notice?: { code: string; message: string };
  discrepancy?: { fields: DataField[]; note: string };
  held?: { code: string; message: string };
  lastTry?: { finger: FingerName; match: boolean; score: number; triesLeft: number } | { finger: FingerName; error: { code: string; message: string } };
  capture?: AbortController;
  signing: boolean;
  officer?: { username: string; displayName: string };
  oldKtp?: 'withdrawn' | 'none';
  receipt?: ReceiptView;
  failure?: string;
  endReason?: string;
}

export interface ReceiptView {
  number: string;
  rows: { label: string; value: string }[];
  qrText: string;
  qrSvg: string;
  signatureSvg: string;
  printed: PrintResult;
  completedAt: string;
}

/** What the kiosk and the operator screen show of a session. */
export interface CollectionView {
  id: string;
  step: CollectionStep;
  kioskId: string | null;
  identifiedBy: Session['identifiedBy'];
  startedAt: string;
  caseRecord: { caseId: string; nik: string; nikMasked: string; fullName: string; cardSerial: string; receivedAt: string };
  chip: ChipData | null;
  comparison: { field: string; chip: string; record: string; same: boolean }[];
  cardPresent: boolean;
  cardAway: boolean;
  reading: boolean;
  notice: Session['notice'] | null;
  discrepancy: Session['discrepancy'] | null;
  held: Session['held'] | null;
  fingers: Fingers;
  currentFinger: FingerName | null;
  maxTries: number;
  capturing: boolean;
  lastTry: Session['lastTry'] | null;
  officer: Session['officer'] | null;
  oldKtp: Session['oldKtp'] | null;
  receipt: ReceiptView | null;
  failure: string | null;
  endReason: string | null;
}

export interface CollectionEvents {
  state: [CollectionView];
  guidance: [{ collectionId: string; kioskId: string | null; finger: FingerName; event: string }];
  ended: [{ collectionId: string }];
}

export interface CollectionDeps {
  db: Database;
  cipher: AtRestCipher;
  outbox: OutboxStore;
  stock: CardStock;
  queue: QueueService;
  devices: DeviceManager;
  regions: RegionLookup;
  config: HubConfig;
  qrKey: Buffer;
  log: Logger;
  hubId: () => string;
  /** the outbox has a new record */
  onRecord: () => void;
  audit: (actor: string, action: string, detail: Record<string, unknown>) => Promise<void>;
  now?: () => Date;
}

export class CollectionService extends EventEmitter<CollectionEvents> {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => Date;
  private readonly policy: VerificationPolicy;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly offCard: () => void;

  constructor(private readonly d: CollectionDeps) {
    super();
    this.now = d.now ?? (() => new Date());
    this.policy = { maxTries: d.config.collection.maxTries, requireBoth: d.config.collection.requireBothFingers };
    // a failure here (e.g. the database) is logged; the card event must never take the hub down
    const onCard = (e: { present: boolean }) => { this.onCardEvent(e.present).catch((err) => d.log.warn('card event not handled', { error: err })); };
    d.devices.events.on('card', onCard);
    this.offCard = () => d.devices.events.off('card', onCard);
  }

  /** At start: sessions a previous run left open end as abandoned. Then the idle sweeper. */
  async load(): Promise<void> {
    const open = await this.d.db.all<{ id: string }>(`SELECT id FROM collections WHERE status = 'in_progress'`);
    if (open.length > 0) {
      const at = this.now();
      await this.d.db.transaction(async (q) => {
        for (const r of open) {
          await q.run(`UPDATE collections SET status = 'abandoned', step = 'abandoned', ended_at = ?, end_reason = 'hub restarted' WHERE id = ?`, [at.toISOString(), r.id]);
          await this.event(q, r.id, 'abandoned', at, 'hub', { reason: 'hub restarted' });
        }
      });
      this.d.log.warn('collections left open by the last run were abandoned', { count: open.length });
    }
    this.sweeper = setInterval(() => { void this.sweep(); }, 5_000);
    this.sweeper.unref();
  }

  // ---------------------------------------------------------------- identification

  /** The resident identifies at the kiosk by a scanned code or the NIK; the card must be in stock. */
  async start(input: { nik?: string | undefined; code?: string | undefined }, actor: Actor): Promise<CollectionView> {
    const found = await this.identify(input);
    const stock = found.stock;
    const live = [...this.sessions.values()].find((s) => s.stock.id === stock.id && isLive(s.step));
    if (live) {
      const sameKiosk = actor.kind === 'kiosk' && live.kioskId === actor.deviceId;
      const idle = Date.now() - live.lastActivity > this.d.config.collection.kioskIdleSeconds * 1000;
      if (!sameKiosk && !idle) throw new HubError(409, 'COLLECTION_IN_PROGRESS', 'this card is being collected at another kiosk; ask the officer');
      await this.end(live, 'abandoned', 'superseded by a new session', actor);
    }
    const caseRow = await this.d.db.get<{ nik_enc: Buffer; name_enc: Buffer | null }>('SELECT nik_enc, name_enc FROM cases WHERE id = ?', [stock.case_id]);
    if (!caseRow) throw new HubError(500, 'CASE_MISSING', 'the card has no case record');
    const nik = this.d.cipher.decryptText(caseRow.nik_enc, 'cases.nik');
    const fullName = caseRow.name_enc ? this.d.cipher.decryptText(caseRow.name_enc, 'cases.name') : this.d.stock.view(stock).fullName;
    const at = this.now();
    const s: Session = {
      id: randomUUID(), stock, nik, fullName, kioskId: actor.kind === 'kiosk' ? actor.deviceId : null, identifiedBy: found.by,
      step: 'card', fingers: freshFingers(), startedAt: at.toISOString(), lastActivity: Date.now(), cardAway: false, reading: false, signing: false,
    };
    await this.d.db.transaction(async (q) => {
      await q.run(`INSERT INTO collections (id, stock_id, case_id, day, kiosk_id, identified_by, status, step, fingers_json, started_at)
                   VALUES (?, ?, ?, ?, ?, ?, 'in_progress', 'card', ?, ?)`,
      [s.id, stock.id, stock.case_id, dayKey(at, this.d.config.timezone), s.kioskId, s.identifiedBy, JSON.stringify(s.fingers), s.startedAt]);
      await this.event(q, s.id, 'started', at, actorName(actor), { by: found.by });
    });
    this.sessions.set(s.id, s);
    this.publish(s);
    // the officer may already have put the card on the reader
    if (this.d.devices.card?.cardPresent()) void this.readCard(s.id, actor).catch(() => undefined);
    return this.view(s);
  }

  private async identify(input: { nik?: string | undefined; code?: string | undefined }): Promise<{ stock: StockRow; by: Session['identifiedBy'] }> {
    let rows: StockRow[];
    let by: Session['identifiedBy'];
    if (input.code !== undefined && input.code.trim() !== '') {
      const kind = codeKind(input.code);
      if (kind === 'ticket') {
        const t = parseTicketQr(this.d.qrKey, input.code.trim());
        if (!t) throw new HubError(400, 'UNKNOWN_CODE', 'this queue ticket was not issued by this office', 'code');
        rows = await this.d.stock.byNik(await this.d.queue.ticketNik(t.id));
        by = 'ticket';
      } else if (kind === 'summons') {
        const sm = parseSummonsQr(this.d.qrKey, input.code);
        if (!sm) throw new HubError(400, 'UNKNOWN_CODE', 'this summons letter was not issued by this office', 'code');
        rows = await this.d.stock.byCase(sm.caseId);
        by = 'summons';
      } else {
        throw new HubError(400, 'UNKNOWN_CODE', 'not a queue ticket or a summons letter code', 'code');
      }
    } else if (input.nik !== undefined) {
      const v = validateNik(input.nik.trim(), this.d.regions, this.now());
      if (!v.ok) throw new HubError(400, v.code, v.message, 'nik');
      rows = await this.d.stock.byNik(v.value.nik);
      by = 'nik';
    } else {
      throw new HubError(400, 'INVALID_INPUT', 'give the NIK or scan a code', 'nik');
    }
    const inStock = rows.find((r) => r.status === 'in_stock');
    if (inStock) return { stock: inStock, by };
    const latest = rows[0];
    if (latest?.status === 'collected') throw new HubError(409, 'CARD_ALREADY_COLLECTED', 'the card was already collected', undefined, { at: latest.collected_at });
    if (latest?.status === 'returned') throw new HubError(409, 'CARD_RETURNED', 'the card was returned for reprinting; see the officer', undefined, { at: latest.returned_at });
    throw new HubError(404, 'NO_CARD_IN_STOCK', 'no card for this resident is in stock at this service point');
  }

  // ---------------------------------------------------------------- data reading

  private async onCardEvent(present: boolean): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => isLive(s.step));
    if (present) {
      // the card belongs to the session waiting for it, or to the one whose card was lifted
      const target = live.filter((s) => s.step === 'card' || s.cardAway).sort((a, b) => b.lastActivity - a.lastActivity)[0];
      if (target) await this.readCard(target.id, { kind: 'kiosk', deviceId: target.kioskId ?? 'hub' }).catch((e) => this.d.log.warn('card read failed', { error: e }));
      return;
    }
    for (const s of live) {
      if (s.chip && ['data', 'fingerprint', 'signature'].includes(s.step) && !s.cardAway) {
        s.cardAway = true;
        s.capture?.abort();
        s.notice = { code: 'CARD_REMOVED', message: 'the card was lifted from the reader; put it back to go on' };
        await this.store(s, 'card.removed', {}, { kind: 'kiosk', deviceId: s.kioskId ?? 'hub' });
      }
    }
  }

  /** Reads the card on the reader into the session (or checks it is the same card, after a lift). */
  async readCard(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    if (s.step !== 'card' && !s.cardAway) throw new HubError(409, 'WRONG_STEP', 'the card has been read already');
    const driver = this.d.devices.card;
    if (!driver) throw new HubError(503, 'READER_OFFLINE', 'no card reader is configured at this counter');
    if (s.reading) return this.view(s);
    s.reading = true;
    s.notice = undefined;
    this.publish(s);
    let r: Awaited<ReturnType<cardLib.CardDriver['readCard']>>;
    try {
      r = await driver.readCard({ trust: await this.d.devices.cardTrust() });
    } finally {
      s.reading = false;
    }
    s.lastActivity = Date.now();
    if (!isLive(s.step)) return this.view(s);
    if (!r.ok) {
      if (REFUSED_CARD.has(r.code) && !s.cardAway) {
        s.step = 'held';
        s.held = { code: 'CARD_REFUSED', message: `the chip's data failed passive authentication (${r.code}): ${r.message}` };
        await this.store(s, 'card.refused', { code: r.code }, actor);
        return this.view(s);
      }
      s.notice = r.code === 'NO_CARD' ? { code: 'NO_CARD', message: 'put the card on the reader' }
        : REFUSED_CARD.has(r.code) ? { code: 'CARD_REFUSED', message: 'this card failed passive authentication' }
          : { code: 'CARD_UNREADABLE', message: `the card could not be read (${r.code}); put it flat on the reader again` };
      this.publish(s);
      return this.view(s);
    }
    const card = r.card;
    const print = cardPrint(card);
    if (s.cardAway) {
      if (print !== s.cardFingerprint) {
        s.notice = { code: 'WRONG_CARD', message: 'this is not the card that was read for this collection' };
        this.publish(s);
        return this.view(s);
      }
      s.cardAway = false;
      await this.store(s, 'card.returned_to_reader', {}, actor);
      return this.view(s);
    }
    if (card.dg1.nik !== s.nik || card.dg1.cardSerial !== s.stock.card_serial) {
      s.notice = { code: 'WRONG_CARD', message: 'this card belongs to another resident or another case; put the right card on the reader' };
      await this.store(s, 'card.wrong', { serial: card.dg1.cardSerial }, actor, false);
      return this.view(s);
    }
    const right = decodeIso19794(card.fingerprints.rightIndex);
    const left = decodeIso19794(card.fingerprints.leftIndex);
    if (!right.ok || !left.ok) {
      s.step = 'held';
      s.held = { code: 'CARD_TEMPLATES_UNREADABLE', message: `the chip's fingerprint templates cannot be read: ${!right.ok ? right.error : !left.ok ? left.error : ''}` };
      await this.store(s, 'card.refused', { code: 'TEMPLATES' }, actor);
      return this.view(s);
    }
    s.templates = { rightIndex: right.template, leftIndex: left.template };
    s.cardFingerprint = print;
    s.chip = {
      biodata: card.dg1,
      faceDataUrl: dataUrl(card.faceImage),
      signatureDataUrl: dataUrl(card.signatureImage),
      passiveAuth: { valid: true, signer: card.sod.signerSubject, signingTime: card.sod.signingTime ?? null },
    };
    s.step = 'data';
    await this.store(s, 'card.read', { ms: Math.round(r.timings.totalMs) }, actor, true, 'card_read_at');
    return this.view(s);
  }

  /** The resident confirms the chip's data, or says what is wrong (the flow then stops for the officer). */
  async confirmData(id: string, answer: { correct: true } | { correct: false; fields: DataField[]; note: string }, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    this.expectStep(s, 'data');
    if (answer.correct) {
      s.step = 'fingerprint';
      await this.store(s, 'data.confirmed', {}, actor, true, 'data_confirmed_at');
    } else {
      s.step = 'held';
      s.discrepancy = { fields: answer.fields, note: answer.note };
      s.held = { code: 'DATA_DISCREPANCY', message: 'the resident reports that the data are not right' };
      await this.store(s, 'data.discrepancy', { fields: answer.fields }, actor);
    }
    return this.view(s);
  }

  /** The officer looked at a held session and lets it go on from the data check. */
  async resume(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    this.expectStep(s, 'held');
    if (!s.chip) throw new HubError(409, 'CARD_REFUSED', 'a refused card cannot be collected; cancel the session and return the card');
    s.step = 'data';
    s.held = undefined;
    s.discrepancy = undefined;
    await this.store(s, 'resumed', {}, actor);
    return this.view(s);
  }

  // ---------------------------------------------------------------- verification

  /** Captures the current finger and compares it with the chip's template (SOP B2). */
  async verifyFinger(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    this.expectStep(s, 'fingerprint');
    this.expectCard(s);
    if (s.capture) throw new HubError(409, 'CAPTURE_IN_PROGRESS', 'a finger is being scanned already');
    const v = verdict(s.fingers, this.policy);
    if (v.kind !== 'next') throw new HubError(409, 'WRONG_STEP', 'verification has ended');
    const finger = v.finger;
    const ac = new AbortController();
    s.capture = ac;
    s.lastTry = undefined;
    this.publish(s);
    let live;
    try {
      live = await this.d.devices.fingerprint.capture({
        signal: ac.signal, timeoutMs: this.d.config.collection.captureTimeoutSeconds * 1000,
        onEvent: (e) => this.emit('guidance', { collectionId: s.id, kioskId: s.kioskId, finger, event: e }),
      });
    } finally {
      s.capture = undefined;
    }
    s.lastActivity = Date.now();
    if (!isLive(s.step) || s.step !== 'fingerprint') return this.view(s);
    if (!live.ok) {
      // no comparison was made: not a try
      s.lastTry = { finger, error: { code: live.code, message: live.message } };
      await this.store(s, 'finger.capture_failed', { finger, code: live.code }, actor, false);
      return this.view(s);
    }
    const m = verify(live.template, s.templates![finger], 'fmr01');
    s.fingers = recordTry(s.fingers, finger, m.match, m.score, this.policy);
    const f = s.fingers[finger];
    s.lastTry = { finger, match: m.match, score: Math.round(m.score * 10) / 10, triesLeft: Math.max(0, this.policy.maxTries - f.tries) };
    const after = verdict(s.fingers, this.policy);
    if (after.kind === 'verified') {
      s.step = 'signature';
      await this.store(s, 'finger.tried', { finger, match: m.match, score: m.score, quality: live.quality }, actor, true, 'verified_at');
    } else if (after.kind === 'failed') {
      await this.fail(s, after.reason, actor, { finger, match: m.match, score: m.score });
    } else {
      await this.store(s, 'finger.tried', { finger, match: m.match, score: m.score, quality: live.quality }, actor);
    }
    return this.view(s);
  }

  cancelCapture(id: string, actor: Actor): CollectionView {
    const s = this.live(id, actor);
    s.capture?.abort();
    return this.view(s);
  }

  /** An unusable finger, passed over by the officer with a supervisor's approval (both audited). */
  async override(id: string, input: { finger: FingerName; reason: string; supervisor: { username: string; displayName: string } }, officer: Actor): Promise<CollectionView> {
    if (officer.kind !== 'officer') throw new HubError(403, 'FORBIDDEN', 'only an officer may override');
    const s = this.live(id, officer);
    this.expectStep(s, 'fingerprint');
    const check = canOverride(s.fingers, input.finger);
    if (!check.ok) throw new HubError(409, check.code, check.message, 'finger');
    s.capture?.abort();
    s.fingers = applyOverride(s.fingers, input.finger, { reason: input.reason, operator: officer.username, supervisor: input.supervisor.username });
    await this.d.audit(officer.username, 'collection.override.requested', { collectionId: s.id, finger: input.finger, reason: input.reason });
    await this.d.audit(input.supervisor.username, 'collection.override.approved', { collectionId: s.id, finger: input.finger, operator: officer.username });
    const after = verdict(s.fingers, this.policy);
    if (after.kind === 'verified') {
      s.step = 'signature';
      await this.store(s, 'finger.overridden', { finger: input.finger, reason: input.reason, supervisor: input.supervisor.username }, officer, true, 'verified_at');
    } else {
      await this.store(s, 'finger.overridden', { finger: input.finger, reason: input.reason, supervisor: input.supervisor.username }, officer);
    }
    return this.view(s);
  }

  /** Verification failed every try: gagal, the card is kept and recorded for return (SOP rule). */
  private async fail(s: Session, reason: string, actor: Actor, last: Record<string, unknown>): Promise<void> {
    const at = this.now();
    const iso = at.toISOString();
    s.step = 'failed';
    s.failure = reason;
    await this.d.db.transaction(async (q) => {
      await q.run(`UPDATE collections SET status = 'gagal', step = 'failed', fingers_json = ?, ended_at = ?, end_reason = ? WHERE id = ?`,
        [JSON.stringify(s.fingers), iso, reason, s.id]);
      await this.event(q, s.id, 'finger.tried', at, actorName(actor), last);
      await this.event(q, s.id, 'gagal', at, actorName(actor), { reason });
      await this.d.stock.markReturned(q, s.stock.id, reason, s.id, at);
      await q.run(`UPDATE cases SET status = 'collection_failed', updated_at = ? WHERE id = ?`, [iso, s.stock.case_id]);
      await q.run('INSERT INTO case_events (case_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)',
        [s.stock.case_id, 'summons.gagal', iso, actorName(actor), JSON.stringify({ collectionId: s.id, reason })]);
      const base = { hubId: this.d.hubId(), caseRef: s.stock.case_id, createdAt: iso };
      await this.d.outbox.enqueue(q, { ...base, recordId: randomUUID(), kind: 'collection_result',
        body: { nik: s.nik, cardSerial: s.stock.card_serial, result: 'gagal', reason, verifiedFingers: verifiedPositions(s.fingers), at: iso } }, at);
      await this.d.outbox.enqueue(q, { ...base, recordId: randomUUID(), kind: 'card_return',
        body: { nik: s.nik, cardSerial: s.stock.card_serial, reason, at: iso } }, at);
    });
    this.d.onRecord();
    this.publish(s);
  }

  // ---------------------------------------------------------------- handover

  /** The officer says whether the old KTP was withdrawn (SOP B3.e); the officer is named on the receipt. */
  async setOldKtp(id: string, value: 'withdrawn' | 'none', officer: Actor): Promise<CollectionView> {
    if (officer.kind !== 'officer') throw new HubError(403, 'FORBIDDEN', 'only an officer may confirm the old KTP');
    const s = this.live(id, officer);
    s.oldKtp = value;
    s.officer = { username: officer.username, displayName: officer.displayName };
    await this.d.db.run('UPDATE collections SET old_ktp = ?, officer = ? WHERE id = ?', [value, officer.username, s.id]);
    await this.store(s, 'old_ktp', { value }, officer);
    return this.view(s);
  }

  async startSignature(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    this.expectStep(s, 'signature');
    const pad = this.pad();
    await pad.startCapture();
    s.signing = true;
    this.publish(s);
    return this.view(s);
  }

  clearSignature(id: string, actor: Actor): CollectionView {
    const s = this.live(id, actor);
    this.expectStep(s, 'signature');
    this.pad().clear();
    this.publish(s);
    return this.view(s);
  }

  /** The resident accepts the signature: the collection is berhasil, the receipt is printed. */
  async acceptSignature(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    this.expectStep(s, 'signature');
    this.expectCard(s);
    if (!s.oldKtp || !s.officer) throw new HubError(409, 'OFFICER_CONFIRMATION_NEEDED', 'the officer must first confirm the old KTP (withdrawn or none)');
    const pad = this.pad();
    const r = await pad.finish();
    if (!r.ok) throw new HubError(r.code === 'EMPTY_SIGNATURE' ? 409 : 503, r.code, r.message);
    await pad.stopCapture().catch(() => undefined);
    s.signing = false;
    const png = r.signature.toPng({ width: 320, height: 120 });
    const signatureSvg = r.signature.toSvg({ width: 600, height: 240 });
    const at = this.now();
    const iso = at.toISOString();
    const day = dayKey(at, this.d.config.timezone);
    const number = await this.d.db.transaction(async (q) => {
      const n = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM collections WHERE day = ? AND receipt_number IS NOT NULL`, [day]);
      const receiptNumber = `TT-${day.replaceAll('-', '')}-${String((n?.n ?? 0) + 1).padStart(4, '0')}`;
      await q.run(`UPDATE collections SET status = 'berhasil', step = 'receipt', fingers_json = ?, signature_enc = ?, receipt_number = ?,
                   signed_at = ?, completed_at = ?, ended_at = ? WHERE id = ?`,
      [JSON.stringify(s.fingers), this.d.cipher.encrypt(png, 'collections.signature'), receiptNumber, iso, iso, iso, s.id]);
      await this.event(q, s.id, 'berhasil', at, actorName(actor), { receiptNumber, points: r.signature.pointCount });
      await this.d.stock.markCollected(q, s.stock.id, s.id, at);
      await q.run(`UPDATE cases SET status = 'collected', updated_at = ? WHERE id = ?`, [iso, s.stock.case_id]);
      await q.run('INSERT INTO case_events (case_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)',
        [s.stock.case_id, 'summons.berhasil', iso, s.officer!.username, JSON.stringify({ collectionId: s.id, receiptNumber })]);
      await this.d.outbox.enqueue(q, {
        recordId: randomUUID(), hubId: this.d.hubId(), caseRef: s.stock.case_id, createdAt: iso, kind: 'collection_result',
        body: { nik: s.nik, cardSerial: s.stock.card_serial, result: 'berhasil', verifiedFingers: verifiedPositions(s.fingers), at: iso,
          receiptNumber, oldKtpWithdrawn: s.oldKtp === 'withdrawn', officer: s.officer!.username },
      }, at);
      return receiptNumber;
    });
    this.d.onRecord();
    s.step = 'receipt';
    const qrText = receiptQrText(this.d.qrKey, { receiptNumber: number, collectionId: s.id });
    const rows = receiptRows({ fullName: s.fullName, nik: s.nik, cardSerial: s.stock.card_serial, at, timeZone: this.d.config.timezone,
      oldKtp: s.oldKtp, officer: s.officer.displayName, number });
    s.receipt = { number, rows, qrText, qrSvg: await qrSvg(qrText), signatureSvg, printed: { ok: true }, completedAt: iso };
    this.publish(s);
    s.receipt.printed = await this.print(s, png);
    this.publish(s);
    return this.view(s);
  }

  /** Prints the handover receipt again (the first print failed, or a copy for the archive). */
  async reprint(id: string, actor: Actor): Promise<CollectionView> {
    const s = this.sessions.get(id);
    if (!s?.receipt) throw new HubError(404, 'NO_RECEIPT', 'this session has no receipt to print (it may have been closed)');
    const row = await this.d.db.get<{ signature_enc: Buffer | null }>('SELECT signature_enc FROM collections WHERE id = ?', [id]);
    const png = row?.signature_enc ? new Uint8Array(this.d.cipher.decrypt(row.signature_enc, 'collections.signature')) : undefined;
    s.receipt.printed = await this.print(s, png);
    await this.store(s, 'receipt.reprinted', { ok: s.receipt.printed.ok }, actor, false);
    return this.view(s);
  }

  private async print(s: Session, signaturePng: Uint8Array | undefined): Promise<PrintResult> {
    const r = s.receipt!;
    let image;
    if (signaturePng) {
      const decoded = PNG.sync.read(Buffer.from(signaturePng));
      image = { caption: 'Tanda tangan / Signature', width: decoded.width, height: decoded.height, rgba: new Uint8Array(decoded.data) };
    }
    const printed = await this.d.devices.printer.printReceipt({
      officeName: this.d.config.officeName, titleId: 'TANDA TERIMA KTP-el', titleEn: 'KTP-el handover receipt',
      rows: r.rows, issuedAt: r.completedAt, qrText: r.qrText, ...(image ? { image } : {}),
      footerId: 'Simpan tanda terima ini.', footerEn: 'Keep this receipt.',
    });
    if (!printed.ok) this.d.log.warn('receipt not printed', { collectionId: s.id, code: printed.code });
    return printed;
  }

  /** Checks a receipt's QR: is it ours, and what did it record? */
  async checkReceipt(code: string) {
    const p = parseReceiptQr(this.d.qrKey, code);
    if (!p) throw new HubError(400, 'UNKNOWN_CODE', 'not a handover receipt issued by this office', 'code');
    const row = await this.d.db.get<{ id: string; status: string; receipt_number: string; completed_at: string; officer: string; old_ktp: string; stock_id: string }>(
      'SELECT * FROM collections WHERE id = ? AND receipt_number = ?', [p.collectionId, p.receiptNumber]);
    if (!row) throw new HubError(404, 'UNKNOWN_RECEIPT', 'no such receipt in this office');
    const stock = this.d.stock.view(await this.d.stock.get(row.stock_id));
    return { valid: true, receiptNumber: row.receipt_number, result: row.status, completedAt: row.completed_at, officer: row.officer,
      oldKtp: row.old_ktp, nikMasked: stock.nikMasked, fullName: stock.fullName, cardSerial: stock.cardSerial };
  }

  /**
   * The officer records a card in stock for return to Kemendagri (refused at data reading, wrong
   * data, or never collected), with the reason; a session on that card ends.
   */
  async returnCard(stockId: string, reason: string, officer: string): Promise<void> {
    const stock = await this.d.stock.get(stockId);
    if (stock.status !== 'in_stock') throw new HubError(409, 'CARD_NOT_IN_STOCK', `the card is ${stock.status}, not in stock`);
    const live = [...this.sessions.values()].find((s) => s.stock.id === stockId && isLive(s.step));
    if (live) await this.end(live, 'cancelled', `card returned: ${reason}`, { kind: 'officer', username: officer, displayName: officer, role: 'operator' });
    const caseRow = await this.d.db.get<{ nik_enc: Buffer }>('SELECT nik_enc FROM cases WHERE id = ?', [stock.case_id]);
    const nik = this.d.cipher.decryptText(caseRow!.nik_enc, 'cases.nik');
    const at = this.now();
    const iso = at.toISOString();
    await this.d.db.transaction(async (q) => {
      await this.d.stock.markReturned(q, stockId, reason, live?.id ?? null, at);
      await q.run(`UPDATE cases SET status = 'collection_failed', updated_at = ? WHERE id = ?`, [iso, stock.case_id]);
      await q.run('INSERT INTO case_events (case_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)',
        [stock.case_id, 'card.returned', iso, officer, JSON.stringify({ reason })]);
      await this.d.outbox.enqueue(q, { recordId: randomUUID(), hubId: this.d.hubId(), caseRef: stock.case_id, createdAt: iso, kind: 'card_return',
        body: { nik, cardSerial: stock.card_serial, reason, at: iso } }, at);
    });
    await this.d.audit(officer, 'card.returned', { stockId, reason });
    this.d.onRecord();
  }

  // ---------------------------------------------------------------- ending

  async cancel(id: string, reason: string, actor: Actor): Promise<CollectionView> {
    const s = this.live(id, actor);
    await this.end(s, 'cancelled', reason, actor);
    return this.view(s);
  }

  /** The kiosk went idle (or the resident walked away): the session ends, the case is unchanged. */
  async abandon(id: string, reason: string, actor: Actor): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.ownedBy(s, actor);
    if (isLive(s.step)) await this.end(s, 'abandoned', reason, actor);
    this.forget(s);
  }

  /** The kiosk is done with a finished session (receipt taken, or sent to the officer). */
  close(id: string, actor: Actor): void;
  close(): void;
  close(id?: string, actor?: Actor): void {
    if (id === undefined) { this.shutdown(); return; }
    const s = this.sessions.get(id);
    if (!s) return;
    this.ownedBy(s, actor!);
    if (isLive(s.step)) throw new HubError(409, 'SESSION_LIVE', 'the session is still going on; cancel it first');
    this.forget(s);
  }

  private shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.offCard();
    for (const s of this.sessions.values()) s.capture?.abort();
    this.removeAllListeners();
  }

  private forget(s: Session): void {
    this.sessions.delete(s.id);
    this.emit('ended', { collectionId: s.id });
  }

  private async end(s: Session, status: 'cancelled' | 'abandoned', reason: string, actor: Actor): Promise<void> {
    s.capture?.abort();
    if (s.signing) { s.signing = false; await this.d.devices.signaturePad?.stopCapture().catch(() => undefined); }
    const at = this.now();
    s.step = status;
    s.endReason = reason;
    await this.d.db.transaction(async (q) => {
      await q.run(`UPDATE collections SET status = ?, step = ?, fingers_json = ?, ended_at = ?, end_reason = ? WHERE id = ? AND status = 'in_progress'`,
        [status, status, JSON.stringify(s.fingers), at.toISOString(), reason, s.id]);
      await this.event(q, s.id, status, at, actorName(actor), { reason });
    });
    this.publish(s);
  }

  private async sweep(): Promise<void> {
    const limit = this.d.config.collection.sessionTimeoutSeconds * 1000;
    for (const s of [...this.sessions.values()]) {
      if (Date.now() - s.lastActivity < limit || s.capture || s.reading) continue;
      if (isLive(s.step)) await this.end(s, 'abandoned', 'nobody touched the session', { kind: 'kiosk', deviceId: 'hub' }).catch((e) => this.d.log.warn('sweep failed', { error: e }));
      this.forget(s);
    }
  }

  // ---------------------------------------------------------------- queries

  /** The kiosk's own session (at most one is shown), or null. */
  current(kioskId: string): CollectionView | null {
    const mine = [...this.sessions.values()].filter((s) => s.kioskId === kioskId).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return mine[0] ? this.view(mine[0]) : null;
  }

  get(id: string, actor: Actor): CollectionView {
    const s = this.sessions.get(id);
    if (!s) throw new HubError(404, 'UNKNOWN_COLLECTION', 'no such collection session (it may have ended)');
    this.ownedBy(s, actor);
    return this.view(s);
  }

  /** The officer's view: every session the hub holds. */
  all(): CollectionView[] {
    return [...this.sessions.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((s) => this.view(s));
  }

  async dayStats(day: string) {
    const rows = await this.d.db.all<{ status: 'in_progress' | 'berhasil' | 'gagal' | 'cancelled' | 'abandoned'; started_at: string; verified_at: string | null; completed_at: string | null }>(
      'SELECT status, started_at, verified_at, completed_at FROM collections WHERE day = ?', [day]);
    return collectionDayStats(rows.map((r) => ({ status: r.status, startedAt: r.started_at, verifiedAt: r.verified_at, completedAt: r.completed_at })));
  }

  /** The steps of one collection with their times (for the record and the tests). */
  async events(id: string) {
    return this.d.db.all<{ type: string; at: string; actor: string | null; data_json: string }>(
      'SELECT type, at, actor, data_json FROM collection_events WHERE collection_id = ? ORDER BY id', [id]);
  }

  // ---------------------------------------------------------------- helpers

  private live(id: string, actor: Actor): Session {
    const s = this.sessions.get(id);
    if (!s) throw new HubError(404, 'UNKNOWN_COLLECTION', 'no such collection session (it may have ended)');
    this.ownedBy(s, actor);
    if (!isLive(s.step)) throw new HubError(409, 'SESSION_ENDED', `the session has ended (${s.step})`);
    s.lastActivity = Date.now();
    return s;
  }

  /** A kiosk sees and drives only its own sessions; officers all of them. */
  private ownedBy(s: Session, actor: Actor): void {
    if (actor.kind === 'kiosk' && s.kioskId !== actor.deviceId) throw new HubError(404, 'UNKNOWN_COLLECTION', 'no such collection session at this kiosk');
  }

  private expectStep(s: Session, step: CollectionStep): void {
    if (s.step !== step) throw new HubError(409, 'WRONG_STEP', `the session is at step ${s.step}, not ${step}`);
  }

  private expectCard(s: Session): void {
    if (s.cardAway) throw new HubError(409, 'CARD_REMOVED', 'the card was lifted from the reader; put it back to go on');
  }

  private pad() {
    const pad = this.d.devices.signaturePad;
    if (!pad || !pad.isReady) throw new HubError(503, 'PAD_OFFLINE', 'the signature pad is not connected; ask the officer');
    return pad;
  }

  private async event(q: Queryable, id: string, type: string, at: Date, actor: string, data: Record<string, unknown>): Promise<void> {
    await q.run('INSERT INTO collection_events (collection_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)', [id, type, at.toISOString(), actor, JSON.stringify(data)]);
  }

  /** Stores the session's step (and a step time) with an event, then tells the screens. */
  private async store(s: Session, type: string, data: Record<string, unknown>, actor: Actor, persistStep = true, timeColumn?: string): Promise<void> {
    const at = this.now();
    await this.d.db.transaction(async (q) => {
      if (persistStep) {
        await q.run(`UPDATE collections SET step = ?, fingers_json = ?${timeColumn ? `, ${timeColumn} = ?` : ''} WHERE id = ? AND status = 'in_progress'`,
          timeColumn ? [s.step, JSON.stringify(s.fingers), at.toISOString(), s.id] : [s.step, JSON.stringify(s.fingers), s.id]);
      }
      await this.event(q, s.id, type, at, actorName(actor), data);
    });
    this.publish(s);
  }

  private publish(s: Session): void {
    this.emit('state', this.view(s));
  }

  private view(s: Session): CollectionView {
    const v = verdict(s.fingers, this.policy);
    const chip = s.chip ?? null;
    const comparison = chip ? [
      { field: 'nik', chip: chip.biodata.nik, record: s.nik },
      { field: 'name', chip: chip.biodata.name, record: s.fullName },
      { field: 'cardSerial', chip: chip.biodata.cardSerial, record: s.stock.card_serial },
    ].map((c) => ({ ...c, same: c.chip.trim().toUpperCase() === c.record.trim().toUpperCase() })) : [];
    return {
      id: s.id, step: s.step, kioskId: s.kioskId, identifiedBy: s.identifiedBy, startedAt: s.startedAt,
      caseRecord: { caseId: s.stock.case_id, nik: s.nik, nikMasked: maskNik(s.nik), fullName: s.fullName, cardSerial: s.stock.card_serial, receivedAt: s.stock.received_at },
      chip, comparison,
      cardPresent: this.d.devices.card?.cardPresent() ?? false,
      cardAway: s.cardAway, reading: s.reading,
      notice: s.notice ?? null, discrepancy: s.discrepancy ?? null, held: s.held ?? null,
      fingers: s.fingers, currentFinger: s.step === 'fingerprint' && v.kind === 'next' ? v.finger : null, maxTries: this.policy.maxTries,
      capturing: !!s.capture, lastTry: s.lastTry ?? null,
      officer: s.officer ?? null, oldKtp: s.oldKtp ?? null,
      receipt: s.receipt ?? null, failure: s.failure ?? null, endReason: s.endReason ?? null,
    };
  }
}

function dataUrl(img: { format: string; bytes: Uint8Array }): string {
  const mime = img.format === 'jpeg' ? 'image/jpeg' : 'image/png';
  return `data:${mime};base64,${Buffer.from(img.bytes).toString('base64')}`;
}

/** The physical card's identity: serial, NIK and its templates. */
function cardPrint(card: cardLib.KtpCard): string {
  return createHash('sha256').update(card.dg1.cardSerial).update(card.dg1.nik)
    .update(card.fingerprints.rightIndex).update(card.fingerprints.leftIndex).digest('hex');
}

/** The handover receipt's rows (Indonesian, with the English in the labels); the NIK masked. */
export function receiptRows(r: { fullName: string; nik: string; cardSerial: string; at: Date; timeZone: string; oldKtp: 'withdrawn' | 'none'; officer: string; number: string }) {
  const when = new Intl.DateTimeFormat('id-ID', { timeZone: r.timeZone, dateStyle: 'long', timeStyle: 'short' }).format(r.at);
  return [
    { label: 'No. tanda terima', value: r.number },
    { label: 'Nama', value: r.fullName },
    { label: 'NIK', value: maskNik(r.nik) },
    { label: 'No. seri kartu', value: r.cardSerial },
    { label: 'Tanggal/waktu', value: when },
    { label: 'Hasil verifikasi', value: 'BERHASIL' },
    { label: 'KTP lama', value: r.oldKtp === 'withdrawn' ? 'DITARIK' : 'TIDAK ADA' },
    { label: 'Petugas', value: r.officer },
  ];
}
