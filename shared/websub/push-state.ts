import type { WebSubSubscription } from '../store/records.ts';
import { WEBSUB_SETTINGS } from './websub-settings.ts';

/**
 * Whether the feed's news arrives by push now: verified, the lease running, and no safety poll
 * has caught the hub missing items since its last push.
 */
export function isPushed(subscription: WebSubSubscription | undefined, now: Date): boolean {
  if (subscription?.state !== 'subscribed' || subscription.silentSince) return false;
  const lease = subscription.leaseExpiresAt ? Date.parse(subscription.leaseExpiresAt) : Number.NaN;
  return Number.isFinite(lease) && lease > now.getTime();
}

/** Whether the hub should be asked (again) now: no lease yet, a lease ending soon or lapsed, a stale request, an old refusal. */
export function needsRequest(subscription: WebSubSubscription, now: Date): boolean {
  const minutesSince = (iso: string | undefined) => (iso ? (now.getTime() - Date.parse(iso)) / 60_000 : Number.POSITIVE_INFINITY);
  switch (subscription.state) {
    case 'refused':
      return minutesSince(subscription.requestedAt) >= WEBSUB_SETTINGS.refusedRetryMinutes;
    case 'pending':
      return minutesSince(subscription.requestedAt) >= WEBSUB_SETTINGS.pendingRetryMinutes;
    case 'subscribed': {
      // A renewal asked for and not verified yet is not asked again on every poll.
      const awaiting = Date.parse(subscription.requestedAt) > Date.parse(subscription.verifiedAt ?? '1970-01-01T00:00:00Z');
      if (awaiting && minutesSince(subscription.requestedAt) < WEBSUB_SETTINGS.pendingRetryMinutes) return false;
      const lease = subscription.leaseExpiresAt ? Date.parse(subscription.leaseExpiresAt) : Number.NaN;
      return !Number.isFinite(lease) || lease - now.getTime() <= WEBSUB_SETTINGS.renewWithinMinutes * 60_000;
    }
  }
}

/**
 * The next poll of a pushed feed: the safety interval (or the feed's own, if longer), but before
 * its lease ends so the poll can renew it, and never sooner than the feed's own interval.
 */
export function safetyPollAt(subscription: WebSubSubscription, intervalMinutes: number, now: Date): Date {
  const minute = 60_000;
  const safety = now.getTime() + Math.max(WEBSUB_SETTINGS.safetyPollMinutes, intervalMinutes) * minute;
  const lease = Date.parse(subscription.leaseExpiresAt ?? '') - WEBSUB_SETTINGS.leaseMarginMinutes * minute;
  const floor = now.getTime() + intervalMinutes * minute;
  return new Date(Math.max(floor, Number.isFinite(lease) ? Math.min(safety, lease) : safety));
}
