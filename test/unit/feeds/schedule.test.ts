import { describe, expect, it } from 'vitest';
import {
  adaptiveIntervalMinutes,
  cacheMaxAgeSeconds,
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

describe('adaptiveIntervalMinutes', () => {
  const busy = Array.from({ length: 50 }, (_, i) => hoursAgo(i * 0.1 + 0.1));
  const daily = Array.from({ length: 5 }, (_, i) => hoursAgo(24 * (i + 1)));

  it('polls a busy feed at the configured interval, never faster, and never below 5 minutes', () => {
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, itemDates: busy })).toBe(10);
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 1, itemDates: busy })).toBe(5);
  });

  it('stretches for a feed that publishes daily (half its gap), and caps at 24 hours', () => {
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, itemDates: daily })).toBe(720);
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, itemDates: [hoursAgo(24 * 90)] })).toBe(1440);
  });

  it('honours <ttl> and Cache-Control max-age as floors, within the cap', () => {
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, itemDates: busy, ttlMinutes: 60 })).toBe(60);
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, itemDates: busy, maxAgeSeconds: 1800 })).toBe(30);
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, ttlMinutes: 10_000 })).toBe(1440);
  });

  it('keeps the interval in use when the poll brought no dates (304)', () => {
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10, previousMinutes: 240 })).toBe(240);
    expect(adaptiveIntervalMinutes(now, { configuredMinutes: 10 })).toBe(10);
  });
});

describe('nextPollAfterSuccess', () => {
  it('adds the interval, with at most ±10 % jitter', () => {
    expect(minutesAfter(nextPollAfterSuccess(now, 60, still))).toBe(60);
    expect(minutesAfter(nextPollAfterSuccess(now, 60, () => 0))).toBe(54);
    expect(minutesAfter(nextPollAfterSuccess(now, 60, () => 0.999_999))).toBeCloseTo(66, 3);
  });
});

describe('nextPollAfterFailure', () => {
  it('doubles the interval per consecutive error', () => {
    expect([1, 2, 3].map((n) => minutesAfter(nextPollAfterFailure(now, 15, n, undefined, still)))).toEqual([30, 60, 120]);
  });

  it('caps the wait at 24 hours however many errors, so a feed is never abandoned', () => {
    expect(minutesAfter(nextPollAfterFailure(now, 15, 40, undefined, still))).toBe(1440);
    expect(minutesAfter(nextPollAfterFailure(now, 15, 1000, undefined, () => 0.999))).toBeLessThanOrEqual(1440);
  });

  it('waits at least as long as Retry-After asks, jitter included, within the cap', () => {
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 3600, still))).toBe(60);
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 3600, () => 0))).toBe(60);
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 10, still))).toBe(10);
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 7 * 24 * 3600, still))).toBe(1440);
  });
});

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
