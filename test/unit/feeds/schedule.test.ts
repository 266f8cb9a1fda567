import { describe, expect, it } from 'vitest';
import { topology } from '../../../infra/topology.ts';
import {
  SCHEDULE_LIMITS,
  cacheMaxAgeSeconds,
  healthyInterval,
  intervalInUseOf,
  nextPollAfterFailure,
  nextPollAfterSuccess,
  publishGapMinutes,
  retryAfterSeconds,
} from '../../../shared/feeds/schedule.ts';

const now = new Date('2030-01-10T12:00:00.000Z');
const minutesAfter = (date: Date) => (date.getTime() - now.getTime()) / 60_000;
/** No jitter: random() = 0.5 is the middle of the ±10 % range. */
const still = () => 0.5;
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

describe('publishGapMinutes', () => {
  it('is the span to the oldest recent item divided by the number of recent items', () => {
    // 12 items over the last 24 hours: one every two hours.
    expect(
      publishGapMinutes(
        Array.from({ length: 12 }, (_, i) => hoursAgo(i * 2 + 2)),
        now,
      ),
    ).toBe(120);
  });

  it('is undefined without dates, a whole window for a feed silent for a month, and ignores the future', () => {
    expect(publishGapMinutes([null, undefined], now)).toBeUndefined();
    expect(publishGapMinutes([hoursAgo(24 * 60)], now)).toBe(30 * 24 * 60);
    expect(publishGapMinutes([hoursAgo(-24 * 365), hoursAgo(10)], now)).toBe(600);
  });
});

describe('healthyInterval', () => {
  const busy = Array.from({ length: 50 }, (_, i) => hoursAgo(i * 0.1 + 0.1));
  const daily = Array.from({ length: 5 }, (_, i) => hoursAgo(24 * (i + 1)));
  const hourly = Array.from({ length: 24 }, (_, i) => hoursAgo(i + 1));

  it('polls a busy feed more often than configured, down to a 5-minute floor, and a 1-minute feed every minute', () => {
    expect(healthyInterval(now, { configuredMinutes: 60, itemDates: hourly })).toEqual({ minutes: 30, reason: 'busy-feed' });
    expect(healthyInterval(now, { configuredMinutes: 60, itemDates: busy })).toEqual({ minutes: 5, reason: 'busy-feed' });
    expect(healthyInterval(now, { configuredMinutes: 10, itemDates: busy })).toEqual({ minutes: 5, reason: 'busy-feed' });
    expect(healthyInterval(now, { configuredMinutes: 1, itemDates: busy })).toEqual({ minutes: 1, reason: 'configured' });
  });

  it('never stretches a quiet feed beyond the configured interval unless the operator set maxIntervalMinutes', () => {
    expect(healthyInterval(now, { configuredMinutes: 5, itemDates: daily })).toEqual({ minutes: 5, reason: 'configured' });
    expect(healthyInterval(now, { configuredMinutes: 5, itemDates: [hoursAgo(24 * 90)] })).toEqual({ minutes: 5, reason: 'configured' });
    expect(healthyInterval(now, { configuredMinutes: 10, maxIntervalMinutes: 240, itemDates: daily })).toEqual({
      minutes: 240,
      reason: 'quiet-feed',
    });
    expect(healthyInterval(now, { configuredMinutes: 10, maxIntervalMinutes: 1440, itemDates: daily })).toEqual({
      minutes: 720,
      reason: 'quiet-feed',
    });
  });

  it("lets <ttl> and Cache-Control max-age slow a busy feed, and stretch only up to the operator's cap", () => {
    expect(healthyInterval(now, { configuredMinutes: 60, itemDates: busy, ttlMinutes: 20 })).toEqual({ minutes: 20, reason: 'feed-ttl' });
    expect(healthyInterval(now, { configuredMinutes: 60, itemDates: busy, maxAgeSeconds: 1800 })).toEqual({
      minutes: 30,
      reason: 'server-max-age',
    });
    expect(healthyInterval(now, { configuredMinutes: 5, itemDates: busy, ttlMinutes: 60 })).toEqual({ minutes: 5, reason: 'configured' });
    expect(healthyInterval(now, { configuredMinutes: 5, maxIntervalMinutes: 30, ttlMinutes: 60 })).toEqual({
      minutes: 30,
      reason: 'feed-ttl',
    });
    expect(healthyInterval(now, { configuredMinutes: 10, maxIntervalMinutes: 1440, ttlMinutes: 10_000 })).toEqual({
      minutes: 1440,
      reason: 'feed-ttl',
    });
  });

  it('keeps the interval in use when the poll brought no dates (304), within the bounds, but never a backoff', () => {
    const previous = { minutes: 240, reason: 'quiet-feed' } as const;
    expect(healthyInterval(now, { configuredMinutes: 10, maxIntervalMinutes: 480, previous })).toEqual(previous);
    expect(healthyInterval(now, { configuredMinutes: 10, previous })).toEqual({ minutes: 10, reason: 'configured' });
    expect(healthyInterval(now, { configuredMinutes: 10, previous: { minutes: 80, reason: 'backoff' } })).toEqual({
      minutes: 10,
      reason: 'configured',
    });
  });
});

describe('nextPollAfterSuccess', () => {
  const at = (minutes: number) => ({ minutes, reason: 'configured' }) as const;

  it('adds the interval with ±10 % jitter, the jitter clamped inside the bounds', () => {
    const stretched = { configuredMinutes: 10, maxIntervalMinutes: 120 };
    expect(minutesAfter(nextPollAfterSuccess(now, { minutes: 60, reason: 'quiet-feed' }, stretched, still))).toBe(60);
    expect(minutesAfter(nextPollAfterSuccess(now, { minutes: 60, reason: 'quiet-feed' }, stretched, () => 0))).toBe(54);
    expect(minutesAfter(nextPollAfterSuccess(now, { minutes: 60, reason: 'quiet-feed' }, stretched, () => 0.999_999))).toBeCloseTo(66, 3);
    // At the promise, jitter only ever makes the wait shorter.
    expect(minutesAfter(nextPollAfterSuccess(now, at(5), { configuredMinutes: 5 }, () => 0.999_999))).toBe(5);
    expect(minutesAfter(nextPollAfterSuccess(now, at(5), { configuredMinutes: 5 }, () => 0))).toBe(4.5);
  });

  it('holds the promise over many polls with seeded jitter: a 5-minute feed is never polled later than 5 minutes after the last', () => {
    const random = seededRandom(12);
    const settings = { configuredMinutes: 5 };
    const quiet = [hoursAgo(24 * 40)];
    let polledAt = now.getTime();
    let nextPollAt = 0;
    let longest = 0;
    // The planner runs every minute and takes what is due before its next run (plan-polls).
    for (let tick = 1; tick <= 100_000; tick++) {
      const planner = now.getTime() + tick * 60_000;
      if (nextPollAt >= planner + SCHEDULE_LIMITS.plannerPeriodMinutes * 60_000) continue;
      longest = Math.max(longest, planner - polledAt);
      polledAt = planner;
      const hints = tick % 3 === 0 ? { itemDates: quiet, ttlMinutes: 60 } : { maxAgeSeconds: 3600 };
      const interval = healthyInterval(new Date(planner), { ...settings, ...hints });
      nextPollAt = nextPollAfterSuccess(new Date(planner), interval, settings, random).getTime();
    }
    expect(longest).toBe(5 * 60_000);
  });
});

describe('the planner period', () => {
  it('is how often the topology runs plan-polls', () => {
    expect(topology.functions['plan-polls'].trigger).toEqual({ kind: 'schedule', everyMinutes: SCHEDULE_LIMITS.plannerPeriodMinutes });
  });
});

describe('nextPollAfterFailure', () => {
  const minutesOf = (next: { nextPollAt: Date }) => minutesAfter(next.nextPollAt);

  it('doubles the interval per consecutive error, and says it is backoff', () => {
    expect([1, 2, 3].map((n) => minutesOf(nextPollAfterFailure(now, 15, n, undefined, still)))).toEqual([30, 60, 120]);
    expect(nextPollAfterFailure(now, 15, 1, undefined, still).interval).toEqual({ minutes: 30, reason: 'backoff' });
  });

  it('caps the wait at 24 hours however many errors, so a feed is never abandoned', () => {
    expect(minutesOf(nextPollAfterFailure(now, 15, 40, undefined, still))).toBe(1440);
    expect(minutesOf(nextPollAfterFailure(now, 15, 1000, undefined, () => 0.999))).toBeLessThanOrEqual(1440);
  });

  it('waits at least as long as Retry-After asks (plus the planner period), jitter included, within the cap', () => {
    expect(nextPollAfterFailure(now, 5, 1, 3600, still).interval).toEqual({ minutes: 60, reason: 'retry-after' });
    expect(minutesOf(nextPollAfterFailure(now, 5, 1, 3600, still))).toBe(61);
    expect(minutesOf(nextPollAfterFailure(now, 5, 1, 3600, () => 0))).toBe(61);
    expect(minutesOf(nextPollAfterFailure(now, 5, 1, 10, still))).toBe(10);
    expect(minutesOf(nextPollAfterFailure(now, 5, 1, 7 * 24 * 3600, still))).toBe(1440);
  });
});

describe('intervalInUseOf', () => {
  const feed = { intervalMinutes: 10, consecutiveErrors: 0 };

  it('shows the backoff while failing, the adaptive interval while healthy, the configured one before any poll', () => {
    expect(intervalInUseOf(feed)).toEqual({ minutes: 10, reason: 'configured', configuredMinutes: 10 });
    expect(intervalInUseOf({ ...feed, pollIntervalMinutes: 5, pollIntervalReason: 'busy-feed' })).toMatchObject({
      minutes: 5,
      reason: 'busy-feed',
    });
    expect(
      intervalInUseOf({ ...feed, consecutiveErrors: 2, pollIntervalMinutes: 5, pollIntervalReason: 'retry-after', backoffMinutes: 60 }),
    ).toMatchObject({ minutes: 60, reason: 'retry-after' });
  });
});

/** A small seeded generator (mulberry32): the same jitter on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('header readers', () => {
  it('reads Cache-Control max-age / s-maxage, ignoring no-cache and no-store', () => {
    expect(cacheMaxAgeSeconds('public, max-age=600')).toBe(600);
    expect(cacheMaxAgeSeconds('s-maxage="120"')).toBe(120);
    expect(cacheMaxAgeSeconds('no-cache, max-age=600')).toBeUndefined();
    expect(cacheMaxAgeSeconds(null)).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Thu, 10 Jan 2030 12:30:00 GMT', now)).toBe(1800);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});
