import { type DeliverEmailDeps, sendEmailOnce, type SkipReason } from '../delivery/index.ts';
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
  const stories = message.stories.length + message.moreCount;
  const outcome = await sendEmailOnce(
    {
      deliveryKey: message.deliveryKey,
      subscriberId: message.subscriberId,
      storyId: `digest:${message.dueAt}`,
      channelId: message.channel.channelId,
      stories,
    },
    (channel) => composeDigestEmail({ ...message, channel }, compose),
    deps,
  );
  return outcome.status === 'delivered' ? { ...outcome, stories } : outcome;
}
