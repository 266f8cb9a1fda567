/** Longest wait after failures, unless the feed's own interval is longer. */
export const MAX_BACKOFF_MINUTES = 6 * 60;

/**
 * When to poll a failing feed next: its interval doubled per consecutive error, capped at six
 * hours (or at its interval, if longer), and never sooner than a Retry-After the server sent.
 *
 * @param consecutiveErrors errors in a row, this one included (1 after the first failure).
 */
export function nextPollAfterFailure(
  now: Date,
  intervalMinutes: number,
  consecutiveErrors: number,
  retryAfterSeconds?: number,
): Date {
  const cap = Math.max(MAX_BACKOFF_MINUTES, intervalMinutes);
  const exponent = Math.min(Math.max(consecutiveErrors, 1), 16);
  let minutes = Math.min(intervalMinutes * 2 ** exponent, cap);
  if (retryAfterSeconds !== undefined) minutes = Math.min(Math.max(minutes, retryAfterSeconds / 60), cap);
  return new Date(now.getTime() + Math.ceil(minutes * 60) * 1000);
}
