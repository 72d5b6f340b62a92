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

/** The first sign-in step: a session, or (an enrolled operator) a challenge for the finger. */
export const FingerprintChallengeSchema = z.object({
  fingerprintRequired: z.literal(true),
  challenge: z.string(),
  expiresInSeconds: z.optional(z.number()),
});
export type FingerprintChallenge = z.infer<typeof FingerprintChallengeSchema>;
export const LoginStepSchema = z.union([LoginAnswerSchema, FingerprintChallengeSchema]);
export type LoginStep = z.infer<typeof LoginStepSchema>;

export const OkSchema = z.object({ ok: z.literal(true) });

export const FingerSchema = z.enum(['rightIndex', 'leftIndex']);
export type Finger = z.infer<typeof FingerSchema>;
export const CardVariantSchema = z.enum(['good', 'changedDg', 'badSignature', 'unknownCa', 'truncated']);
export type CardVariant = z.infer<typeof CardVariantSchema>;

export const SimResidentSchema = z.object({
  id: z.string(),
  kind: z.enum(['resident', 'operator']),
  fullName: z.string(),
  nikMasked: z.string(),
  /** test people's NIKs (demo only), to type at the collection kiosk */
  nik: z.optional(z.string()),
  fingers: z.object({ rightIndex: z.string(), leftIndex: z.string() }),
});
export type SimResident = z.infer<typeof SimResidentSchema>;

export const SimStateSchema = z.object({
  residents: z.array(SimResidentSchema),
  devices: z.array(DeviceStateSchema),
  scanner: z.object({ fingerOn: z.nullable(z.object({ residentId: z.string(), finger: z.string(), impression: z.optional(z.number()) })) }),
  card: z.object({ inserted: z.nullable(z.object({ residentId: z.string(), variant: z.string() })) }),
  printer: z.object({ paperOut: z.boolean(), offline: z.boolean() }),
});
export type SimState = z.infer<typeof SimStateSchema>;

export const PrintedDocumentSchema = z.object({
  id: z.union([z.number(), z.string()]),
  lines: z.array(z.string()),
  qrCodes: z.array(z.string()),
  printedAt: z.string(),
});
export type PrintedDocument = z.infer<typeof PrintedDocumentSchema>;
export const SimPrinterAnswerSchema = z.object({ documents: z.array(PrintedDocumentSchema) });

export const StaffUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  fingerprintEnrolled: z.boolean(),
});
export type StaffUser = z.infer<typeof StaffUserSchema>;
export const OperatorsAnswerSchema = z.object({ operators: z.array(StaffUserSchema) });
export const EnrolAnswerSchema = z.object({ ok: z.literal(true), quality: z.number() });

export const DeadLetterSchema = z.object({
  recordId: z.string(),
  caseId: z.nullable(z.string()),
  kind: z.string(),
  reason: z.nullable(z.string()),
  attempts: z.number(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
export const DcStatusSchema = z.object({
  configured: z.boolean(),
  registered: z.boolean(),
  reachable: z.boolean(),
  lastContactAt: z.nullable(z.string()),
  lastError: z.nullable(z.string()),
  depth: z.number(),
  oldestPendingAgeSeconds: z.nullable(z.number()),
  inFlight: z.number(),
  delivered: z.optional(z.number()),
  lastDeliveryAt: z.nullable(z.string()),
  deadLetters: z.array(DeadLetterSchema),
});
export type DcStatus = z.infer<typeof DcStatusSchema>;

export const ClarificationSchema = z.object({
  id: z.union([z.number(), z.string()]),
  caseId: z.string(),
  nikMasked: z.string(),
  candidates: z.array(z.object({ identityId: z.string(), nikMasked: z.optional(z.string()), score: z.optional(z.number()) })),
  createdAt: z.string(),
});
export type Clarification = z.infer<typeof ClarificationSchema>;
export const ClarificationsAnswerSchema = z.object({ clarifications: z.array(ClarificationSchema) });
export const ResolutionSchema = z.enum(['same_person', 'different_person', 'fraud_suspected']);
export type Resolution = z.infer<typeof ResolutionSchema>;
