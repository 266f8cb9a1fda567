import type { FeedRecord } from '../store/records.ts';
import { isPushed } from './push-state.ts';

/** How a feed's news reaches us, for `feeds status`, the status page and the API (never the secret). */
export interface FeedDeliveryView {
  /** `push`: a WebSub hub pushes it (still polled at the safety interval); `poll`: polled only. */
  mode: 'push' | 'poll';
  /** The hub's URL, when the feed advertises one. */
  hub: string | null;
  /** The subscription's state at the hub (`pending`, `subscribed`, `refused`), or null. */
  state: string | null;
  leaseExpiresAt: string | null;
  lastPushAt: string | null;
  refusedPushes: number;
  /** Why the feed is polled although it has a hub (refused, silent, lease lapsed, awaiting verification). */
  reason: string | null;
}

/** The secret-free view of a feed's WebSub subscription. */
export function describeFeedDelivery(feed: Pick<FeedRecord, 'websub'>, now: Date): FeedDeliveryView {
  const subscription = feed.websub;
  if (!subscription)
    return { mode: 'poll', hub: null, state: null, leaseExpiresAt: null, lastPushAt: null, refusedPushes: 0, reason: null };
  const pushed = isPushed(subscription, now);
  return {
    mode: pushed ? 'push' : 'poll',
    hub: subscription.hub,
    state: subscription.state,
    leaseExpiresAt: subscription.leaseExpiresAt ?? null,
    lastPushAt: subscription.lastPushAt ?? null,
    refusedPushes: subscription.refusedPushes ?? 0,
    reason: pushed ? null : whyPolled(subscription),
  };
}

function whyPolled(subscription: NonNullable<FeedRecord['websub']>): string {
  if (subscription.silentSince) return subscription.reason ?? 'a safety poll found items the hub had not pushed';
  switch (subscription.state) {
    case 'refused':
      return subscription.reason ?? 'the hub refused the subscription';
    case 'pending':
      return 'waiting for the hub to verify the subscription';
    case 'subscribed':
      return 'the lease lapsed';
  }
}
