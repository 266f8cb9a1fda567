/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`; then says what was awaited. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`${what} did not happen within ${Math.round(options.timeoutMs / 1000)} s${last}`);
    }
    await sleep(options.intervalMs ?? 2_000);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads `count` until it has not changed for `quietMs` (deliveries still in flight have landed),
 * at most `timeoutMs`; resolves with the settled count.
 */
export async function waitForSettled(
  what: string,
  count: () => Promise<number>,
  options: { quietMs: number; timeoutMs: number },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let last = await count();
  let since = Date.now();
  for (;;) {
    await sleep(Math.min(5_000, options.quietMs));
    const now = await count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= options.quietMs) {
      return now;
    }
    if (Date.now() >= deadline) throw new Error(`${what} kept changing for ${Math.round(options.timeoutMs / 1000)} s (last ${last})`);
  }
}
