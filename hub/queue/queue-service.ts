/**
 * The queue with its store: issues tickets, lets counters call and serve them, and tells listeners
 * (the Socket.IO layer) what changed. Each change is one transaction that also records a
 * ticket_event, so a restart loses no ticket and no call, and waiting/service times are known.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';
import {
  checkAction, chooseNext, computeDayStats, dayKey, estimateWaitMinutes, formatLabel, maskNik, validateNik,
  type Outcome, type Priority, type QueuePolicy, type QueueTicket, type RegionLookup, type Service, type ServiceDayStats,
} from '../domain/index.ts';
import { HubError } from '../http/errors.ts';

export interface Counter { id: string; name: string; serviceCodes: string[] }

export interface Ticket extends QueueTicket { nikMasked: string }

export interface DisplayCall { label: string; counterId: string; counterName: string; at: string; recall: boolean }

interface TicketRow {
  id: string; day: string; label: string; service_code: string; priority: Priority; status: QueueTicket['status'];
  counter_id: string | null; target_counter_id: string | null; recall_count: number; outcome: string | null;
  issued_at: string; called_at: string | null; started_at: string | null; finished_at: string | null; nik_masked: string;
}

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id, label: r.label, serviceCode: r.service_code, priority: r.priority, status: r.status,
  counterId: r.counter_id, targetCounterId: r.target_counter_id, recallCount: r.recall_count, outcome: r.outcome,
  issuedAt: r.issued_at, calledAt: r.called_at, startedAt: r.started_at, finishedAt: r.finished_at, nikMasked: r.nik_masked,
});

const TICKET_COLS = 'id, day, label, service_code, priority, status, counter_id, target_counter_id, recall_count, outcome, issued_at, called_at, started_at, finished_at, nik_masked';

export interface QueueEvents {
  changed: [{ day: string }];
  call: [DisplayCall];
}

export interface IssueInput { serviceCode: string; nik: string; priority: Priority }
/** A kiosk retrying after a lost answer sends the same key and gets the same ticket back. */
export interface IssueRequest { key: string; deviceId: string }
export interface Actor { userId: string | null; counterId: string | null }

export class QueueService extends EventEmitter<QueueEvents> {
  private services: Service[] = [];
  private counters: Counter[] = [];
  /**
   * Today's tickets still in the queue or at a counter, and the latest calls: a projection of the
   * store kept after each commit (the hub is the only writer), so live screens are rendered
   * without a database round trip. Reloaded from the store at start and when the day changes.
   */
  private live = new Map<string, Ticket>();
  private lastCalls: DisplayCall[] = [];
  private liveDay = '';
  /** the day whose stale tickets were last expired; the sweep runs once a day */
  private expiredThrough = '';

  constructor(
    private readonly db: Database,
    private readonly cipher: AtRestCipher,
    private readonly regions: RegionLookup,
    private readonly policy: QueuePolicy,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  /** Loads services and counters; call after seeding and after configuration changes. */
  async load(): Promise<void> {
    const s = await this.db.all<{ code: string; prefix: string; name_id: string; name_en: string; standard_minutes: number; requirements_json: string }>(
      'SELECT * FROM services ORDER BY sort');
    this.services = s.map((r) => ({ code: r.code, prefix: r.prefix, nameId: r.name_id, nameEn: r.name_en, standardMinutes: r.standard_minutes, requirements: JSON.parse(r.requirements_json) }));
    const c = await this.db.all<{ id: string; name: string; service_codes_json: string }>('SELECT * FROM counters ORDER BY sort');
    this.counters = c.map((r) => ({ id: r.id, name: r.name, serviceCodes: JSON.parse(r.service_codes_json) as string[] }));
  }

  listServices(): Service[] { return this.services; }
  listCounterDefs(): Counter[] { return this.counters; }
  today(): string { return dayKey(this.now(), this.timeZone); }

  service(code: string): Service {
    const s = this.services.find((x) => x.code === code);
    if (!s) throw new HubError(400, 'UNKNOWN_SERVICE', `no service with code ${code}`, 'serviceCode');
    return s;
  }
  counter(id: string): Counter {
    const c = this.counters.find((x) => x.id === id);
    if (!c) throw new HubError(404, 'UNKNOWN_COUNTER', `no counter ${id}`, 'counterId');
    return c;
  }

  checkNik(nik: string) {
    const r = validateNik(nik, this.regions, this.now());
    if (!r.ok) throw new HubError(400, r.code, r.message, r.field);
    return r.value;
  }

  /**
   * Issues a numbered ticket. Numbers run per service per day in the office's time zone.
   * activeCounterIds may be a function: it is then asked only after the commit, so its lookup does
   * not hold up the ticket reaching the screens.
   */
  async issue(input: IssueInput, activeCounterIds: string[] | (() => Promise<string[]>), request?: IssueRequest): Promise<{ ticket: Ticket; peopleAhead: number; estimatedWaitMinutes: number; replayed: boolean }> {
    const service = this.service(input.serviceCode);
    const nik = this.checkNik(input.nik).nik;
    const at = this.now();
    const day = dayKey(at, this.timeZone);
    const id = randomUUID();
    const requestHash = this.cipher.lookupHash(`${service.code}|${nik}|${input.priority}`, 'ticket-request');
    let replayed = false;
    const row = await this.db.transaction(async (q) => {
      if (request) {
        const prior = await q.get<{ ticket_id: string; request_hash: string; device_id: string }>(
          'SELECT ticket_id, request_hash, device_id FROM ticket_requests WHERE idempotency_key = ?', [request.key]);
        if (prior) {
          if (prior.request_hash !== requestHash || prior.device_id !== request.deviceId) {
            throw new HubError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
          }
          replayed = true;
          return (await q.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`, [prior.ticket_id]))!;
        }
      }
      await this.expireOldDays(q, day);
      // RETURNING saves a round trip each: every statement waits for the main thread to take the
      // previous one's answer, and the whole transaction stands between a kiosk and the displays
      const seq = await q.get<{ last_number: number }>(`INSERT INTO ticket_sequences (day, service_code, last_number) VALUES (?, ?, 1)
                   ON CONFLICT (day, service_code) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`, [day, service.code]);
      const number = seq!.last_number;
      const label = formatLabel(service.prefix, number);
      const inserted = await q.get<TicketRow>(`INSERT INTO tickets (id, day, origin_service_code, number, label, service_code, priority, status, nik_enc, nik_hash, nik_masked, issued_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?) RETURNING ${TICKET_COLS}`,
      [id, day, service.code, number, label, service.code, input.priority, this.cipher.encrypt(nik, 'tickets.nik'),
        this.cipher.lookupHash(nik, 'nik'), maskNik(nik), at.toISOString()]);
      await this.event(q, id, 'issued', at, null, null, { serviceCode: service.code, priority: input.priority });
      if (request) {
        await q.run('INSERT INTO ticket_requests (idempotency_key, device_id, ticket_id, request_hash, created_at) VALUES (?, ?, ?, ?, ?)',
          [request.key, request.deviceId, id, requestHash, at.toISOString()]);
      }
      return inserted!;
    });
    this.expiredThrough = day;
    await this.ensureLive(day);
    const ticket = this.project(row);
    // screens learn of the ticket as soon as it is committed, before the estimate is worked out
    if (!replayed) this.emit('changed', { day });
    const active = typeof activeCounterIds === 'function' ? await activeCounterIds() : activeCounterIds;
    const { peopleAhead, estimatedWaitMinutes } = await this.estimateFor(ticket, active);
    return { ticket, peopleAhead, estimatedWaitMinutes, replayed };
  }

  /**
   * Today's mean service minutes per service, as the store computes them; dropped whenever a ticket
   * is finished. Asking the store on every ticket cost a scan of the day's tickets per issue.
   */
  private servedCache = new Map<string, { n: number; mean: number | null }>();

  private async estimateFor(t: Ticket, activeCounterIds: string[]) {
    const day = this.today();
    await this.ensureLive(day);
    // the live projection holds every waiting ticket of today, so no store round trip is needed
    let peopleAhead = 0;
    for (const w of this.live.values()) {
      if (w.status === 'waiting' && w.serviceCode === t.serviceCode && w.issuedAt < t.issuedAt && (t.priority === 'none' || w.priority !== 'none')) peopleAhead++;
    }
    const key = `${day}|${t.serviceCode}`;
    let served = this.servedCache.get(key);
    if (!served) {
      const gen = this.servedGen;
      served = (await this.db.get<{ n: number; mean: number | null }>(
        `SELECT COUNT(*) AS n, AVG((julianday(finished_at) - julianday(started_at)) * 1440) AS mean FROM tickets
         WHERE day = ? AND service_code = ? AND status = 'done' AND started_at IS NOT NULL`, [day, t.serviceCode])) ?? { n: 0, mean: null };
      // a finish that committed while we asked makes this answer stale: use it once, keep it not
      if (gen === this.servedGen) this.servedCache.set(key, served);
    }
    // today's measured mean once it rests on a few residents; the SOP standard before that
    const mean = served.n >= 3 && served.mean !== null ? served.mean : this.service(t.serviceCode).standardMinutes;
    const serving = this.counters.filter((c) => c.serviceCodes.includes(t.serviceCode));
    const open = serving.filter((c) => activeCounterIds.includes(c.id)).length || serving.length;
    return { peopleAhead, estimatedWaitMinutes: estimateWaitMinutes(peopleAhead, mean, open) };
  }
  private servedGen = 0;

  /** Waiting tickets of earlier days are closed as expired when a new day starts. */
  private async expireOldDays(q: Queryable, today: string): Promise<void> {
    if (this.expiredThrough === today) return;
    const stale = await q.all<{ id: string }>(`SELECT id FROM tickets WHERE day < ? AND status IN ('waiting','called','serving')`, [today]);
    for (const s of stale) {
      await q.run(`UPDATE tickets SET status = 'expired' WHERE id = ?`, [s.id]);
      await this.event(q, s.id, 'expired', this.now(), null, null, {});
    }
    // this.expiredThrough is set by the caller once its transaction committed: a rolled-back
    // sweep must run again
  }

  /** Loads the projection for `day` from the store (at start, and on a new day). */
  private async ensureLive(day: string): Promise<void> {
    if (this.liveDay === day) return;
    const rows = await this.db.all<TicketRow>(
      `SELECT ${TICKET_COLS} FROM tickets WHERE day = ? AND status IN ('waiting','called','serving') ORDER BY issued_at`, [day]);
    const calls = await this.db.all<{ label: string; counter_id: string; at: string; type: string }>(
      `SELECT t.label, e.counter_id, e.at, e.type FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
       WHERE t.day = ? AND e.type IN ('called','recalled') ORDER BY e.id DESC LIMIT 10`, [day]);
    this.live = new Map(rows.map((r) => [r.id, toTicket(r)]));
    this.lastCalls = calls.map((c) => ({ label: c.label, counterId: c.counter_id, counterName: this.counterName(c.counter_id), at: c.at, recall: c.type === 'recalled' }));
    this.liveDay = day;
  }

  /** Applies a committed ticket row to the projection. */
  private project(row: TicketRow): Ticket {
    const t = toTicket(row);
    if (row.day !== this.liveDay) return t;
    if (t.status === 'waiting' || t.status === 'called' || t.status === 'serving') this.live.set(t.id, t); else this.live.delete(t.id);
    return t;
  }

  private projectCall(call: DisplayCall): void {
    this.lastCalls = [call, ...this.lastCalls].slice(0, 10);
  }

  private counterName(id: string): string {
    return this.counters.find((c) => c.id === id)?.name ?? id;
  }

  private async event(q: Queryable, ticketId: string, type: string, at: Date, counterId: string | null, userId: string | null, data: Record<string, unknown>) {
    await q.run('INSERT INTO ticket_events (ticket_id, type, at, counter_id, user_id, data_json) VALUES (?, ?, ?, ?, ?, ?)',
      [ticketId, type, at.toISOString(), counterId, userId, JSON.stringify(data)]);
  }

  /** The counter's next ticket, taken in one transaction: two counters never get the same one. */
  async callNext(counterId: string, actor: Actor): Promise<Ticket> {
    const counter = this.counter(counterId);
    const day = this.today();
    const at = this.now();
    const row = await this.db.transaction(async (q) => {
      await this.expireOldDays(q, day);
      const busy = await q.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE day = ? AND counter_id = ? AND status IN ('called','serving')`, [day, counterId]);
      if (busy) throw new HubError(409, 'COUNTER_BUSY', `${counter.name} still has ${busy.label} (${busy.status}); finish it, transfer it or mark a no-show first`);
      const waiting = (await q.all<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE day = ? AND status = 'waiting' ORDER BY issued_at`, [day])).map(toTicket);
      const recent = await q.all<{ priority: Priority }>(
        `SELECT t.priority FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.counter_id = ? AND e.type = 'called' AND t.day = ? ORDER BY e.id DESC LIMIT 10`, [counterId, day]);
      const next = chooseNext(waiting, counter, recent.map((r) => r.priority), this.policy);
      if (!next) throw new HubError(404, 'QUEUE_EMPTY', `no resident is waiting for ${counter.name}`);
      await q.run(`UPDATE tickets SET status = 'called', counter_id = ?, target_counter_id = NULL, recall_count = 0,
                   called_at = COALESCE(called_at, ?) WHERE id = ? AND status = 'waiting'`, [counterId, at.toISOString(), next.id]);
      await this.event(q, next.id, 'called', at, counterId, actor.userId, {});
      return (await q.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`, [next.id]))!;
    });
    this.expiredThrough = day;
    await this.ensureLive(day);
    const t = this.project(row);
    const call = { label: t.label, counterId, counterName: counter.name, at: at.toISOString(), recall: false };
    this.projectCall(call);
    this.emit('call', call);
    this.emit('changed', { day });
    return t;
  }

  private async act(ticketId: string, action: 'recall' | 'no_show' | 'start' | 'finish' | 'transfer', actor: Actor,
    apply: (q: Queryable, t: Ticket, at: Date) => Promise<Record<string, unknown>>): Promise<Ticket> {
    const at = this.now();
    const row = await this.db.transaction(async (q) => {
      const cur = await q.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`, [ticketId]);
      if (!cur) throw new HubError(404, 'UNKNOWN_TICKET', `no ticket ${ticketId}`);
      const t = toTicket(cur);
      const violation = checkAction(t, action, actor.counterId, this.policy);
      if (violation) throw new HubError(violation.status, violation.code, violation.message);
      const data = await apply(q, t, at);
      await this.event(q, t.id, action === 'no_show' ? 'no_show' : action === 'recall' ? 'recalled' : action === 'start' ? 'started' : action === 'finish' ? 'finished' : 'transferred',
        at, t.counterId ?? actor.counterId, actor.userId, data);
      return (await q.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`, [ticketId]))!;
    });
    if (action === 'finish') { this.servedGen++; this.servedCache.clear(); }
    await this.ensureLive(this.today());
    const t = this.project(row);
    this.emit('changed', { day: row.day });
    return t;
  }

  async recall(ticketId: string, actor: Actor): Promise<Ticket> {
    const t = await this.act(ticketId, 'recall', actor, async (q, t) => {
      await q.run('UPDATE tickets SET recall_count = recall_count + 1 WHERE id = ?', [t.id]);
      return { recall: t.recallCount + 1 };
    });
    const counter = this.counter(t.counterId!);
    const call = { label: t.label, counterId: counter.id, counterName: counter.name, at: this.now().toISOString(), recall: true };
    this.projectCall(call);
    this.emit('call', call);
    return t;
  }

  noShow(ticketId: string, actor: Actor): Promise<Ticket> {
    return this.act(ticketId, 'no_show', actor, async (q, t, at) => {
      await q.run(`UPDATE tickets SET status = 'no_show', finished_at = ? WHERE id = ?`, [at.toISOString(), t.id]);
      return {};
    });
  }

  start(ticketId: string, actor: Actor): Promise<Ticket> {
    return this.act(ticketId, 'start', actor, async (q, t, at) => {
      await q.run(`UPDATE tickets SET status = 'serving', started_at = ? WHERE id = ?`, [at.toISOString(), t.id]);
      return {};
    });
  }

  finish(ticketId: string, outcome: Outcome, note: string | undefined, actor: Actor): Promise<Ticket> {
    return this.act(ticketId, 'finish', actor, async (q, t, at) => {
      await q.run(`UPDATE tickets SET status = 'done', finished_at = ?, outcome = ?, note = ? WHERE id = ?`, [at.toISOString(), outcome, note ?? null, t.id]);
      return { outcome };
    });
  }

  /** Back to waiting, keeping the number and its place by issue time, for another service or counter. */
  transfer(ticketId: string, to: { serviceCode?: string | undefined; counterId?: string | undefined }, actor: Actor): Promise<Ticket> {
    if (!to.serviceCode && !to.counterId) throw new HubError(400, 'TRANSFER_TARGET', 'give a serviceCode or a counterId to transfer to', 'serviceCode');
    const serviceCode = to.serviceCode ? this.service(to.serviceCode).code : undefined;
    const counter = to.counterId ? this.counter(to.counterId) : undefined;
    return this.act(ticketId, 'transfer', actor, async (q, t) => {
      const newService = serviceCode ?? t.serviceCode;
      if (counter && !counter.serviceCodes.includes(newService)) {
        throw new HubError(409, 'COUNTER_SERVICE', `${counter.name} does not serve service ${newService}`, 'counterId');
      }
      await q.run(`UPDATE tickets SET status = 'waiting', service_code = ?, target_counter_id = ?, counter_id = NULL,
                   recall_count = 0, started_at = NULL WHERE id = ?`, [newService, counter?.id ?? null, t.id]);
      return { fromService: t.serviceCode, toService: newService, toCounter: counter?.id ?? null, fromCounter: t.counterId };
    });
  }

  async ticket(id: string): Promise<Ticket> {
    const r = await this.db.get<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`, [id]);
    if (!r) throw new HubError(404, 'UNKNOWN_TICKET', `no ticket ${id}`);
    return toTicket(r);
  }

  /** The NIK a ticket was issued for (decrypted; for the collection kiosk's ticket scan). */
  async ticketNik(id: string): Promise<string> {
    const r = await this.db.get<{ nik_enc: Buffer }>('SELECT nik_enc FROM tickets WHERE id = ?', [id]);
    if (!r) throw new HubError(404, 'UNKNOWN_TICKET', `no ticket ${id}`);
    return this.cipher.decryptText(r.nik_enc, 'tickets.nik');
  }

  async ticketsOfDay(day: string): Promise<Ticket[]> {
    return (await this.db.all<TicketRow>(`SELECT ${TICKET_COLS} FROM tickets WHERE day = ? ORDER BY issued_at`, [day])).map(toTicket);
  }

  private liveSorted(): Ticket[] {
    return [...this.live.values()].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.label.localeCompare(b.label));
  }

  /** Operators' view: counters with their current ticket and the waiting list in call order. */
  async state() {
    const day = this.today();
    await this.ensureLive(day);
    const tickets = this.liveSorted();
    const counters = this.counters.map((c) => ({
      ...c,
      current: tickets.find((t) => t.counterId === c.id && (t.status === 'called' || t.status === 'serving')) ?? null,
    }));
    const waiting = tickets.filter((t) => t.status === 'waiting');
    return { day, services: this.services, counters, waiting, minRecallsForNoShow: this.policy.noShowAfterRecalls };
  }

  /** What the waiting room sees: labels and counters only, never personal data. */
  async displayState() {
    const day = this.today();
    await this.ensureLive(day);
    const tickets = [...this.live.values()];
    return {
      day,
      counters: this.counters.map((c) => {
        const cur = tickets.find((t) => t.counterId === c.id && (t.status === 'called' || t.status === 'serving'));
        const call = cur ? this.lastCalls.find((l) => l.label === cur.label && l.counterId === c.id)
          ?? { label: cur.label, counterId: c.id, counterName: c.name, at: cur.calledAt ?? cur.issuedAt, recall: false } : null;
        return { id: c.id, name: c.name, current: call };
      }),
      lastCalls: this.lastCalls,
      waiting: this.services.map((s) => ({ serviceCode: s.code, prefix: s.prefix, nameId: s.nameId, count: tickets.filter((t) => t.status === 'waiting' && t.serviceCode === s.code).length })),
    };
  }

  async dayStats(day: string): Promise<ServiceDayStats[]> {
    return computeDayStats(await this.ticketsOfDay(day), this.services);
  }
}
