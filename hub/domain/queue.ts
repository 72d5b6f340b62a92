/**
 * Queue rules, free of I/O: numbering, which ticket a counter gets next, which actions a ticket's
 * state allows, waiting-time estimates and the day's figures.
 */
export const PRIORITIES = ['none', 'elderly', 'disabled', 'pregnant'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'expired';
export type Outcome = 'completed' | 'incomplete' | 'referred';

export interface QueueTicket {
  id: string;
  label: string;
  serviceCode: string;
  priority: Priority;
  status: TicketStatus;
  counterId: string | null;
  targetCounterId: string | null;
  recallCount: number;
  issuedAt: string;
  calledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  outcome: string | null;
}

export interface QueuePolicy {
  maxConsecutivePriority: number;
  noShowAfterRecalls: number;
}

/** The calendar day of an instant in the office's time zone, as YYYY-MM-DD. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
export function dayKey(at: Date, timeZone: string): string {
  // building a DateTimeFormat costs far more than using one; every request asks for today
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(at);
}

/** The UTC instants (ISO) where the office's calendar `day` starts and ends. */
export function dayBounds(day: string, timeZone: string): { start: string; end: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const offsetAt = (utcMs: number) => {
    const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - utcMs;
  };
  const localMidnight = (yy: number, mm: number, dd: number) => {
    const guess = Date.UTC(yy, mm - 1, dd);
    // twice, so a zone whose offset changes that night still lands on its midnight
    const first = guess - offsetAt(guess);
    return guess - offsetAt(first);
  };
  return { start: new Date(localMidnight(y, m, d)).toISOString(), end: new Date(localMidnight(y, m, d + 1)).toISOString() };
}

export function formatLabel(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(3, '0')}`;
}

/**
 * The ticket a counter calls next, or null. Tickets transferred to this very counter go first.
 * Priority residents go before others, but after `maxConsecutivePriority` priority calls in a row
 * at this counter a waiting regular resident is served, so nobody waits for ever.
 *
 * @param recentCalls priorities of this counter's latest first calls, newest first
 */
export function chooseNext(
  waiting: readonly QueueTicket[],
  counter: { id: string; serviceCodes: readonly string[] },
  recentCalls: readonly Priority[],
  policy: Pick<QueuePolicy, 'maxConsecutivePriority'>,
): QueueTicket | null {
  const byAge = (a: QueueTicket, b: QueueTicket) => a.issuedAt.localeCompare(b.issuedAt) || a.label.localeCompare(b.label);
  const mine = waiting.filter((t) => t.status === 'waiting' && t.targetCounterId === counter.id).sort(byAge);
  if (mine[0]) return mine[0];
  const eligible = waiting
    .filter((t) => t.status === 'waiting' && t.targetCounterId === null && counter.serviceCodes.includes(t.serviceCode))
    .sort(byAge);
  const priority = eligible.filter((t) => t.priority !== 'none');
  const regular = eligible.filter((t) => t.priority === 'none');
  let streak = 0;
  for (const p of recentCalls) { if (p === 'none') break; streak++; }
  if (priority[0] && (streak < policy.maxConsecutivePriority || !regular[0])) return priority[0];
  return regular[0] ?? priority[0] ?? null;
}

export type QueueAction = 'recall' | 'no_show' | 'start' | 'finish' | 'transfer';

export interface RuleViolation { code: string; message: string; status: 409 | 403 }

/** Whether `action` may be taken on `t` by the operator at `counterId`; null when it may. */
export function checkAction(t: QueueTicket, action: QueueAction, counterId: string | null, policy: QueuePolicy): RuleViolation | null {
  const notHere = (): RuleViolation => ({ code: 'NOT_YOUR_TICKET', message: `ticket ${t.label} is at another counter`, status: 403 });
  const wrongState = (allowed: string): RuleViolation => ({ code: 'WRONG_STATE', message: `ticket ${t.label} is ${t.status}; ${action} needs it ${allowed}`, status: 409 });
  if (t.status === 'called' || t.status === 'serving') {
    if (counterId !== null && t.counterId !== counterId) return notHere();
  }
  switch (action) {
    case 'recall':
      return t.status === 'called' ? null : wrongState('called');
    case 'no_show':
      if (t.status !== 'called') return wrongState('called');
      if (t.recallCount < policy.noShowAfterRecalls) {
        return { code: 'RECALL_FIRST', message: `recall ${t.label} ${policy.noShowAfterRecalls - t.recallCount} more time(s) before marking a no-show`, status: 409 };
      }
      return null;
    case 'start':
      return t.status === 'called' ? null : wrongState('called');
    case 'finish':
      return t.status === 'serving' ? null : wrongState('being served');
    case 'transfer':
      return t.status === 'called' || t.status === 'serving' || t.status === 'waiting' ? null : wrongState('waiting, called or being served');
  }
}

/**
 * Minutes until a new ticket is likely called: the people ahead in its service, times the mean
 * service time (today's measured mean once there are enough samples, the SOP standard before),
 * shared among the counters that serve the service.
 */
export function estimateWaitMinutes(peopleAhead: number, meanServiceMinutes: number, counters: number): number {
  if (peopleAhead <= 0) return 0;
  return Math.ceil((peopleAhead * meanServiceMinutes) / Math.max(1, counters));
}

export interface ServiceDayStats {
  serviceCode: string;
  nameId: string;
  issued: number;
  served: number;
  noShow: number;
  waitingNow: number;
  avgWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  avgServiceMinutes: number | null;
  standardMinutes: number;
  overStandardCount: number;
}

const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60000;
const round1 = (x: number) => Math.round(x * 10) / 10;

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, idx)]!;
}

export function computeDayStats(
  tickets: readonly QueueTicket[],
  services: readonly { code: string; nameId: string; standardMinutes: number }[],
): ServiceDayStats[] {
  return services.map((s) => {
    const mine = tickets.filter((t) => t.serviceCode === s.code);
    const waits = mine.filter((t) => t.calledAt).map((t) => minutesBetween(t.issuedAt, t.calledAt!)).sort((a, b) => a - b);
    const services_ = mine.filter((t) => t.startedAt && t.finishedAt).map((t) => minutesBetween(t.startedAt!, t.finishedAt!));
    const mean = (xs: number[]) => (xs.length ? round1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
    const p90 = quantile(waits, 0.9);
    return {
      serviceCode: s.code,
      nameId: s.nameId,
      issued: mine.length,
      served: mine.filter((t) => t.status === 'done').length,
      noShow: mine.filter((t) => t.status === 'no_show').length,
      waitingNow: mine.filter((t) => t.status === 'waiting').length,
      avgWaitMinutes: mean(waits),
      p90WaitMinutes: p90 === null ? null : round1(p90),
      avgServiceMinutes: mean(services_),
      standardMinutes: s.standardMinutes,
      overStandardCount: services_.filter((m) => m > s.standardMinutes).length,
    };
  });
}

export function statsToCsv(day: string, rows: readonly ServiceDayStats[]): string {
  const header = ['day', 'service', 'name', 'issued', 'served', 'no_show', 'waiting_now', 'avg_wait_min', 'p90_wait_min', 'avg_service_min', 'standard_min', 'over_standard'];
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) => [day, r.serviceCode, r.nameId, r.issued, r.served, r.noShow, r.waitingNow, r.avgWaitMinutes, r.p90WaitMinutes, r.avgServiceMinutes, r.standardMinutes, r.overStandardCount].map(esc).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
