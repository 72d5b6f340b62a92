/** Shared by the serial device tests (not a test file itself). */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** fast reconnection for tests: the backoff logic is the same, only the cap is lower */
export const testBackoff = { initialDelayMs: 20, maxDelayMs: 200 };
