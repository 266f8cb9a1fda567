import { activeChannel, type SkipReason } from '../delivery/active-channel.ts';
import { countPermanentFailure } from '../delivery/channel-health.ts';
import { redactAddress } from '../delivery/deliver-email.ts';
import { deliveryExpiresAt } from '../delivery/delivery-id.ts';
import type { DeliverEmailDeps } from '../delivery/deliver-email.ts';
import { isRetryable } from '../runtime/errors.ts';
import { composeDigestEmail, type ComposeDigestEmailOptions } from './compose-digest-email.ts';
import type { DigestMessage } from './digest-message.ts';

export type DigestDeliveryOutcome =
  | { status: 'delivered'; id: string; stories: number }
  | { status: 'skipped'; reason: 'already-sent' | SkipReason }
  | { status: 'failed'; error: string; paused: boolean };

/**
 * Sends one digest email, once per window (its deliveryKey): the same rules as an instant email
 * (see deliverEmail) — already sent → skipped; channel no longer active → recorded and skipped, so
 * an unsubscribe between queueing and sending is honoured; a permanent rejection is recorded
 * (and repeated ones pause the channel); anything else is thrown for SQS to retry.
 */
export async function deliverDigest(
  message: DigestMessage,
  deps: DeliverEmailDeps,
  compose: ComposeDigestEmailOptions,
): Promise<DigestDeliveryOutcome> {
  const { deliveries, subscriptions, mailer, clock, log, events } = deps;
  const { deliveryKey, subscriberId } = message;
  const storyId = `digest:${message.dueAt}`;

  const claim = await deliveries.begin(deliveryKey, deliveryExpiresAt(clock.now()));
  if (claim === 'sent') {
    events.emit({ type: 'delivery-skipped', channel: 'email', subscriberId, storyId, reason: 'already-sent' });
    return { status: 'skipped', reason: 'already-sent' };
  }
  const current = activeChannel(await subscriptions.getSubscriber(subscriberId), message.channel.channelId, 'email');
  if (current.status === 'skipped') {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: `not sent: ${current.reason}` });
    events.emit({ type: 'delivery-skipped', channel: 'email', subscriberId, storyId, reason: current.reason });
    log.info('digest skipped', { deliveryKey, reason: current.reason });
    return current;
  }

  const email = composeDigestEmail({ ...message, channel: current.channel }, compose);
  let id: string;
  try {
    ({ id } = await mailer.send(email));
  } catch (error) {
    if (isRetryable(error)) throw error;
    const reason = `${error instanceof Error ? error.message : String(error)} (subscriber ${subscriberId}, channel ${current.channel.channelId})`;
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: reason });
    events.emit({ type: 'delivery-failed', channel: 'email', subscriberId, storyId, error: reason, permanent: true });
    const paused = await countPermanentFailure({ subscriberId, channelId: current.channel.channelId, kind: 'email' }, reason, deps);
    return { status: 'failed', error: reason, paused };
  }
  const stories = message.stories.length + message.moreCount;
  await deliveries.markSent(deliveryKey, { at: clock.now().toISOString() });
  events.emit({ type: 'delivered', channel: 'email', subscriberId, storyId, target: redactAddress(current.channel.address), stories });
  log.info('digest delivered', { deliveryKey, id, stories });
  return { status: 'delivered', id, stories };
}
