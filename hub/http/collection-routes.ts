/**
 * The collection routes: the kiosk drives its own session step by step, the officer's assist
 * screen may act on any session (take over a step), and only officers override, confirm the old
 * KTP, cancel, return a card or check a receipt. Part of the ROUTES table (roles tested there).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { DATA_FIELDS, FINGERS, dayBounds } from '../domain/index.ts';
import type { HubContext } from '../context.ts';
import type { Actor } from '../collection/collection-service.ts';
import { HubError } from './errors.ts';
import { principalOf, type HubEnv } from './auth-middleware.ts';
import { body } from './validate.ts';
import type { RouteSpec } from './routes.ts';
import { summonsQrText } from '../collection/codes.ts';

const KIOSK_AND_OPS = ['kiosk', 'operator', 'supervisor'] as const;
const OPS = ['operator', 'supervisor'] as const;

const StartSchema = z.object({
  nik: z.string().max(32, 'too long').optional(),
  code: z.string().max(500, 'too long').optional(),
}).refine((b) => b.nik !== undefined || b.code !== undefined, { message: 'give the NIK or a scanned code', path: ['nik'] });
const ConfirmSchema = z.discriminatedUnion('correct', [
  z.object({ correct: z.literal(true) }),
  z.object({
    correct: z.literal(false),
    fields: z.array(z.enum(DATA_FIELDS)).min(1, 'say which data are wrong').max(DATA_FIELDS.length),
    note: z.string().trim().max(500).default(''),
  }),
]);
const OverrideSchema = z.object({
  finger: z.enum(FINGERS),
  reason: z.string().trim().min(5, 'say why the finger cannot be used (at least 5 characters)').max(300),
  supervisor: z.object({ username: z.string().min(1, 'required').max(64), pin: z.string().min(1, 'required').max(16) }),
});
const OldKtpSchema = z.object({ value: z.enum(['withdrawn', 'none']) });
const ReasonSchema = z.object({ reason: z.string().trim().min(3, 'give a reason').max(300) });
const AbandonSchema = z.object({ reason: z.string().trim().min(1).max(100).default('kiosk idle') });
const CodeSchema = z.object({ code: z.string().min(1, 'required').max(500) });

function actorOf(c: Context<HubEnv>): Actor {
  const p = principalOf(c);
  if (p.kind === 'device') {
    if (p.role !== 'kiosk') throw new HubError(403, 'FORBIDDEN', 'not a kiosk');
    return { kind: 'kiosk', deviceId: p.deviceId };
  }
  return { kind: 'officer', username: p.username, displayName: p.displayName, role: p.role };
}

const id = (c: Context<HubEnv>) => c.req.param('id')!;

export const COLLECTION_ROUTES: RouteSpec[] = [
  {
    method: 'POST', path: '/api/collections', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => {
      const b = await body(c, StartSchema);
      return c.json(await hub.collections.start(b, actorOf(c)), 201);
    },
  },
  {
    method: 'GET', path: '/api/collections', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => {
      const a = actorOf(c);
      return c.json(a.kind === 'kiosk' ? { current: hub.collections.current(a.deviceId) } : { sessions: hub.collections.all() });
    },
  },
  {
    method: 'GET', path: '/api/collections/:id', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(hub.collections.get(id(c), actorOf(c))),
  },
  {
    method: 'GET', path: '/api/collections/:id/events', roles: OPS,
    handler: async (c, hub) => c.json({ events: (await hub.collections.events(id(c))).map((e) => ({ type: e.type, at: e.at, actor: e.actor, data: JSON.parse(e.data_json) })) }),
  },
  {
    method: 'POST', path: '/api/collections/:id/read-card', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(await hub.collections.readCard(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/confirm', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(await hub.collections.confirmData(id(c), await body(c, ConfirmSchema), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/resume', roles: OPS,
    handler: async (c, hub) => c.json(await hub.collections.resume(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/fingerprint', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(await hub.collections.verifyFinger(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/fingerprint/cancel', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(hub.collections.cancelCapture(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/override', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, OverrideSchema);
      const officer = actorOf(c);
      // the supervisor approves at the counter with their own PIN (rate-limited like a sign-in)
      // a wrong supervisor PIN is a refusal of the approval (403), not of the caller's own session (401)
      const sup = await hub.auth.checkCredentials(b.supervisor.username, b.supervisor.pin, hub.clientAddress(c)).catch((e: unknown) => {
        if (e instanceof HubError && e.code === 'BAD_CREDENTIALS') throw new HubError(403, 'BAD_CREDENTIALS', 'wrong supervisor username or PIN', 'supervisor.pin');
        throw e;
      });
      if (sup.role !== 'supervisor') throw new HubError(403, 'NOT_A_SUPERVISOR', `${sup.username} is not a supervisor`, 'supervisor.username');
      if (officer.kind === 'officer' && officer.username === sup.username) throw new HubError(403, 'SAME_PERSON', 'the approving supervisor must be someone else', 'supervisor.username');
      return c.json(await hub.collections.override(id(c), { finger: b.finger, reason: b.reason, supervisor: { username: sup.username, displayName: sup.displayName } }, officer));
    },
  },
  {
    method: 'POST', path: '/api/collections/:id/old-ktp', roles: OPS,
    handler: async (c, hub) => c.json(await hub.collections.setOldKtp(id(c), (await body(c, OldKtpSchema)).value, actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/signature/start', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(await hub.collections.startSignature(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/signature/clear', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(hub.collections.clearSignature(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/signature', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => c.json(await hub.collections.acceptSignature(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/reprint', roles: OPS,
    handler: async (c, hub) => c.json(await hub.collections.reprint(id(c), actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/cancel', roles: OPS,
    handler: async (c, hub) => c.json(await hub.collections.cancel(id(c), (await body(c, ReasonSchema)).reason, actorOf(c))),
  },
  {
    method: 'POST', path: '/api/collections/:id/abandon', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => {
      await hub.collections.abandon(id(c), (await body(c, AbandonSchema)).reason, actorOf(c));
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/collections/:id/close', roles: KIOSK_AND_OPS,
    handler: async (c, hub) => { hub.collections.close(id(c), actorOf(c)); return c.json({ ok: true }); },
  },
  {
    method: 'GET', path: '/api/stock', roles: OPS,
    handler: async (c, hub) => {
      const day = c.req.query('day') ?? hub.queue.today();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new HubError(400, 'INVALID_INPUT', 'day must be YYYY-MM-DD', 'day');
      const { start, end } = dayBounds(day, hub.config.timezone);
      const lists = await hub.stock.lists(start, end);
      const withSummons = (xs: typeof lists.inStock) => xs.map((x) => ({ ...x, summonsQr: summonsQrText(hub.qrKey, x.caseId) }));
      return c.json({ day, inStock: withSummons(lists.inStock), collected: lists.collected, returned: lists.returned });
    },
  },
  {
    method: 'POST', path: '/api/stock/:id/return', roles: OPS,
    handler: async (c, hub) => {
      const b = await body(c, ReasonSchema);
      const p = principalOf(c);
      await hub.collections.returnCard(id(c), b.reason, p.kind === 'user' ? p.username : p.role);
      return c.json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/api/receipts/check', roles: OPS,
    handler: async (c, hub) => c.json(await hub.collections.checkReceipt((await body(c, CodeSchema)).code)),
  },
];

export type { HubContext };
