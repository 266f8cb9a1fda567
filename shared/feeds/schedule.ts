import type { FeedRecord, PollIntervalReason } from '../store/records.ts';

/**
 * When to poll a feed next. The operator's `intervalMinutes` is a promise: a healthy feed never
 * waits longer than it. Within that promise the interval adapts: a busy feed (many items lately)
 * is polled more often, down to a floor, but not more often than the server asks (`<ttl>`,
 * `Cache-Control: max-age`). A quiet feed, and a server's longer ttl or max-age, may stretch the
 * interval only up to the feed's `maxIntervalMinutes`, which the operator sets (by default the
 * interval itself). A failing feed backs off (doubling, at least the server's `Retry-After`),
 * capped at a day and never abandoned. Jitter (±10 %, so feeds added together drift apart) is
 * applied inside those bounds, never across them. Every interval carries its reason, which the
 * status page, `feeds status` and the API show.
 */

export const SCHEDULE_LIMITS = {
  /**
   * How often plan-polls runs (the topology's schedule, held equal by a test): the planner takes
   * feeds due within its next period, so a due time is never overshot by waiting for a tick.
   */
  plannerPeriodMinutes: 1,
  /** A busy feed is polled more often than configured, but not more often than this. */
  busyFloorMinutes: 5,
  /** Longest interval of any kind: a failing feed is still tried once a day. */
  maxMinutes: 24 * 60,
  /** Fraction of the interval added or removed at random. */
  jitter: 0.1,
  /** Item dates older than this do not count towards the publish rate. */
  windowDays: 30,
} as const;

/** Why a feed is polled at the interval in use (the feed row keeps it). */
export type IntervalReason = PollIntervalReason;

/** An interval and why. */
export interface PollInterval {
  minutes: number;
  reason: IntervalReason;
}

/** The operator's bounds for a feed. */
export interface FeedIntervalSettings {
  /** The promise: a healthy feed waits at most this long between polls. */
  configuredMinutes: number;
  /** How far a quiet feed, or a server's ttl / max-age, may stretch the interval; the promise when absent. */
  maxIntervalMinutes?: number | undefined;
}

export interface ScheduleHints extends FeedIntervalSettings {
  /** Publication dates of the items in the document (UTC ISO; nulls ignored). */
  itemDates?: readonly (string | null | undefined)[];
  /** The feed's own `<ttl>` / `sy:updatePeriod`, minutes. */
  ttlMinutes?: number | null;
  /** `Cache-Control: max-age` of the response, seconds. */
  maxAgeSeconds?: number | undefined;
  /** The interval in use before this poll: kept when the document says nothing new (304). */
  previous?: PollInterval | undefined;
}

/** A healthy feed's bounds: never above `upper` (the promise, or the operator's stretch), never below `lower`. */
export function intervalBounds(settings: FeedIntervalSettings): { lower: number; upper: number } {
  const configured = Math.max(1, settings.configuredMinutes);
  const upper = Math.min(Math.max(configured, settings.maxIntervalMinutes ?? configured), SCHEDULE_LIMITS.maxMinutes);
  return { lower: Math.min(configured, SCHEDULE_LIMITS.busyFloorMinutes), upper };
}

/**
 * The interval of a healthy feed, in whole minutes, and why: half the feed's typical gap between
 * items (so a new item waits on average a quarter of a gap), at least what the server asks
 * (`<ttl>`, `max-age`), within the feed's bounds (`intervalBounds`).
 */
export function healthyInterval(now: Date, hints: ScheduleHints): PollInterval {
  const configured = hints.configuredMinutes;
  const { lower, upper } = intervalBounds(hints);
  const gap = hints.itemDates ? publishGapMinutes(hints.itemDates, now) : undefined;
  const previous = hints.previous && isHealthyReason(hints.previous.reason) ? hints.previous : undefined;

  let interval: PollInterval;
  if (gap !== undefined) interval = { minutes: gap / 2, reason: gap / 2 < configured ? 'busy-feed' : 'quiet-feed' };
  else if (previous) interval = previous;
  else interval = { minutes: configured, reason: 'configured' };

  const ttl = hints.ttlMinutes ?? 0;
  const maxAge = (hints.maxAgeSeconds ?? 0) / 60;
  if (Math.max(ttl, maxAge) > interval.minutes) {
    interval = ttl >= maxAge ? { minutes: ttl, reason: 'feed-ttl' } : { minutes: maxAge, reason: 'server-max-age' };
  }

  const minutes = Math.round(clamp(interval.minutes, lower, upper));
  // At the promise itself the operator's number is the reason, whatever pushed the interval there.
  return { minutes, reason: minutes === configured ? 'configured' : interval.reason };
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

/**
 * The next poll of a healthy feed: `now` + the interval, jittered, then clamped to the feed's
 * upper bound, so the jitter can never make a feed wait longer than its promise (it may make a
 * wait up to 10 % shorter, which spreads feeds added together).
 */
export function nextPollAfterSuccess(
  now: Date,
  interval: PollInterval,
  settings: FeedIntervalSettings,
  random: () => number = Math.random,
): Date {
  return after(now, Math.min(jittered(interval.minutes, random), intervalBounds(settings).upper));
}

/**
 * The backoff of a failing feed and why: its interval doubled per consecutive error, never
 * sooner than a `Retry-After` the server sent, capped at a day.
 *
 * @param consecutiveErrors errors in a row, this one included (1 after the first failure).
 */
export function backoffInterval(intervalMinutes: number, consecutiveErrors: number, retryAfterSeconds?: number): PollInterval {
  const exponent = Math.min(Math.max(consecutiveErrors, 1), 16);
  const backoff = Math.min(Math.max(intervalMinutes, 1) * 2 ** exponent, SCHEDULE_LIMITS.maxMinutes);
  const retryAfter = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds / 60, SCHEDULE_LIMITS.maxMinutes);
  return retryAfter > backoff
    ? { minutes: Math.ceil(retryAfter), reason: 'retry-after' }
    : { minutes: Math.round(backoff), reason: 'backoff' };
}

/**
 * The next try of a failing feed: the backoff jittered, never later than the cap nor sooner than
 * the server's `Retry-After` (a floor the jitter must not undercut).
 */
export function nextPollAfterFailure(
  now: Date,
  intervalMinutes: number,
  consecutiveErrors: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): { nextPollAt: Date; interval: PollInterval } {
  const interval = backoffInterval(intervalMinutes, consecutiveErrors, retryAfterSeconds);
  // The planner takes a feed up to one period before its due time: Retry-After gets that period on top.
  const floor =
    retryAfterSeconds === undefined
      ? 1
      : Math.min(retryAfterSeconds / 60 + SCHEDULE_LIMITS.plannerPeriodMinutes, SCHEDULE_LIMITS.maxMinutes);
  const minutes = clamp(jittered(interval.minutes, random), floor, SCHEDULE_LIMITS.maxMinutes);
  return { nextPollAt: after(now, minutes), interval };
}

/** What operators see: the interval a feed is polled at now, and why. */
export interface IntervalInUse extends PollInterval {
  /** The operator's promise (`intervalMinutes`). */
  configuredMinutes: number;
  /** The operator's stretch for a quiet feed, when set. */
  maxIntervalMinutes?: number;
}

/**
 * The interval in use of a stored feed and why: the backoff while it fails, else the adaptive
 * interval of its last poll, else (never polled) the configured one.
 */
export function intervalInUseOf(
  feed: Pick<
    FeedRecord,
    'intervalMinutes' | 'maxIntervalMinutes' | 'pollIntervalMinutes' | 'pollIntervalReason' | 'backoffMinutes' | 'consecutiveErrors'
  >,
): IntervalInUse {
  const bounds = {
    configuredMinutes: feed.intervalMinutes,
    ...(feed.maxIntervalMinutes !== undefined ? { maxIntervalMinutes: feed.maxIntervalMinutes } : {}),
  };
  if (feed.consecutiveErrors > 0 && feed.backoffMinutes !== undefined) {
    return { minutes: feed.backoffMinutes, reason: feed.pollIntervalReason === 'retry-after' ? 'retry-after' : 'backoff', ...bounds };
  }
  const reason = feed.pollIntervalReason;
  if (feed.pollIntervalMinutes === undefined || reason === undefined || reason === 'backoff' || reason === 'retry-after') {
    return { minutes: feed.intervalMinutes, reason: 'configured', ...bounds };
  }
  return { minutes: feed.pollIntervalMinutes, reason, ...bounds };
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

/** An interval polling chose for a healthy feed (not backoff, nor a pushed feed's safety poll). */
function isHealthyReason(reason: IntervalReason): boolean {
  return reason !== 'backoff' && reason !== 'retry-after' && reason !== 'websub';
}
