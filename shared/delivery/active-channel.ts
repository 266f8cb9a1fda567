import type { Channel, EmailChannel, WebhookChannel } from '../messages/schemas.ts';
import type { Subscriber } from '../store/records.ts';
import { channelStateOf } from '../subscriptions/index.ts';

type ChannelOfKind<K extends Channel['kind']> = K extends 'webhook' ? WebhookChannel : EmailChannel;

/** Why a queued delivery is not sent after all. */
export type SkipReason = 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' | 'channel-paused' | 'channel-unsubscribed';

export type ActiveChannel<K extends Channel['kind']> =
  | { status: 'ok'; channel: ChannelOfKind<K> }
  | { status: 'skipped'; reason: SkipReason };

/**
 * The subscriber's current definition of a channel, read at delivery time: a subscriber who left,
 * paused or unsubscribed, a channel removed, paused or unsubscribed since fan-out, must not be
 * sent to (an unsubscribe is honoured at once, even for messages already queued); and an edited
 * URL or address takes effect for messages already queued.
 */
export function activeChannel<K extends Channel['kind']>(subscriber: Subscriber | undefined, channelId: string, kind: K): ActiveChannel<K> {
  if (subscriber === undefined) return { status: 'skipped', reason: 'subscriber-missing' };
  if (subscriber.state !== 'active') return { status: 'skipped', reason: 'subscriber-inactive' };
  const channel = subscriber.channels.find((c) => c.channelId === channelId && c.kind === kind);
  if (channel === undefined) return { status: 'skipped', reason: 'channel-removed' };
  const state = channelStateOf(subscriber, channelId);
  if (state === 'paused') return { status: 'skipped', reason: 'channel-paused' };
  if (state !== 'active') return { status: 'skipped', reason: 'channel-unsubscribed' };
  return { status: 'ok', channel: channel as ChannelOfKind<K> };
}
