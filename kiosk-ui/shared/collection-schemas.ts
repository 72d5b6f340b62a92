/**
 * The collection answers and events as the screens accept them (zod/mini, small in the bundle):
 * CollectionView (docs/API.md "Card collection"), the officer's session list, the stock lists.
 * A screen refuses an answer that does not fit instead of rendering half of it.
 */
import * as z from 'zod/mini';
import { ServiceStatsSchema } from './schemas.ts';

const FingerStateSchema = z.object({
  status: z.enum(['pending', 'matched', 'failed', 'overridden']),
  tries: z.number(),
  bestScore: z.nullable(z.number()),
  override: z.optional(z.object({ reason: z.string(), operator: z.string(), supervisor: z.string() })),
});

const CodeMessage = z.object({ code: z.string(), message: z.string() });
const FingerName = z.enum(['rightIndex', 'leftIndex']);

export const CollectionViewSchema = z.object({
  id: z.string(),
  step: z.enum(['card', 'data', 'fingerprint', 'signature', 'receipt', 'failed', 'held', 'cancelled', 'abandoned']),
  kioskId: z.nullable(z.string()),
  identifiedBy: z.enum(['nik', 'ticket', 'summons']),
  startedAt: z.string(),
  caseRecord: z.object({ caseId: z.string(), nik: z.string(), nikMasked: z.string(), fullName: z.string(), cardSerial: z.string(), receivedAt: z.string() }),
  chip: z.nullable(z.object({
    biodata: z.record(z.string(), z.optional(z.string())),
    faceDataUrl: z.string(),
    signatureDataUrl: z.string(),
    passiveAuth: z.object({ valid: z.literal(true), signer: z.string(), signingTime: z.nullable(z.string()) }),
  })),
  comparison: z.array(z.object({ field: z.string(), chip: z.string(), record: z.string(), same: z.boolean() })),
  cardPresent: z.boolean(),
  cardAway: z.boolean(),
  reading: z.boolean(),
  notice: z.nullable(CodeMessage),
  discrepancy: z.nullable(z.object({ fields: z.array(z.string()), note: z.string() })),
  held: z.nullable(CodeMessage),
  fingers: z.object({ rightIndex: FingerStateSchema, leftIndex: FingerStateSchema }),
  currentFinger: z.nullable(FingerName),
  maxTries: z.number(),
  capturing: z.boolean(),
  lastTry: z.nullable(z.union([
    z.object({ finger: FingerName, match: z.boolean(), score: z.number(), triesLeft: z.number() }),
    z.object({ finger: FingerName, error: CodeMessage }),
  ])),
  officer: z.nullable(z.object({ username: z.string(), displayName: z.string() })),
  oldKtp: z.nullable(z.enum(['withdrawn', 'none'])),
  receipt: z.nullable(z.object({
    number: z.string(),
    rows: z.array(z.object({ label: z.string(), value: z.string() })),
    qrText: z.string(),
    qrSvg: z.string(),
    signatureSvg: z.string(),
    printed: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), code: z.string(), message: z.string() })]),
    completedAt: z.string(),
  })),
  failure: z.nullable(z.string()),
  endReason: z.nullable(z.string()),
});
export type CollectionView = z.infer<typeof CollectionViewSchema>;

/** GET /api/collections as an officer */
export const CollectionListSchema = z.object({ sessions: z.array(CollectionViewSchema) });

export const StockItemSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  cardSerial: z.string(),
  nikMasked: z.string(),
  fullName: z.string(),
  status: z.enum(['in_stock', 'collected', 'returned']),
  receivedAt: z.string(),
  collectedAt: z.nullable(z.string()),
  returnedAt: z.nullable(z.string()),
  returnReason: z.nullable(z.string()),
  summonsQr: z.optional(z.string()),
});
export type StockItem = z.infer<typeof StockItemSchema>;

export const StockAnswerSchema = z.object({
  day: z.string(),
  inStock: z.array(StockItemSchema),
  collected: z.array(StockItemSchema),
  returned: z.array(StockItemSchema),
});
export type StockAnswer = z.infer<typeof StockAnswerSchema>;

/** POST /api/stock/:id/return, close, abandon */
export const OkAnswerSchema = z.object({ ok: z.literal(true) });

const StepTimesSchema = z.object({
  count: z.number(),
  medianSeconds: z.nullable(z.number()),
  withinStandard: z.number(),
  standardMinutes: z.number(),
});

/** `collection` of GET /api/supervisor/stats: the day's collections against the B2 / B3 standards */
export const CollectionDayStatsSchema = z.object({
  started: z.number(),
  berhasil: z.number(),
  gagal: z.number(),
  cancelled: z.number(),
  abandoned: z.number(),
  verification: StepTimesSchema,
  handover: StepTimesSchema,
});
export type CollectionDayStats = z.infer<typeof CollectionDayStatsSchema>;

/** GET /api/supervisor/stats with its collection figures (an older hub without them still parses) */
export const SupervisorStatsSchema = z.object({
  day: z.string(),
  services: z.array(ServiceStatsSchema),
  collection: z.optional(CollectionDayStatsSchema),
});
export type SupervisorStats = z.infer<typeof SupervisorStatsSchema>;
