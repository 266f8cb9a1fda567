import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { DeliveryStore, SubscriptionStore } from '../store/ports.ts';

/**
 * Taking a channel out of delivery when its receiver is gone: at once when the receiver says so
 * (410 Gone, Slack's invalid_token / channel_not_found, a target the SSRF guard refuses), or
 * after repeated permanent failures. The reason is stored on the subscriber (`channelStatus`)
 * and reported; `news-alerts subscribers resume` puts the channel back.
 */

export interface ChannelHealthDeps {
  subscriptions: Pick<SubscriptionStore, 'updateStatus'>;
  deliveries: Pick<DeliveryStore, 'countChannelFailure'>;
  clock: Clock;
  events: EventSink;
}

export interface ChannelRef {
  subscriberId: string;
  channelId: string;
  kind: 'webhook' | 'email';
}

/** Permanent failures within `windowSeconds` that pause a channel. */
export const REPEATED_FAILURE_THRESHOLD = 5;
export const REPEATED_FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

/** Pauses the channel and records why. */
export async function pauseChannel(
  channel: ChannelRef,
  reason: string,
  deps: Pick<ChannelHealthDeps, 'subscriptions' | 'clock' | 'events'>,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.subscriptions.updateStatus(channel.subscriberId, {
    channelStatus: { [channel.channelId]: { state: 'paused', reason: reason.slice(0, 1000), at } },
  });
  deps.events.emit({
    type: 'channel-paused',
    channel: channel.kind,
    subscriberId: channel.subscriberId,
    channelId: channel.channelId,
    reason,
  });
}

/**
 * Counts a permanent failure of the channel; the {@link REPEATED_FAILURE_THRESHOLD}th within a
 * day pauses it. Returns whether it paused.
 */
export async function countPermanentFailure(channel: ChannelRef, error: string, deps: ChannelHealthDeps): Promise<boolean> {
  const failures = await deps.deliveries.countChannelFailure(`${channel.subscriberId}#${channel.channelId}`, {
    at: deps.clock.now().toISOString(),
    windowSeconds: REPEATED_FAILURE_WINDOW_SECONDS,
  });
  if (failures < REPEATED_FAILURE_THRESHOLD) return false;
  await pauseChannel(channel, `${failures} permanent failures within 24 hours, the last: ${error}`, deps);
  return true;
}
