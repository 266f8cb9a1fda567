import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { DigestEntry, DigestHead, DigestStore, StoryStore, SubscriptionStore } from '../store/ports.ts';
import type { DigestCadence, Subscriber } from '../store/records.ts';
import { cadenceOf, channelStateOf, digestScheduleOf, nextDigestAt } from '../subscriptions/index.ts';
import {
  DIGEST_STORY_LIMIT,
  DIGEST_SUMMARY_LIMIT,
  type DigestDueMessage,
  digestDeliveryKey,
  type DigestMessage,
  type DigestStory,
} from './digest-message.ts';

export interface SendDigestsDeps {
  digests: DigestStore;
  subscriptions: Pick<SubscriptionStore, 'getSubscriber'>;
  queue: Pick<MessageQueue, 'send'>;
  /** Current members of each story ("also reported by" as of sending). */
  stories: Pick<StoryStore, 'listMembers'>;
  clock: Clock;
  log: Log;
  events: EventSink;
}

export interface QueueDueDigestsOptions {
  /** Real time one run may spend, in milliseconds: a run is bounded by time, not by a count. */
  budgetMs: number;
  /** Heads read per index Query (default 200). */
  pageSize?: number;
  /**
   * How long a queued digest is taken (default 30 minutes: the digest queue's retries), so the
   * next run does not queue it again while it waits; after that a run queues it again.
   */
  leaseSeconds?: number;
}

export interface QueueDueDigestsSummary {
  /** Heads the due index listed. */
  due: number;
  /** Digest-due messages queued (heads this run took; the rest were taken or not due any more). */
  queued: number;
  /** Shards of the due index read (in parallel). */
  shards: number;
  /** Shards not read to their end because the time budget ran out. */
  unfinished: number;
}

/** Takes and queues in groups of one SQS batch. */
const GROUP_SIZE = 10;

/**
 * Queues one digest-due message per channel whose digest is due: every shard of the due index is
 * read at once, page by page, earliest first; each head is taken with a lease (conditional write)
 * and queued in SQS batches of 10, so one run queues as many digests as its time budget allows
 * and compose-digest consumers send them in parallel. A crash between lease and send delays
 * that digest by the lease, never loses it.
 */
export async function queueDueDigests(
  deps: { digests: DigestStore; queue: Pick<MessageQueue, 'send'>; clock: Clock; log: Log },
  options: QueueDueDigestsOptions,
): Promise<QueueDueDigestsSummary> {
  const now = deps.clock.now();
  const stopAt = Date.now() + options.budgetMs;
  const pageSize = options.pageSize ?? 200;
  const until = new Date(now.getTime() + (options.leaseSeconds ?? 1800) * 1000).toISOString();

  const queueGroup = async (heads: DigestHead[]): Promise<number> => {
    const taken = await Promise.all(
      heads.map(async (head) => ((await deps.digests.claimDue(head, until, now.toISOString())) ? head : undefined)),
    );
    const messages: DigestDueMessage[] = taken
      .filter((head) => head !== undefined)
      .map((head) => ({
        version: 1,
        kind: 'digest-due',
        subscriberId: head.subscriberId,
        channelId: head.channelId,
        dueAt: head.dueAt,
        plannedAt: now.toISOString(),
      }));
    if (messages.length > 0) await deps.queue.send('digest', messages);
    return messages.length;
  };

  const queueShard = async (shard: number) => {
    let due = 0;
    let queued = 0;
    let cursor: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      if (Date.now() >= stopAt) return { due, queued, finished: false };
      const result = await deps.digests.pageDue(shard, now, { limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
      due += result.heads.length;
      for (let start = 0; start < result.heads.length; start += GROUP_SIZE) {
        queued += await queueGroup(result.heads.slice(start, start + GROUP_SIZE));
      }
      cursor = result.nextCursor;
      if (cursor === undefined) return { due, queued, finished: true };
    }
    return { due, queued, finished: false };
  };

  const shards = await Promise.all(Array.from({ length: deps.digests.dueShards }, (_, shard) => queueShard(shard)));
  const summary: QueueDueDigestsSummary = {
    due: shards.reduce((sum, s) => sum + s.due, 0),
    queued: shards.reduce((sum, s) => sum + s.queued, 0),
    shards: shards.length,
    unfinished: shards.filter((s) => !s.finished).length,
  };
  deps.log.info('due digests queued', { ...summary });
  return summary;
}

/** What one digest-due message came to. */
export type QueuedDigestOutcome = SendOutcome | { kind: 'stale' };

/**
 * Sends the digest a digest-due message names. The head is re-read consistently; the entries
 * added before its due time are the window; their digest message goes to the email queue, then
 * they are marked sent, then the window is closed (removed, or moved to the next due time when
 * newer entries wait). Nothing is queued for an empty window. A channel no longer active has its
 * entries dropped (marked sent, recorded in the log), as instant deliveries to it would be.
 *
 * A message whose window is already closed (sent by an earlier delivery of the message, or
 * rescheduled) is `stale` and does nothing. A delivery interrupted after queueing the email and
 * before marking the entries is retried by SQS and queues the same window again: same entries,
 * same deliveryKey (`<subscriber>#digest:<dueAt>#<channel>`), so deliver-email sends it once.
 */
export async function sendQueuedDigest(
  message: DigestDueMessage,
  deps: SendDigestsDeps,
  options: { maxEntries?: number } = {},
): Promise<QueuedDigestOutcome> {
  const head = await deps.digests.getHead(message.subscriberId, message.channelId);
  if (!head || head.dueAt !== message.dueAt) return { kind: 'stale' };
  return sendOne(head, deps, options.maxEntries ?? 1000);
}

type SendOutcome = { kind: 'queued'; stories: number } | { kind: 'dropped' } | { kind: 'empty' };

async function sendOne(head: DigestHead, deps: SendDigestsDeps, maxEntries: number): Promise<SendOutcome> {
  const now = deps.clock.now();
  const entries = await deps.digests.listEntries(head.subscriberId, head.channelId, maxEntries);
  const window = entries.filter((entry) => entry.addedAt < head.dueAt);
  const later = entries.length - window.length;
  const subscriber = await deps.subscriptions.getSubscriber(head.subscriberId);
  const channel = subscriber?.channels.find((c) => c.channelId === head.channelId);
  const nextDueAt = nextDueOf(subscriber, head, now);

  if (!subscriber || !channel || channel.kind !== 'email' || channelStateOf(subscriber, channel.channelId) !== 'active') {
    const why = !subscriber
      ? 'subscriber-missing'
      : channel?.kind !== 'email'
        ? 'channel-removed'
        : channelStateOf(subscriber, channel.channelId);
    await deps.digests.markEntriesSent(
      head.subscriberId,
      head.channelId,
      entries.map((e) => e.storyId),
      now.toISOString(),
    );
    await deps.digests.closeWindow(head, { remaining: false, nextDueAt });
    deps.log.info('digest dropped: the channel no longer receives', {
      subscriberId: head.subscriberId,
      channelId: head.channelId,
      reason: why,
      stories: entries.length,
    });
    return { kind: 'dropped' };
  }

  if (window.length === 0) {
    await deps.digests.closeWindow(head, { remaining: later > 0, nextDueAt });
    return { kind: 'empty' };
  }

  const newestFirst = [...window].sort((a, b) => timeOf(b).localeCompare(timeOf(a)));
  const shown = newestFirst.slice(0, DIGEST_STORY_LIMIT);
  const stories = await Promise.all(shown.map((entry) => digestStory(entry, deps)));
  const schedule = digestScheduleOf(subscriber, head.cadence);
  const message: DigestMessage = {
    version: 1,
    kind: 'digest',
    deliveryKey: digestDeliveryKey(head.subscriberId, head.channelId, head.dueAt),
    subscriberId: head.subscriberId,
    channel,
    cadence: head.cadence,
    dueAt: head.dueAt,
    timeZone: schedule.timeZone,
    stories,
    moreCount: window.length - shown.length,
  };
  await deps.queue.send('email', [message]);
  await deps.digests.markEntriesSent(
    head.subscriberId,
    head.channelId,
    window.map((e) => e.storyId),
    now.toISOString(),
  );
  await deps.digests.closeWindow(head, { remaining: later > 0, nextDueAt });
  deps.events.emit({
    type: 'digest-queued',
    subscriberId: head.subscriberId,
    channelId: head.channelId,
    stories: window.length,
    dueAt: head.dueAt,
  });
  return { kind: 'queued', stories: window.length };
}

/** The story as the digest carries it, with the story's members as of now. */
export async function digestStory(entry: DigestEntry, deps: Pick<SendDigestsDeps, 'stories' | 'log'>): Promise<DigestStory> {
  let members = entry.storyMembers;
  try {
    const current = await deps.stories.listMembers(entry.storyId);
    if (current.length > 0) members = current.slice(0, 50);
  } catch (error) {
    // "Also reported by" is a nicety; the copy from fan-out will do.
    deps.log.warn('reading story members failed', { storyId: entry.storyId, error: String(error) });
  }
  const summary =
    entry.item.summary.length > DIGEST_SUMMARY_LIMIT ? `${entry.item.summary.slice(0, DIGEST_SUMMARY_LIMIT - 1)}…` : entry.item.summary;
  return {
    storyId: entry.storyId,
    addedAt: entry.addedAt,
    item: { ...entry.item, summary },
    topics: entry.topics,
    ...(members && members.length > 0 ? { storyMembers: members } : {}),
  };
}

function nextDueOf(subscriber: Subscriber | undefined, head: DigestHead, now: Date): string {
  const chosen = subscriber ? cadenceOf(subscriber, head.channelId) : 'instant';
  const cadence: DigestCadence = chosen === 'instant' ? head.cadence : chosen;
  const schedule = subscriber
    ? digestScheduleOf(subscriber, cadence)
    : { cadence, deliveryHour: 8, timeZone: 'UTC', weeklyDay: 'mon' as const };
  return nextDigestAt(now, schedule).toISOString();
}

function timeOf(entry: DigestEntry): string {
  return entry.item.published ?? entry.addedAt;
}
