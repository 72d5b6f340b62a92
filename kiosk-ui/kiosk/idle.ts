/**
 * The kiosk's idle rule as plain arithmetic, so it is tested without timers: after `timeoutMs`
 * without a touch the session is wiped; in the last `warnMs` a countdown is shown.
 */
export interface IdleView {
  expired: boolean;
  /** whole seconds left, rounded up (10, 9, ... 1) */
  secondsLeft: number;
  showCountdown: boolean;
}

export const DEFAULT_IDLE_SECONDS = 60;
export const IDLE_WARN_SECONDS = 10;

export function idleView(lastActivityMs: number, nowMs: number, timeoutMs: number, warnMs = IDLE_WARN_SECONDS * 1000): IdleView {
  const left = Math.max(0, timeoutMs - Math.max(0, nowMs - lastActivityMs));
  return {
    expired: left === 0,
    secondsLeft: Math.ceil(left / 1000),
    showCountdown: left > 0 && left <= Math.min(warnMs, timeoutMs),
  };
}

/**
 * The configured timeout: `?idle=SECONDS` on the kiosk URL (kept in localStorage so a reload keeps
 * it), else 60 s. Values outside 10..3600 s fall back to the default.
 */
export function parseIdleSeconds(raw: string | null | undefined): number {
  if (raw === null || raw === undefined || raw.trim() === '') return DEFAULT_IDLE_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10 || n > 3600) return DEFAULT_IDLE_SECONDS;
  return n;
}
