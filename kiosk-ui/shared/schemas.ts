/**
 * The hub's answers as the screens rely on them (docs/API.md). Objects are not strict: fields the
 * hub adds later pass through untouched, while a missing or mistyped field the screens use is refused.
 */
import * as z from 'zod/mini';

export const PrioritySchema = z.enum(['none', 'elderly', 'disabled', 'pregnant']);
export type Priority = z.infer<typeof PrioritySchema>;

export const ServiceSchema = z.object({
  code: z.string(),
  prefix: z.string(),
  nameId: z.string(),
  nameEn: z.string(),
  standardMinutes: z.number(),
  requirements: z.array(z.object({ id: z.string(), textId: z.string(), textEn: z.string() })),
});
export type Service = z.infer<typeof ServiceSchema>;

export const ServicesAnswerSchema = z.object({ services: z.array(ServiceSchema) });

export const PrintedSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: z.enum(['PRINTER_OFFLINE', 'PAPER_OUT', 'PRINTER_ERROR']),
    message: z.string(),
  }),
]);

export const IssuedTicketSchema = z.object({
  id: z.string(),
  label: z.string(),
  serviceCode: z.string(),
  priority: PrioritySchema,
  issuedAt: z.string(),
  peopleAhead: z.number(),
  estimatedWaitMinutes: z.number(),
  qrText: z.string(),
  qrSvg: z.string(),
  printed: PrintedSchema,
});
export type IssuedTicket = z.infer<typeof IssuedTicketSchema>;
export const IssueAnswerSchema = z.object({ ticket: IssuedTicketSchema });

export const TicketStatusSchema = z.enum(['waiting', 'called', 'serving', 'done', 'no_show', 'expired']);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const TicketSchema = z.object({
  id: z.string(),
  label: z.string(),
  serviceCode: z.string(),
  priority: PrioritySchema,
  status: TicketStatusSchema,
  counterId: z.nullable(z.string()),
  targetCounterId: z.nullable(z.string()),
  recallCount: z.number(),
  outcome: z.nullable(z.string()),
  issuedAt: z.string(),
  calledAt: z.nullable(z.string()),
  startedAt: z.nullable(z.string()),
  finishedAt: z.nullable(z.string()),
  nikMasked: z.string(),
});
export type Ticket = z.infer<typeof TicketSchema>;
export const TicketAnswerSchema = z.object({ ticket: TicketSchema });

export const CounterSchema = z.object({
  id: z.string(),
  name: z.string(),
  serviceCodes: z.array(z.string()),
  current: z.nullable(TicketSchema),
});
export type Counter = z.infer<typeof CounterSchema>;
export const CountersAnswerSchema = z.object({ counters: z.array(CounterSchema) });
/** the hub answers the counter choice with the counter; only its id and name are relied on */
export const CounterAnswerSchema = z.object({ counter: z.object({ id: z.string(), name: z.string() }) });

export const QueueStateSchema = z.object({
  day: z.string(),
  services: z.array(ServiceSchema),
  counters: z.array(CounterSchema),
  waiting: z.array(TicketSchema),
  /** not in API.md yet: how many recalls the hub wants before a no-show (asked for in the report) */
  minRecallsForNoShow: z.optional(z.number()),
});
export type QueueState = z.infer<typeof QueueStateSchema>;

export const DeviceStateSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['online', 'offline', 'busy', 'error']),
  detail: z.optional(z.string()),
});
export type DeviceState = z.infer<typeof DeviceStateSchema>;
export const DevicesAnswerSchema = z.object({ devices: z.array(DeviceStateSchema) });

export const LoginAnswerSchema = z.object({
  token: z.string(),
  role: z.string(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string() }),
  idleMinutes: z.number(),
});
export type LoginAnswer = z.infer<typeof LoginAnswerSchema>;

export const ServiceStatsSchema = z.object({
  serviceCode: z.string(),
  nameId: z.string(),
  issued: z.number(),
  served: z.number(),
  noShow: z.number(),
  waitingNow: z.number(),
  avgWaitMinutes: z.nullable(z.number()),
  p90WaitMinutes: z.nullable(z.number()),
  avgServiceMinutes: z.nullable(z.number()),
  standardMinutes: z.number(),
  overStandardCount: z.number(),
});
export type ServiceStats = z.infer<typeof ServiceStatsSchema>;
export const DayStatsSchema = z.object({ day: z.string(), services: z.array(ServiceStatsSchema) });
export type DayStats = z.infer<typeof DayStatsSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()), retryAfterSeconds: z.optional(z.number()) }),
});
