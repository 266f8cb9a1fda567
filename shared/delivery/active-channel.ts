import type { Channel, EmailChannel, WebhookChannel } from '../messages/schemas.ts';
import type { Subscriber } from '../store/records.ts';

type ChannelOfKind<K extends Channel['kind']> = K extends 'webhook' ? WebhookChannel : EmailChannel;

export type ActiveChannel<K extends Channel['kind']> =
  | { status: 'ok'; channel: ChannelOfKind<K> }
  | { status: 'skipped'; reason: 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' };

/**
 * The subscriber's current definition of a channel, read at delivery time: a subscriber who left,
 * paused or unsubscribed, or removed the channel since fan-out, must not be sent to; and an
 * edited URL or address takes effect for messages already queued.
 */
export function activeChannel<K extends Channel['kind']>(
  subscriber: Subscriber | undefined,
  channelId: string,
  kind: K,
): ActiveChannel<K> {
  if (subscriber === undefined) return { status: 'skipped', reason: 'subscriber-missing' };
  if (subscriber.state !== 'active') return { status: 'skipped', reason: 'subscriber-inactive' };
  const channel = subscriber.channels.find((c) => c.channelId === channelId && c.kind === kind);
  if (channel === undefined) return { status: 'skipped', reason: 'channel-removed' };
  return { status: 'ok', channel: channel as ChannelOfKind<K> };
}
