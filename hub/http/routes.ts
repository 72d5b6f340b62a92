/**
 * Every HTTP route of the hub with the roles that may call it. The table is data so that a test can
 * walk it and prove each route refuses every other role.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { PRIORITIES, statsToCsv } from '../domain/index.ts';
import type { Role } from '../auth/roles.ts';
import type { HubContext } from '../context.ts';
import { HubError } from './errors.ts';
import { principalOf, type HubEnv } from './auth-middleware.ts';
import { body } from './validate.ts';
import { qrSvg, ticketQrText } from '../queue/ticket-qr.ts';
import { EnrolmentInputSchema } from '../cases/case-service.ts';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  roles: readonly Role[] | 'public';
  handler: (c: Context<HubEnv>, hub: HubContext) => Promise<Response>;
}

const IssueTicketSchema = z.object({
  serviceCode: z.string().regex(/^[A-Z]$/, 'must be one capital letter'),
  nik: z.string().max(32, 'too long'),
  priority: z.enum(PRIORITIES, { error: 'must be none, elderly, disabled or pregnant' }),
});
const LoginSchema = z.object({ username: z.string().min(1, 'required').max(64), pin: z.string().min(1, 'required').max(16) });
const CounterSchema = z.object({ counterId: z.string().min(1, 'required') });
const TransferSchema = z.object({ serviceCode: z.string().optional(), counterId: z.string().optional() });
const FinishSchema = z.object({ outcome: z.enum(['completed', 'incomplete', 'referred']), note: z.string().max(500).optional() });
const ResolveSchema = z.object({ resolution: z.enum(['same_person', 'different_person', 'fraud_suspected']), note: z.string().trim().min(1, 'say what was found').max(1000) });
const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD');

function actorOf(c: Context<HubEnv>) {
  const p = principalOf(c);
  return p.kind === 'user' ? { userId: p.userId, counterId: p.counterId } : { userId: null, counterId: null };
}

function dayParam(c: Context<HubEnv>, hub: HubContext): string {
  const d = c.req.query('day');
  if (!d) return hub.queue.today();
  const r = DaySchema.safeParse(d);
  if (!r.success) throw new HubError(400, 'INVALID_INPUT', r.error.issues[0]!.message, 'day');
  return r.data;
}

const OPS = ['operator', 'supervisor'] as const;

export const ROUTES: RouteSpec[] = [
  {
    method: 'GET', path: '/api/health', roles: 'public',
    handler: async (c, hub) => {
      let database: { status: 'ok' | 'error'; detail?: string } = { status: 'ok' };
      try { await hub.db.get('SELECT 1'); } catch (e) { database = { status: 'error', detail: (e as Error).message }; }
      const devices = hub.devices.states();
      const degraded = database.status !== 'ok' || devices.some((d) => d.status === 'offline' || d.status === 'error');
      return c.json({
        status: degraded ? 'degraded' : 'ok', version: hub.version,
        uptimeSeconds: Math.round((Date.now() - hub.startedAt) / 1000), database, devices,
      });
    },
  },
  {
    method: 'POST', path: '/api/auth/login', roles: 'public',
    handler: async (c, hub) => {
      const b = await body(c, LoginSchema);
      const address = hub.clientAddress(c);
      const { token, principal } = await hub.auth.login(b.username, b.pin, address);
      if (principal.kind !== 'user') throw new Error('unreachable');
      return c.json({ token, role: principal.role, user: { id: principal.userId, username: principal.username, displayName: principal.displayName }, idleMinutes: hub.config.sessionIdleMinutes });
    },
  },
  {
    method: 'POST', path: '/api/auth/logout', roles: OPS,
    handler: async (c, hub) => {
      const p = principalOf(c);
      if (p.kind === 'user') await hub.auth.logout(p.sessionId);
      return c.json({ ok: true });
    },
  },
  {
    method: 'GET', path: '/api/auth/me', roles: ['kiosk', 'display', 'operator', 'supervisor'],
    handler: async (c) => {
      const p = principalOf(c);
      return c.json(p.kind === 'user'
        ? { role: p.role, user: { id: p.userId, username: p.username, displayName: p.displayName }, counterId: p.counterId }
        : { role: p.role, device: { id: p.deviceId, name: p.name } });
    },
  },
  {
    method: 'GET', path: '/api/services', roles: ['kiosk', 'display', 'operator', 'supervisor'],
    handler: async (c, hub) => c.json({ services: hub.queue.listServices() }),
  },
  {
    method: 'POST', path: '/api/tickets', roles: ['kiosk'],
    handler: async (c, hub) => {
      const b = await body(c, IssueTicketSchema);
      const key = c.req.header('idempotency-key');
      if (key !== undefined && !/^[A-Za-z0-9_-]{8,100}$/.test(key)) {
        throw new HubError(400, 'INVALID_INPUT', 'Idempotency-Key: 8-100 letters, digits, - or _', 'Idempotency-Key');
      }
      const p = principalOf(c);
      const { ticket, peopleAhead, estimatedWaitMinutes, replayed } = await hub.queue.issue(
        b, await hub.auth.activeCounterIds(), key && p.kind === 'device' ? { key, deviceId: p.deviceId } : undefined);
      const service = hub.queue.service(ticket.serviceCode);
      const qrText = ticketQrText(hub.qrKey, ticket);
      // The ticket exists once the transaction committed; a printer fault only changes what the
      // kiosk tells the resident. A replayed request (the kiosk lost our answer) is not printed twice.
      const printed = replayed ? { ok: true as const } : await hub.printer.printQueueTicket({
        officeName: hub.config.officeName, label: ticket.label, serviceNameId: service.nameId, serviceNameEn: service.nameEn,
        issuedAt: ticket.issuedAt, peopleAhead, estimatedWaitMinutes, qrText,
      });
      if (!printed.ok) hub.log.warn('ticket not printed', { label: ticket.label, code: printed.code });
      return c.json({
        ticket: {
          id: ticket.id, label: ticket.label, serviceCode: ticket.serviceCode, priority: ticket.priority, issuedAt: ticket.issuedAt,
          peopleAhead, estimatedWaitMinutes, qrText, qrSvg: await qrSvg(qrText), printed,
        },
      }, replayed ? 200 : 201);
    },
  },
  {
    method: 'GET', path: '/api/queue', roles: OPS,
    handler: async (c, hub) => c.json(await hub.queue.state()),
  },
  {
    method: 'GET', path: '/api/counters', roles: OPS,
    handler: async (c, hub) => c.json({ counters: (await hub.queue.state()).counters }),
  },
  {
    method: 'POST', path: '/api/operator/counter', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, CounterSchema);
      const counter = hub.queue.counter(b.counterId);
      const p = principalOf(c);
      if (p.kind === 'user') await hub.auth.setCounter(p.sessionId, counter.id);
      return c.json({ counter });
    },
  },
  {
    method: 'POST', path: '/api/counters/:counterId/call-next', roles: OPS,
    handler: async (c, hub) => {
      const counterId = c.req.param('counterId')!;
      const actor = actorOf(c);
      if (actor.counterId && actor.counterId !== counterId && principalOf(c).role !== 'supervisor') {
        throw new HubError(403, 'NOT_YOUR_COUNTER', `you work at ${actor.counterId}, not ${counterId}`);
      }
      return c.json({ ticket: await hub.queue.callNext(counterId, actor) });
    },
  },
  {
    method: 'POST', path: '/api/tickets/:id/recall', roles: OPS,
    handler: async (c, hub) => c.json({ ticket: await hub.queue.recall(c.req.param('id')!, actorOf(c)) }),
  },
  {
    method: 'POST', path: '/api/tickets/:id/no-show', roles: OPS,
    handler: async (c, hub) => c.json({ ticket: await hub.queue.noShow(c.req.param('id')!, actorOf(c)) }),
  },
  {
    method: 'POST', path: '/api/tickets/:id/start', roles: OPS,
    handler: async (c, hub) => c.json({ ticket: await hub.queue.start(c.req.param('id')!, actorOf(c)) }),
  },
  {
    method: 'POST', path: '/api/tickets/:id/finish', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, FinishSchema);
      return c.json({ ticket: await hub.queue.finish(c.req.param('id')!, b.outcome, b.note, actorOf(c)) });
    },
  },
  {
    method: 'POST', path: '/api/tickets/:id/transfer', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, TransferSchema);
      return c.json({ ticket: await hub.queue.transfer(c.req.param('id')!, b, actorOf(c)) });
    },
  },
  {
    method: 'GET', path: '/api/display/state', roles: ['display'],
    handler: async (c, hub) => c.json({ ...(await hub.queue.displayState()), officeName: hub.config.officeName }),
  },
  {
    method: 'GET', path: '/api/supervisor/stats', roles: ['supervisor'],
    handler: async (c, hub) => {
      const day = dayParam(c, hub);
      return c.json({ day, services: await hub.queue.dayStats(day) });
    },
  },
  {
    method: 'GET', path: '/api/supervisor/stats.csv', roles: ['supervisor'],
    handler: async (c, hub) => {
      const day = dayParam(c, hub);
      return c.body(statsToCsv(day, await hub.queue.dayStats(day)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="antrian-${day}.csv"`,
      });
    },
  },
  {
    method: 'POST', path: '/api/cases/enrolments', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, EnrolmentInputSchema);
      const p = principalOf(c);
      return c.json({ case: await hub.cases.createEnrolment(b, p.kind === 'user' ? p.username : p.deviceId) }, 201);
    },
  },
  {
    method: 'GET', path: '/api/cases/:id', roles: OPS,
    handler: async (c, hub) => c.json({ case: await hub.cases.get(c.req.param('id')!) }),
  },
  {
    method: 'GET', path: '/api/supervisor/dc', roles: ['supervisor'],
    handler: async (c, hub) => {
      if (!hub.dc) return c.json({ configured: false, registered: false, reachable: false });
      return c.json({ configured: true, ...(await hub.dc.status()) });
    },
  },
  {
    method: 'POST', path: '/api/supervisor/dc/dead-letters/:recordId/retry', roles: ['supervisor'],
    handler: async (c, hub) => {
      if (!hub.dc) throw new HubError(503, 'DC_NOT_CONFIGURED', 'this hub has no DC link configured');
      const ok = await hub.dc.retryDeadLetter(c.req.param('recordId')!);
      if (!ok) throw new HubError(404, 'UNKNOWN_DEAD_LETTER', 'no dead letter with that record id');
      const p = principalOf(c);
      await hub.auth.audit(p.kind === 'user' ? p.username : p.role, 'dc.dead_letter.retry', { recordId: c.req.param('recordId') });
      return c.json({ ok: true });
    },
  },
  {
    method: 'GET', path: '/api/supervisor/clarifications', roles: ['supervisor'],
    handler: async (c, hub) => c.json({ clarifications: await hub.cases.clarifications(c.req.query('all') !== '1') }),
  },
  {
    method: 'POST', path: '/api/supervisor/clarifications/:id/resolve', roles: ['supervisor'],
    handler: async (c, hub) => {
      const b = await body(c, ResolveSchema);
      const id = Number(c.req.param('id'));
      if (!Number.isInteger(id)) throw new HubError(400, 'INVALID_INPUT', 'clarification id must be a number', 'id');
      const p = principalOf(c);
      await hub.cases.resolveClarification(id, b.resolution, b.note, p.kind === 'user' ? p.username : p.role);
      return c.json({ ok: true });
    },
  },
  {
    method: 'GET', path: '/api/devices', roles: OPS,
    handler: async (c, hub) => c.json({ devices: hub.devices.states() }),
  },
];
