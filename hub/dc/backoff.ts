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

/** A batch answer: one verdict per record id, or one for the whole batch when the DC refused it whole. */
export function judgeBatchResponse(status: number, body: unknown, recordIds: string[]): Map<string, DeliveryVerdict> {
  const out = new Map<string, DeliveryVerdict>();
  const results = (body as { results?: unknown } | undefined)?.results;
  if (status === 200 && Array.isArray(results)) {
    const byId = new Map<string, { receiptId?: unknown; duplicate?: unknown; error?: { code?: unknown; message?: unknown } }>();
    for (const r of results) if (r && typeof r === 'object' && typeof (r as { recordId?: unknown }).recordId === 'string') byId.set((r as { recordId: string }).recordId, r as never);
    for (const id of recordIds) {
      const r = byId.get(id);
      if (!r) out.set(id, { kind: 'retry', reason: 'NO_RESULT: the DC answered without this record' });
      else if (typeof r.receiptId === 'string') out.set(id, { kind: 'delivered', receiptId: r.receiptId, duplicate: r.duplicate === true });
      else out.set(id, { kind: 'dead', reason: `${String(r.error?.code ?? 'REFUSED')}: ${String(r.error?.message ?? 'no message')}` });
    }
    return out;
  }
  const whole = judgeResponse(status, body);
  for (const id of recordIds) out.set(id, whole.kind === 'delivered' ? { kind: 'retry', reason: 'unexpected answer to a batch' } : whole);
  return out;
}

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
