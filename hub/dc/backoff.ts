/**
 * Retry delays: exponential with "full jitter" (a random delay between 0 and the exponential cap),
 * which spreads the retries of many hubs after a DC outage instead of synchronising them.
 */
export interface RetryPolicy { baseMs: number; maxMs: number }

export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(policy.baseMs / 10, Math.floor(random() * cap));
}

/** What a DC answer means for an outbox record. */
export type DeliveryVerdict =
  | { kind: 'delivered'; receiptId: string; duplicate: boolean }
  | { kind: 'dead'; reason: string }
  | { kind: 'reregister'; reason: string }
  | { kind: 'retry'; reason: string };

export function judgeResponse(status: number, body: unknown): DeliveryVerdict {
  const b = (body ?? {}) as { receiptId?: unknown; duplicate?: unknown; error?: { code?: unknown; message?: unknown } };
  if ((status === 200 || status === 201) && typeof b.receiptId === 'string') {
    return { kind: 'delivered', receiptId: b.receiptId, duplicate: b.duplicate === true };
  }
  const code = typeof b.error?.code === 'string' ? b.error.code : `HTTP_${status}`;
  const message = typeof b.error?.message === 'string' ? b.error.message : 'no message';
  if (status === 401 && code === 'UNKNOWN_HUB') return { kind: 'reregister', reason: `${code}: ${message}` };
  // The DC looked at the record and refuses it: sending it again cannot help.
  if (status === 400 || status === 422) return { kind: 'dead', reason: `${code}: ${message}` };
  return { kind: 'retry', reason: `${code}: ${message}` };
}
