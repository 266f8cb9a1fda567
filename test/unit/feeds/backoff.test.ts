import { describe, expect, it } from 'vitest';
import { nextPollAfterFailure } from '../../../shared/feeds/backoff.ts';

const now = new Date('2030-01-01T00:00:00.000Z');
const minutesAfter = (date: Date) => (date.getTime() - now.getTime()) / 60_000;

describe('nextPollAfterFailure', () => {
  it('doubles the interval per consecutive error', () => {
    expect([1, 2, 3].map((n) => minutesAfter(nextPollAfterFailure(now, 15, n)))).toEqual([30, 60, 120]);
  });

  it('caps the wait at six hours, or at the interval when that is longer', () => {
    expect(minutesAfter(nextPollAfterFailure(now, 15, 40))).toBe(360);
    expect(minutesAfter(nextPollAfterFailure(now, 720, 3))).toBe(720);
  });

  it('waits at least as long as Retry-After asks, within the cap', () => {
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 3600))).toBe(60);
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 10))).toBe(10);
    expect(minutesAfter(nextPollAfterFailure(now, 5, 1, 7 * 24 * 3600))).toBe(360);
  });
});
