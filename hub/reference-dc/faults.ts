/**
 * Fault injection, like MOSIP's mock ABIS expectations: what the DC should do wrong next. Shared by
 * the admin API and in-process callers (tests).
 */
import { z } from 'zod';

export const FaultsInputSchema = z.object({
  /**
   * true: every hub request is cut without an answer (the admin API stays reachable); { forMs }:
   * for a while. mode 'refuse': the listener is closed instead (connections are refused, and the
   * admin API too) and reopened on the same port when the fault ends.
   */
  down: z.union([z.boolean(), z.object({
    forMs: z.number().int().min(1).max(3_600_000).optional(),
    mode: z.enum(['cut', 'refuse']).optional(),
  }).strict()]).optional(),
  slowMs: z.number().int().min(0).max(60_000).optional(),
  /** the next N record posts answer 500 without storing */
  error500: z.number().int().min(0).max(1000).optional(),
  /** the next N record posts are stored, then never answered */
  timeoutAfterStore: z.number().int().min(0).max(1000).optional(),
  /** every notification is published twice (same id, new seq) */
  answerTwice: z.boolean().optional(),
  forceDuplicate: z.object({ caseRef: z.string().min(1), identityId: z.string().optional() }).optional(),
  reset: z.literal(true).optional(),
}).strict();
export type FaultsInput = z.infer<typeof FaultsInputSchema>;

export type DownMode = 'cut' | 'refuse';

export class FaultController {
  downUntil = 0;
  downMode: DownMode = 'cut';
  slowMs = 0;
  error500 = 0;
  timeoutAfterStore = 0;
  answerTwice = false;
  readonly forcedDuplicates = new Map<string, string | undefined>();

  /** set by the server: brings the listener in line with `down` (closed for 'refuse') */
  onChange: (() => Promise<void>) | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Applies faults; the promise settles once the listener matches them (closed by a 'refuse'
   * outage, reopened by `down: false` or a reset; a timed outage reopens it by itself later).
   */
  set(input: FaultsInput): Promise<void> {
    const f = FaultsInputSchema.parse(input);
    if (f.reset) {
      this.downUntil = 0; this.downMode = 'cut'; this.slowMs = 0; this.error500 = 0; this.timeoutAfterStore = 0; this.answerTwice = false;
      this.forcedDuplicates.clear();
    }
    if (f.down !== undefined) {
      if (typeof f.down === 'boolean') { this.downUntil = f.down ? Number.MAX_SAFE_INTEGER : 0; this.downMode = 'cut'; }
      else { this.downUntil = f.down.forMs ? this.now() + f.down.forMs : Number.MAX_SAFE_INTEGER; this.downMode = f.down.mode ?? 'cut'; }
    }
    if (f.slowMs !== undefined) this.slowMs = f.slowMs;
    if (f.error500 !== undefined) this.error500 = f.error500;
    if (f.timeoutAfterStore !== undefined) this.timeoutAfterStore = f.timeoutAfterStore;
    if (f.answerTwice !== undefined) this.answerTwice = f.answerTwice;
    if (f.forceDuplicate) this.forcedDuplicates.set(f.forceDuplicate.caseRef, f.forceDuplicate.identityId);
    return this.onChange?.() ?? Promise.resolve();
  }

  get down(): boolean { return this.now() < this.downUntil; }

  /** consumes one of a counted fault */
  take(kind: 'error500' | 'timeoutAfterStore'): boolean {
    if (this[kind] <= 0) return false;
    this[kind]--;
    return true;
  }

  view() {
    return {
      down: this.down, downMode: this.down ? this.downMode : null, downUntil: this.down && this.downUntil !== Number.MAX_SAFE_INTEGER ? new Date(this.downUntil).toISOString() : null,
      slowMs: this.slowMs, error500: this.error500, timeoutAfterStore: this.timeoutAfterStore, answerTwice: this.answerTwice,
      forcedDuplicates: [...this.forcedDuplicates].map(([caseRef, identityId]) => ({ caseRef, identityId: identityId ?? null })),
    };
  }
}
