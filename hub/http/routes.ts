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
import type { Principal } from '../auth/roles.ts';
import { body } from './validate.ts';
import { qrSvg, ticketQrText } from '../queue/ticket-qr.ts';
import { EnrolmentInputSchema } from '../cases/case-service.ts';
import { COLLECTION_ROUTES } from './collection-routes.ts';

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
const ChallengeSchema = z.object({ challenge: z.string().min(10, 'required').max(200) });
const FingerSchema = z.enum(['rightIndex', 'leftIndex']);
const SimPlaceSchema = z.object({ residentId: z.string().min(1), finger: FingerSchema, impression: z.number().int().min(1).max(8).optional() });
const SimCardSchema = z.object({ residentId: z.string().min(1), variant: z.enum(['good', 'changedDg', 'badSignature', 'unknownCa', 'truncated']).optional() });
const SimStrokeSchema = z.object({ points: z.array(z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), pressure: z.number().min(0).max(1) })).min(1).max(5000) });
const SimPrinterSchema = z.object({ paperOut: z.boolean().optional(), offline: z.boolean().optional() });
const SimCountSchema = z.object({ count: z.number().int().min(0).max(10) });
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
/** enrolment needs a clearer image than verification will */
const MIN_ENROL_QUALITY = 40;

function sessionAnswer(token: string, p: Principal, hub: HubContext) {
  if (p.kind !== 'user') throw new Error('a session belongs to a user');
  return { token, role: p.role, user: { id: p.userId, username: p.username, displayName: p.displayName }, idleMinutes: hub.config.sessionIdleMinutes };
}

/** A capture that did not give a finger to compare: what the screen should say. */
function captureError(code: string, message: string): HubError {
  switch (code) {
    case 'SCANNER_OFFLINE': return new HubError(503, 'SCANNER_OFFLINE', message);
    case 'CAPTURE_TIMEOUT': return new HubError(408, 'CAPTURE_TIMEOUT', 'no finger was placed in time');
    case 'SCANNER_BUSY': return new HubError(409, 'SCANNER_BUSY', 'the scanner is busy with another capture');
    case 'CAPTURE_CANCELLED': return new HubError(409, 'CAPTURE_CANCELLED', 'the capture was cancelled');
    case 'POOR_IMAGE': return new HubError(422, 'POOR_IMAGE', 'the image stayed too poor; clean the finger and the glass and try again');
    default: return new HubError(503, code, message);
  }
}

/** The simulator panel exists only in demo mode; elsewhere its routes do not exist. */
function demoOf(hub: HubContext) {
  if (hub.config.mode !== 'demo' || !hub.devices.demo) throw new HubError(404, 'NOT_FOUND', 'the simulator panel exists only in demo mode');
  return hub.devices.demo;
}

const BASE_ROUTES: RouteSpec[] = [
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
      const user = await hub.auth.checkCredentials(b.username, b.pin, address);
      if (await hub.fingerprints.has(user.id)) {
        return c.json({ fingerprintRequired: true, ...hub.auth.createChallenge(user, address) });
      }
      const { token, principal } = await hub.auth.openSession(user, address, 'pin');
      return c.json(sessionAnswer(token, principal, hub));
    },
  },
  {
    method: 'POST', path: '/api/auth/login/fingerprint', roles: 'public',
    handler: async (c, hub) => {
      const b = await body(c, ChallengeSchema);
      const { user, address } = hub.auth.peekChallenge(b.challenge);
      const live = await hub.devices.fingerprint.capture({ signal: hub.auth.captureFor(b.challenge) });
      if (!live.ok) throw captureError(live.code, live.message);
      hub.auth.dropChallenge(b.challenge);
      const m = await hub.fingerprints.verify(user.id, live.template);
      if (!m.match) {
        await hub.auth.recordFailure(user.username, address, 'login.fingerprint_mismatch');
        throw new HubError(401, 'FINGERPRINT_MISMATCH', 'the finger does not match the enrolled right index; sign in again');
      }
      const { token, principal } = await hub.auth.openSession(user, address, 'pin+fingerprint');
      return c.json(sessionAnswer(token, principal, hub));
    },
  },
  {
    method: 'POST', path: '/api/auth/login/fingerprint/cancel', roles: 'public',
    handler: async (c, hub) => {
      const b = await body(c, ChallengeSchema);
      // whoever holds the challenge may give it up; an unknown one is already gone
      hub.auth.cancelChallenge(b.challenge);
      return c.json({ ok: true });
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
        b, () => hub.auth.activeCounterIds(), key && p.kind === 'device' ? { key, deviceId: p.deviceId } : undefined);
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
      return c.json({ day, services: await hub.queue.dayStats(day), collection: await hub.collections.dayStats(day) });
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
    method: 'GET', path: '/api/supervisor/operators', roles: ['supervisor'],
    handler: async (c, hub) => {
      const enrolled = await hub.fingerprints.enrolledUserIds();
      const users = await hub.db.all<{ id: string; username: string; display_name: string; role: string }>(
        'SELECT id, username, display_name, role FROM users WHERE disabled_at IS NULL ORDER BY username');
      return c.json({ operators: users.map((u) => ({ id: u.id, username: u.username, displayName: u.display_name, role: u.role, fingerprintEnrolled: enrolled.has(u.id) })) });
    },
  },
  {
    method: 'POST', path: '/api/supervisor/operators/:userId/fingerprint', roles: ['supervisor'],
    handler: async (c, hub) => {
      const userId = c.req.param('userId')!;
      const user = await hub.db.get<{ username: string }>('SELECT username FROM users WHERE id = ? AND disabled_at IS NULL', [userId]);
      if (!user) throw new HubError(404, 'UNKNOWN_USER', `no user ${userId}`);
      const live = await hub.devices.fingerprint.capture({ onEvent: (event) => hub.realtime.emit('/supervisor', 'fingerprint:event', { event }) });
      if (!live.ok) throw captureError(live.code, live.message);
      const p = principalOf(c);
      const by = p.kind === 'user' ? p.username : p.role;
      if (live.quality < MIN_ENROL_QUALITY) {
        await hub.auth.audit(by, 'operator.fingerprint.poor', { user: user.username, quality: live.quality });
        throw new HubError(422, 'POOR_QUALITY', `image quality ${live.quality} is below ${MIN_ENROL_QUALITY}; place the finger flat and try again`);
      }
      await hub.fingerprints.enrol(userId, live.template, live.quality, by);
      await hub.auth.audit(by, 'operator.fingerprint.enrolled', { user: user.username, quality: live.quality });
      return c.json({ ok: true, quality: live.quality });
    },
  },
  {
    method: 'POST', path: '/api/supervisor/operators/:userId/fingerprint/remove', roles: ['supervisor'],
    handler: async (c, hub) => {
      const userId = c.req.param('userId')!;
      if (!(await hub.fingerprints.remove(userId))) throw new HubError(404, 'NOT_ENROLLED', 'that user has no enrolled finger');
      const p = principalOf(c);
      await hub.auth.audit(p.kind === 'user' ? p.username : p.role, 'operator.fingerprint.removed', { userId });
      return c.json({ ok: true });
    },
  },
  {
    method: 'GET', path: '/api/sim/state', roles: OPS,
    handler: async (c, hub) => c.json({ ...demoOf(hub).state(), devices: hub.devices.states() }),
  },
  {
    method: 'POST', path: '/api/sim/fingerprint/place', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      const b = await body(c, SimPlaceSchema);
      await sim.placeFinger(b.residentId, b.finger, b.impression);
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/sim/fingerprint/lift', roles: OPS,
    handler: async (c, hub) => { demoOf(hub).liftFinger(); return c.json({ ok: true }); },
  },
  {
    method: 'POST', path: '/api/sim/fingerprint/poor-images', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      sim.poorImages((await body(c, SimCountSchema)).count);
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/sim/card/insert', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      const b = await body(c, SimCardSchema);
      await sim.insertCard(b.residentId, b.variant);
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/sim/card/remove', roles: OPS,
    handler: async (c, hub) => { demoOf(hub).removeCard(); return c.json({ ok: true }); },
  },
  {
    method: 'POST', path: '/api/sim/signature/stroke', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      await sim.stroke((await body(c, SimStrokeSchema)).points);
      return c.json({ ok: true });
    },
  },
  {
    method: 'GET', path: '/api/sim/printer', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      return c.json({ documents: (sim.printer?.getPrinted() ?? []).map((d) => ({ id: d.id, lines: d.lines, qrCodes: d.qrCodes, printedAt: d.printedAt })) });
    },
  },
  {
    method: 'POST', path: '/api/sim/printer', roles: OPS,
    handler: async (c, hub) => {
      const sim = demoOf(hub);
      sim.setPrinter(await body(c, SimPrinterSchema));
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/devices/signature/start', roles: ['kiosk', 'operator', 'supervisor'],
    handler: async (c, hub) => {
      const pad = hub.devices.signaturePad;
      if (!pad || !pad.isReady) throw new HubError(503, 'PAD_OFFLINE', 'the signature pad is not connected');
      await pad.startCapture();
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/devices/signature/clear', roles: ['kiosk', 'operator', 'supervisor'],
    handler: async (c, hub) => {
      const pad = hub.devices.signaturePad;
      if (!pad) throw new HubError(503, 'PAD_OFFLINE', 'the signature pad is not connected');
      pad.clear();
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/devices/signature/finish', roles: ['kiosk', 'operator', 'supervisor'],
    handler: async (c, hub) => {
      const pad = hub.devices.signaturePad;
      if (!pad) throw new HubError(503, 'PAD_OFFLINE', 'the signature pad is not connected');
      const r = await pad.finish();
      if (!r.ok) throw new HubError(r.code === 'EMPTY_SIGNATURE' ? 409 : 503, r.code, r.message);
      await pad.stopCapture().catch(() => undefined);
      // sizes: the card's signature field and the receipt
      const png = r.signature.toPng({ width: 300, height: 120 });
      return c.json({
        ok: true, pointCount: r.signature.pointCount, strokes: r.signature.strokes.length,
        svg: r.signature.toSvg({ width: 600, height: 240 }),
        pngDataUrl: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
      });
    },
  },
  {
    method: 'GET', path: '/api/devices', roles: OPS,
    handler: async (c, hub) => c.json({ devices: hub.devices.states() }),
  },
];

/** every route of the hub */
export const ROUTES: RouteSpec[] = [...BASE_ROUTES, ...COLLECTION_ROUTES];
