/** Exponential backoff for reconnection attempts (pure). */
export interface BackoffOptions {
  /** first wait after a failed attempt (default 100 ms) */
  initialDelayMs?: number;
  /** cap of the wait (default 5000 ms) */
  maxDelayMs?: number;
  /** growth per failed attempt (default 2) */
  factor?: number;
}

export function backoffDelay(attempt: number, o: BackoffOptions = {}): number {
  const initial = o.initialDelayMs ?? 100;
  const max = o.maxDelayMs ?? 5000;
  const factor = o.factor ?? 2;
  return Math.min(max, initial * factor ** Math.max(0, attempt));
}
