/**
 * When to poll a feed next. After a success: an adaptive interval from how often the feed
 * publishes, never below what the operator configured nor what the server asks for (`<ttl>`,
 * `Cache-Control: max-age`), clamped to 5 min – 24 h. After a failure: exponential backoff from
 * that interval, at least the server's `Retry-After`, capped at 24 h — a failing feed keeps
 * being tried once a day, never abandoned. Both get ±10 % jitter, so feeds added together do
 * not stay in lockstep.
 */

export const SCHEDULE_LIMITS = {
  minMinutes: 5,
  maxMinutes: 24 * 60,
  /** Fraction of the interval added or removed at random. */
  jitter: 0.1,
  /** Item dates older than this do not count towards the publish rate. */
  windowDays: 30,
} as const;

export interface ScheduleHints {
  /** The operator's interval for the feed: polls are never more frequent than this. */
  configuredMinutes: number;
  /** Publication dates of the items in the document (UTC ISO; nulls ignored). */
  itemDates?: readonly (string | null | undefined)[];
  /** The feed's own `<ttl>` / `sy:updatePeriod`, minutes. */
  ttlMinutes?: number | null;
  /** `Cache-Control: max-age` of the response, seconds. */
  maxAgeSeconds?: number;
  /** The interval in use before this poll: kept when the document says nothing new (304). */
  previousMinutes?: number;
}

/**
 * The adaptive interval, in whole minutes: half the feed's typical gap between items (so a new
 * item waits on average a quarter of a gap), at least the configured interval, `<ttl>` and
 * `max-age`, clamped to 5 min – 24 h.
 */
export function adaptiveIntervalMinutes(now: Date, hints: ScheduleHints): number {
  const gap = hints.itemDates ? publishGapMinutes(hints.itemDates, now) : undefined;
  const fromRate = gap !== undefined ? gap / 2 : (hints.previousMinutes ?? hints.configuredMinutes);
  const minutes = Math.max(fromRate, hints.configuredMinutes, hints.ttlMinutes ?? 0, (hints.maxAgeSeconds ?? 0) / 60);
  return Math.round(clamp(minutes, SCHEDULE_LIMITS.minMinutes, SCHEDULE_LIMITS.maxMinutes));
}

/**
 * The feed's typical gap between items, in minutes: the span from the oldest recent item to now,
 * divided by the number of recent items (so a feed gone quiet lengthens its own gap). Undefined
 * without any dated item; a full window when none is recent.
 */
export function publishGapMinutes(dates: readonly (string | null | undefined)[], now: Date): number | undefined {
  const nowMs = now.getTime();
  const windowStart = nowMs - SCHEDULE_LIMITS.windowDays * 24 * 60 * 60_000;
  // An hour of clock skew is tolerated; items "from the future" beyond that are ignored.
  const times = dates
    .map((date) => (date ? Date.parse(date) : Number.NaN))
    .filter((time) => Number.isFinite(time) && time <= nowMs + 60 * 60_000);
  if (times.length === 0) return undefined;
  const recent = times.filter((time) => time >= windowStart);
  if (recent.length === 0) return SCHEDULE_LIMITS.windowDays * 24 * 60;
  const oldest = Math.min(...recent);
  const spanMinutes = Math.max((nowMs - oldest) / 60_000, 60);
  return spanMinutes / recent.length;
}

/** The next poll after a success (or a 304): `now` + the interval, jittered. */
export function nextPollAfterSuccess(now: Date, intervalMinutes: number, random: () => number = Math.random): Date {
  return after(now, jittered(intervalMinutes, random));
}

/**
 * The next poll of a failing feed: its interval doubled per consecutive error, never sooner
 * than a `Retry-After` the server sent, capped at 24 h, jittered.
 *
 * @param consecutiveErrors errors in a row, this one included (1 after the first failure).
 */
export function nextPollAfterFailure(
  now: Date,
  intervalMinutes: number,
  consecutiveErrors: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): Date {
  const exponent = Math.min(Math.max(consecutiveErrors, 1), 16);
  let minutes = Math.min(Math.max(intervalMinutes, 1) * 2 ** exponent, SCHEDULE_LIMITS.maxMinutes);
  if (retryAfterSeconds !== undefined) minutes = Math.max(minutes, retryAfterSeconds / 60);
  minutes = Math.min(jittered(minutes, random), SCHEDULE_LIMITS.maxMinutes);
  // Retry-After is a floor the jitter must not undercut.
  if (retryAfterSeconds !== undefined) minutes = Math.max(minutes, Math.min(retryAfterSeconds / 60, SCHEDULE_LIMITS.maxMinutes));
  return after(now, minutes);
}

/** `max-age` (or `s-maxage`) of a Cache-Control header, seconds; undefined when absent or `no-cache`/`no-store`. */
export function cacheMaxAgeSeconds(cacheControl: string | null | undefined): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl.toLowerCase();
  if (/\b(no-cache|no-store)\b/.test(directives)) return undefined;
  const match = /\b(?:s-maxage|max-age)\s*=\s*"?(\d+)"?/.exec(directives);
  return match ? Number(match[1]) : undefined;
}

/** Retry-After as seconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function jittered(minutes: number, random: () => number): number {
  const factor = 1 + (random() * 2 - 1) * SCHEDULE_LIMITS.jitter;
  return Math.max(1, minutes * factor);
}

function after(now: Date, minutes: number): Date {
  return new Date(now.getTime() + Math.ceil(minutes * 60) * 1000);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
