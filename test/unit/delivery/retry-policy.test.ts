import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelaySeconds } from '../../../shared/delivery/retry-policy.ts';

describe('retryDelaySeconds', () => {
  it('grows exponentially with attempts, within half and all of the ceiling', () => {
    const low = (attempt: number) => retryDelaySeconds(attempt, { random: () => 0 });
    const high = (attempt: number) => retryDelaySeconds(attempt, { random: () => 1 });

    expect([1, 2, 3, 4].map(high)).toEqual([5, 20, 80, 320]);
    expect([1, 2, 3, 4].map(low)).toEqual([3, 10, 40, 160]);
  });

  it('spreads retries of the same attempt (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, (_, i) => retryDelaySeconds(4, { random: () => i / 50 })));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('is capped by the policy, and by the 12 hours SQS allows', () => {
    expect(retryDelaySeconds(30, { random: () => 1 })).toBe(DEFAULT_RETRY_POLICY.maxSeconds);
    expect(retryDelaySeconds(1, { retryAfterSeconds: 10 ** 6 })).toBe(43_200);
  });

  it('never retries sooner than the receiver’s Retry-After', () => {
    expect(retryDelaySeconds(1, { retryAfterSeconds: 120, random: () => 0 })).toBe(120);
    expect(retryDelaySeconds(5, { retryAfterSeconds: 2, random: () => 0 })).toBeGreaterThan(2);
  });

  it('is at least one second (zero would release the message at once)', () => {
    expect(retryDelaySeconds(1, { policy: { baseSeconds: 0, factor: 1, maxSeconds: 0 }, retryAfterSeconds: 0 })).toBe(1);
  });
});
