import type { Clock } from '../core/clock.ts';
import { InvalidMessageError, isRetryable } from '../core/errors.ts';
import type { EventSink } from '../core/events.ts';
import { redactAddress } from '../core/redact-address.ts';
import { MailSetupError } from '../mail/errors.ts';
import type { Mailer, OutgoingEmail } from '../mail/ports.ts';
import type { DeliveryMessage, EmailChannel } from '../messages/schemas.ts';
import type { DeliveryLease, DeliveryStore, SubscriptionStore } from '../store/ports.ts';
import { activeChannel, type SkipReason } from './active-channel.ts';
import { countPermanentFailure } from './channel-health.ts';
import { composeAlertEmail, type ComposeAlertEmailOptions } from './compose-alert-email.ts';
import { holdForSend, MAIL_SEND_LEASE_MS, underDeliveryLease } from './delivery-lease.ts';
import { publishedAtOf, timesOf } from './published-at.ts';

export interface DeliverEmailDeps {
  deliveries: DeliveryStore;
  /** Read at delivery time (state, current address); a channel that keeps bouncing is paused. */
  subscriptions: Pick<SubscriptionStore, 'getSubscriber' | 'updateStatus'>;
  mailer: Mailer;
  clock: Clock;
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
 * paused after repeated rejections; a mail setup refusing every send (MailSetupError) is thrown
 * for the consumer to dead-letter at once; anything else is thrown for SQS to retry. The
 * Message-ID is the same on every attempt.
 */
export async function deliverEmail(
  message: DeliveryMessage,
  deps: DeliverEmailDeps,
  compose: ComposeAlertEmailOptions,
): Promise<EmailDeliveryOutcome> {
  if (message.channel.kind !== 'email') {
    throw new InvalidMessageError(`email delivery failed: channel is ${message.channel.kind} (delivery ${message.deliveryKey})`);
  }
  // The current address wins over the one queued, so an edit applies to pending deliveries too.
  return sendEmailOnce(
    { ...message, channelId: message.channel.channelId, ...publishedAtOf(message), times: timesOf(message) },
    (channel) => composeAlertEmail({ ...message, channel }, compose),
    deps,
  );
}

/** One email of one delivery: what `sendEmailOnce` needs to know about it. */
export interface EmailSend {
  deliveryKey: string;
  subscriberId: string;
  /** The story, or the digest window, the email is about (for events). */
  storyId: string;
  channelId: string;
  /** Stories a digest carries, for its `delivered` event. */
  stories?: number;
  /** When the story's item was published (instant alerts only), for its `delivered` event. */
  publishedAt?: string;
  /** Time-to-alert marks recorded with the delivery (instant alerts only). */
  times?: { publishedAt?: string; fetchedAt?: string };
}

/**
 * The rules every email delivery follows (alerts and digests alike): already sent → skipped;
 * another attempt holding the delivery's lease (a duplicate message at the same moment) → a
 * retryable DeliveryBusyError, nothing sent or recorded (see delivery-lease.ts);
 * channel no longer active → recorded and skipped; handed to the transport → recorded as sent; a
 * permanent rejection → recorded as failed (repeated ones pause the channel); anything else is
 * thrown for SQS to retry, or to dead-letter at once when it is the mail setup's fault. Every
 * email names its subscriber channel, so SES bounces and complaints find it. `compose` gets the
 * channel as it is now.
 */
export async function sendEmailOnce(
  send: EmailSend,
  compose: (channel: EmailChannel) => OutgoingEmail,
  deps: DeliverEmailDeps,
): Promise<EmailDeliveryOutcome> {
  const { deliveryKey, subscriberId, storyId } = send;
  return underDeliveryLease({ deliveryKey, subscriberId, storyId, channel: 'email' }, deps, (lease) =>
    sendClaimed(send, compose, lease, deps),
  );
}

/** The email once its marker is ours: checks, sends (renewing the lease first), records. */
async function sendClaimed(
  send: EmailSend,
  compose: (channel: EmailChannel) => OutgoingEmail,
  lease: DeliveryLease,
  deps: DeliverEmailDeps,
): Promise<EmailDeliveryOutcome> {
  const { deliveries, subscriptions, mailer, clock, events } = deps;
  const { deliveryKey, subscriberId, storyId } = send;

  const current = activeChannel(await subscriptions.getSubscriber(subscriberId), send.channelId, 'email');
  if (current.status === 'skipped') {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: `not sent: ${current.reason}` });
    events.emit({ type: 'delivery-skipped', channel: 'email', subscriberId, storyId, deliveryKey, reason: current.reason });
    return current;
  }

  let id: string;
  try {
    const email = compose(current.channel);
    // Lost to another attempt meanwhile: a retryable DeliveryBusyError, rethrown below.
    await holdForSend(deliveries, deliveryKey, lease, MAIL_SEND_LEASE_MS, clock);
    ({ id } = await mailer.send({ ...email, subscriberChannel: { subscriberId, channelId: current.channel.channelId } }));
  } catch (error) {
    // The mail setup refusing every send is not this channel's failure: nothing is recorded
    // against it, and the consumer dead-letters the message for the operator.
    if (isRetryable(error) || error instanceof MailSetupError) throw error;
    const reason = `${error instanceof Error ? error.message : String(error)} (subscriber ${subscriberId}, channel ${current.channel.channelId})`;
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: reason });
    events.emit({ type: 'delivery-failed', channel: 'email', subscriberId, storyId, deliveryKey, error: reason, permanent: true });
    const paused = await countPermanentFailure({ subscriberId, channelId: current.channel.channelId, kind: 'email' }, reason, deps);
    return { status: 'failed', error: reason, paused };
  }
  await deliveries.markSent(deliveryKey, { at: clock.now().toISOString(), ...send.times });
  events.emit({
    type: 'delivered',
    channel: 'email',
    subscriberId,
    storyId,
    deliveryKey,
    target: redactAddress(current.channel.address),
    stories: send.stories,
    ...(send.publishedAt === undefined ? {} : { publishedAt: send.publishedAt }),
    transportId: id,
  });
  return { status: 'delivered', id };
}
