import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import { redactAddress } from '../core/redact-address.ts';
import type { SubscriptionStore } from '../store/ports.ts';
import type { ChannelStatus, Subscriber } from '../store/records.ts';
import { verifyUnsubscribeToken, type KeyRing } from './tokens/index.ts';

/**
 * One-click unsubscribe (RFC 8058): the token in an email's link names a subscriber and a channel;
 * POSTing it marks that channel unsubscribed at once (deliveries and digests check the status at
 * send time, so nothing queued goes out after it). When no channel of the subscriber is left, the
 * subscriber's state becomes `unsubscribed` too, and its manage links are revoked. A GET only describes what a POST would do: mail
 * scanners fetch links, and a fetch must not unsubscribe anyone.
 */

export interface UnsubscribeDeps {
  subscriptions: Pick<SubscriptionStore, 'getSubscriber' | 'updateStatus' | 'updateAccess'>;
  clock: Clock;
  events: EventSink;
  /** The token key ring, read at run time; undefined (no key) refuses every token. */
  tokenKeys(): Promise<KeyRing | undefined>;
}

export type UnsubscribeOutcome =
  /** Done now, or it already was: the page says the same either way. */
  { status: 'unsubscribed'; what: string } | { status: 'invalid-token' };

export type UnsubscribePreview = { status: 'valid'; what: string } | { status: 'invalid-token' };

/** What the token would unsubscribe, for the confirmation page; changes nothing. */
export async function previewUnsubscribe(token: string, deps: Omit<UnsubscribeDeps, 'events'>): Promise<UnsubscribePreview> {
  const keys = await deps.tokenKeys();
  const target = keys ? verifyUnsubscribeToken(token, keys) : undefined;
  if (!target) return { status: 'invalid-token' };
  const subscriber = await deps.subscriptions.getSubscriber(target.subscriberId);
  return { status: 'valid', what: describeTarget(subscriber, target.channelId) };
}

/** Unsubscribes the channel the token names. */
export async function unsubscribeChannel(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeOutcome> {
  const keys = await deps.tokenKeys();
  const target = keys ? verifyUnsubscribeToken(token, keys) : undefined;
  if (!target) return { status: 'invalid-token' };
  const subscriber = await deps.subscriptions.getSubscriber(target.subscriberId);
  const what = describeTarget(subscriber, target.channelId);
  // A subscriber removed since the email went out has nothing left to stop: same answer, so the
  // page reveals nothing about who exists.
  if (!subscriber) return { status: 'unsubscribed', what };

  const { channelId } = target;
  if (subscriber.channelStatus?.[channelId]?.state === 'unsubscribed') return { status: 'unsubscribed', what };

  const status: ChannelStatus = { state: 'unsubscribed', reason: 'one-click unsubscribe', at: deps.clock.now().toISOString() };
  const remaining = subscriber.channels.filter(
    (c) => c.channelId !== channelId && subscriber.channelStatus?.[c.channelId]?.state !== 'unsubscribed',
  );
  await deps.subscriptions.updateStatus(subscriber.subscriberId, {
    channelStatus: { [channelId]: status },
    ...(remaining.length === 0 ? { state: 'unsubscribed' as const, reason: 'every channel unsubscribed' } : {}),
  });
  // Nothing left to manage: every manage link sent so far stops working (a new version none carries).
  if (remaining.length === 0)
    await deps.subscriptions.updateAccess(subscriber.subscriberId, { tokenVersion: randomBytes(9).toString('base64url') });
  deps.events.emit({ type: 'unsubscribed', subscriberId: subscriber.subscriberId, channelId });
  return { status: 'unsubscribed', what };
}

/** "alerts to a***@example.org" — enough for the person to recognise, not enough to harvest. */
function describeTarget(subscriber: Subscriber | undefined, channelId: string): string {
  const channel = subscriber?.channels.find((c) => c.channelId === channelId);
  if (!channel) return 'these news-alerts messages';
  return channel.kind === 'email'
    ? `news-alerts email to ${redactAddress(channel.address)}`
    : `news-alerts posts to ${new URL(channel.url).host}`;
}
