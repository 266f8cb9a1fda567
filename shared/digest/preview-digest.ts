import type { Clock } from '../core/clock.ts';
import { NewsAlertsError } from '../core/errors.ts';
import type { Log } from '../core/logger.ts';
import type { OutgoingEmail } from '../mail/ports.ts';
import type { DigestStore, StoryStore, SubscriptionStore } from '../store/ports.ts';
import { cadenceOf, digestScheduleOf, nextDigestAt } from '../subscriptions/index.ts';
import { composeDigestEmail, type ComposeDigestEmailOptions } from './compose-digest-email.ts';
import { DIGEST_STORY_LIMIT, digestDeliveryKey, type DigestMessage } from './digest-message.ts';
import { digestStory } from './send-digests.ts';

/** What previewing reads: every port read-only. */
export interface PreviewDigestDeps {
  digests: Pick<DigestStore, 'getHead' | 'listEntries'>;
  subscriptions: Pick<SubscriptionStore, 'getSubscriber'>;
  stories: Pick<StoryStore, 'listMembers'>;
  clock: Clock;
  log: Log;
}

/** The next digest of one channel, as it would be sent now. */
export interface DigestPreview {
  channelId: string;
  cadence: 'hourly' | 'daily' | 'weekly';
  /** When it is due (its pending window's time, else the next one of the schedule). */
  dueAt: string;
  /** Stories waiting for it. */
  stories: number;
  email: OutgoingEmail;
}

/** The subscriber is unknown, or gets no digest. */
export class DigestPreviewError extends NewsAlertsError {
  constructor(why: string, subscriberId: string) {
    super(`digest preview failed: ${why} (subscriber ${subscriberId})`, { retryable: false });
  }
}

/**
 * The next digest of each of a subscriber's digest channels, composed exactly as send-digests
 * and deliver-email would compose it now, without queueing, sending or marking anything: the
 * stores are only read, so the real digest still carries every story shown here.
 *
 * @throws DigestPreviewError when the subscriber does not exist or has no digest channel.
 */
export async function previewDigests(
  subscriberId: string,
  deps: PreviewDigestDeps,
  compose: ComposeDigestEmailOptions,
  maxEntries = 1000,
): Promise<DigestPreview[]> {
  const subscriber = await deps.subscriptions.getSubscriber(subscriberId);
  if (!subscriber) throw new DigestPreviewError('no such subscriber', subscriberId);
  const now = deps.clock.now();
  const previews: DigestPreview[] = [];
  for (const channel of subscriber.channels) {
    const cadence = cadenceOf(subscriber, channel.channelId);
    if (channel.kind !== 'email' || cadence === 'instant') continue;
    const head = await deps.digests.getHead(subscriberId, channel.channelId);
    const dueAt = head?.dueAt ?? nextDigestAt(now, digestScheduleOf(subscriber, cadence)).toISOString();
    const entries = await deps.digests.listEntries(subscriberId, channel.channelId, maxEntries);
    const newestFirst = [...entries].sort((a, b) => (b.item.published ?? b.addedAt).localeCompare(a.item.published ?? a.addedAt));
    const shown = newestFirst.slice(0, DIGEST_STORY_LIMIT);
    const message: DigestMessage = {
      version: 1,
      kind: 'digest',
      deliveryKey: digestDeliveryKey(subscriberId, channel.channelId, dueAt),
      subscriberId,
      channel,
      cadence,
      dueAt,
      timeZone: digestScheduleOf(subscriber, cadence).timeZone,
      stories: await Promise.all(shown.map((entry) => digestStory(entry, deps))),
      moreCount: entries.length - shown.length,
    };
    previews.push({ channelId: channel.channelId, cadence, dueAt, stories: entries.length, email: composeDigestEmail(message, compose) });
  }
  if (previews.length === 0) {
    throw new DigestPreviewError('the subscriber gets instant alerts on every channel: there is no digest to preview', subscriberId);
  }
  return previews;
}
