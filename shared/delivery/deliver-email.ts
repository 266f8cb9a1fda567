import type { Mailer } from '../mail/ports.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import type { Clock } from '../runtime/clock.ts';
import { InvalidMessageError, isRetryable } from '../runtime/errors.ts';
import type { EventSink } from '../runtime/events.ts';
import type { Log } from '../runtime/logger.ts';
import type { DeliveryStore, SubscriptionStore } from '../store/ports.ts';
import { activeChannel, type SkipReason } from './active-channel.ts';
import { countPermanentFailure } from './channel-health.ts';
import { composeAlertEmail, type ComposeAlertEmailOptions } from './compose-alert-email.ts';
import { deliveryExpiresAt } from './delivery-id.ts';

export interface DeliverEmailDeps {
  deliveries: DeliveryStore;
  /** Read at delivery time (state, current address); a channel that keeps bouncing is paused. */
  subscriptions: Pick<SubscriptionStore, 'getSubscriber' | 'updateStatus'>;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  events: EventSink;
}

export type EmailDeliveryOutcome =
  | { status: 'delivered'; id: string }
  | { status: 'skipped'; reason: 'already-sent' | SkipReason }
  | { status: 'failed'; error: string; paused: boolean };

/**
 * Delivers one story to one email channel. Already sent → skipped; subscriber gone or inactive,
 * channel removed, paused or unsubscribed → recorded and skipped (an unsubscribe is honoured even
 * for messages already queued); handed to the transport → recorded as sent; a permanent transport
 * rejection (see MailSendError) → recorded as failed, the message succeeds, and the channel is
 * paused after repeated rejections; anything else is thrown for SQS to retry. The Message-ID is
 * the same on every attempt.
 */
export async function deliverEmail(
  message: DeliveryMessage,
  deps: DeliverEmailDeps,
  compose: ComposeAlertEmailOptions,
): Promise<EmailDeliveryOutcome> {
  const { deliveries, subscriptions, mailer, clock, log, events } = deps;
  const { deliveryKey, subscriberId, storyId } = message;
  if (message.channel.kind !== 'email') {
    throw new InvalidMessageError(`email delivery failed: channel is ${message.channel.kind} (delivery ${deliveryKey})`);
  }

  const claim = await deliveries.begin(deliveryKey, deliveryExpiresAt(clock.now()));
  if (claim === 'sent') {
    events.emit({ type: 'delivery-skipped', channel: 'email', subscriberId, storyId, reason: 'already-sent' });
    return { status: 'skipped', reason: 'already-sent' };
  }

  const current = activeChannel(await subscriptions.getSubscriber(subscriberId), message.channel.channelId, 'email');
  if (current.status === 'skipped') {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: `not sent: ${current.reason}` });
    events.emit({ type: 'delivery-skipped', channel: 'email', subscriberId, storyId, reason: current.reason });
    log.info('email delivery skipped', { deliveryKey, reason: current.reason });
    return current;
  }

  // The current address wins over the one queued, so an edit applies to pending deliveries too.
  const email = composeAlertEmail({ ...message, channel: current.channel }, compose);
  let id: string;
  try {
    ({ id } = await mailer.send(email));
  } catch (error) {
    if (isRetryable(error)) throw error;
    const reason = `${error instanceof Error ? error.message : String(error)} (subscriber ${subscriberId}, channel ${current.channel.channelId})`;
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: reason });
    events.emit({ type: 'delivery-failed', channel: 'email', subscriberId, storyId, error: reason, permanent: true });
    log.warn('email delivery failed permanently', { deliveryKey, error: reason });
    const paused = await countPermanentFailure({ subscriberId, channelId: current.channel.channelId, kind: 'email' }, reason, deps);
    return { status: 'failed', error: reason, paused };
  }
  await deliveries.markSent(deliveryKey, { at: clock.now().toISOString() });
  events.emit({ type: 'delivered', channel: 'email', subscriberId, storyId, target: redactAddress(current.channel.address) });
  log.info('email delivered', { deliveryKey, id });
  return { status: 'delivered', id };
}

/** `a***@example.org`: enough to tell deliveries apart in logs without printing the address. */
export function redactAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
