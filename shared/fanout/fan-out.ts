import { compileFilterQuery, type FilterQuery } from '../classify/index.ts';
import type { Clock } from '../core/clock.ts';
import { InvalidMessageError } from '../core/errors.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { AlertMessage, Channel, DeliveryMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { DigestEntry, DigestStore, SubscriptionStore } from '../store/ports.ts';
import type { DigestCadence, Subscriber } from '../store/records.ts';
import { cadenceOf, channelStateOf, digestScheduleOf, nextDigestAt } from '../subscriptions/index.ts';

export interface FanOutDeps {
  subscriptions: SubscriptionStore;
  queue: MessageQueue;
  /** Where stories for digest channels wait (fan-out adds, send-digests sends). */
  digests: DigestStore;
  clock: Clock;
  log: Log;
  /** Subscribers skipped for an unusable stored filter are reported here. */
  events: EventSink;
}

export interface FanOutOptions {
  /** Subscribers read per store query. */
  pageSize?: number;
  /**
   * Subscribers read per invocation, in pages: `pageSize × maxPages` rows. With the defaults one
   * invocation queues at most 1,000 subscribers' deliveries, well inside the function's timeout,
   * whatever the size of the audience; the rest goes to follow-up messages.
   */
  maxPages?: number;
}

export interface FanOutSummary {
  storyId: string;
  /** Store queries made. */
  pages: number;
  /** Subscription rows read. */
  rows: number;
  /** Subscribers who passed state, score and filter on some topic of the alert (once each). */
  matched: number;
  deliveries: { webhook: number; email: number };
  /** Stories added to digest channels (a repeat of one already waiting is not counted). */
  digestEntries: number;
  /** Subscribers on the alert's topics whose filter query the story did not satisfy. */
  filteredOut: number;
  /** Subscribers skipped because their stored filter query does not compile. */
  invalidFilters: number;
  /**
   * Follow-up messages queued for the work left (one per shard not finished, run in parallel);
   * empty when all done.
   */
  followUps: AlertMessage[];
}

export const DEFAULT_FAN_OUT_PAGE_SIZE = 500;
export const DEFAULT_FAN_OUT_MAX_PAGES = 2;
/** Digest entries written at once. */
const DIGEST_WRITE_CONCURRENCY = 16;

/** Where a slice stands: its shard, and the topic and page in it. */
interface Position {
  shard: number;
  topicIndex: number;
  cursor?: string | undefined;
}

/**
 * Finds the subscribers of an alert's topics and, per active channel, queues one delivery
 * (instant channels, in SQS batches of 10) or adds the story to the channel's digest.
 *
 * A topic's subscribers are sharded (`SubscriptionStore.topicShards`, by the subscriber id's
 * hash, the same shard on every topic). An alert from poll-feed covers every shard: it walks them
 * in turn, and a small audience is done in this one invocation. When `pageSize × maxPages` rows
 * have been read, the rest is handed on as one follow-up message per shard not yet finished
 * (`slice`: the shard, `cursor`: where in it), sent only after this invocation's deliveries are
 * queued (nothing lost on a crash); the slices run in parallel, each continuing with its own
 * follow-up the same way, so a million subscribers take `shards` parallel chains rather than one.
 *
 * In a shard, topics are visited in the alert's order. A subscriber is reached on the first topic
 * of the alert that they subscribe to and whose score meets their `minScore` (their rows are all in
 * the same shard), provided the story also satisfies their filter query; later topics skip them,
 * so someone on two of the story's topics gets it once. Filters are compiled once per page; one
 * that no longer compiles is reported (`subscriber-error`) and that subscriber skipped, never the
 * whole alert failed. Redelivery repeats pages, and a subscriber whose rows are being moved to
 * their shard may be read twice; deliver-* dedup by deliveryKey and digest entries by
 * (subscriber, channel, story) keep that harmless.
 */
export async function fanOut(alert: AlertMessage, deps: FanOutDeps, options: FanOutOptions = {}): Promise<FanOutSummary> {
  const { subscriptions, queue, log } = deps;
  const pageSize = options.pageSize ?? DEFAULT_FAN_OUT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_FAN_OUT_MAX_PAGES;
  if (!(pageSize >= 1 && maxPages >= 1)) {
    throw new RangeError(`fan-out options are invalid: pageSize and maxPages must be at least 1 (story ${alert.storyId})`);
  }
  const shards = subscriptions.topicShards;
  if (alert.slice !== undefined && alert.slice >= shards) {
    throw new InvalidMessageError(
      `alert is invalid: slice ${alert.slice} is not one of the ${shards} subscriber shards (story ${alert.storyId})`,
    );
  }
  const budget = pageSize * maxPages;
  const lastShard = alert.slice ?? shards - 1;

  const summary: FanOutSummary = {
    storyId: alert.storyId,
    pages: 0,
    rows: 0,
    matched: 0,
    deliveries: { webhook: 0, email: 0 },
    digestEntries: 0,
    filteredOut: 0,
    invalidFilters: 0,
    followUps: [],
  };
  const at: Position = { shard: alert.slice ?? 0, topicIndex: alert.cursor?.topicIndex ?? 0, cursor: alert.cursor?.exclusiveStartKey };

  while (at.shard <= lastShard) {
    if (at.topicIndex >= alert.topics.length) {
      at.shard += 1;
      at.topicIndex = 0;
      at.cursor = undefined;
      continue;
    }
    if (summary.rows >= budget) {
      summary.followUps = followUpsFrom(alert, at, lastShard);
      break;
    }
    const topicId = alert.topics[at.topicIndex]!.topic;
    const page = await subscriptions.pageByTopic(topicId, {
      shard: at.shard,
      limit: Math.min(pageSize, budget - summary.rows),
      ...(at.cursor === undefined ? {} : { cursor: at.cursor }),
    });
    summary.pages += 1;
    summary.rows += page.subscribers.length;
    await handlePage(alert, at.topicIndex, page.subscribers, deps, summary);
    if (page.nextCursor === undefined) {
      at.topicIndex += 1;
      at.cursor = undefined;
    } else {
      at.cursor = page.nextCursor;
    }
  }

  if (summary.followUps.length > 0) await queue.send('alert', summary.followUps);
  log.info('fan-out done', {
    storyId: alert.storyId,
    ...(alert.slice === undefined ? {} : { slice: alert.slice }),
    pages: summary.pages,
    rows: summary.rows,
    matched: summary.matched,
    webhook: summary.deliveries.webhook,
    email: summary.deliveries.email,
    digestEntries: summary.digestEntries,
    filteredOut: summary.filteredOut,
    invalidFilters: summary.invalidFilters,
    followUps: summary.followUps.length,
  });
  return summary;
}

/**
 * The follow-ups of work left at `at`: the current shard from where it stopped, and each later
 * shard of this message's range from its start, one message each so they run in parallel.
 */
function followUpsFrom(alert: AlertMessage, at: Position, lastShard: number): AlertMessage[] {
  const { cursor: _cursor, slice: _slice, ...base } = alert;
  const followUps: AlertMessage[] = [
    {
      ...base,
      slice: at.shard,
      cursor: at.cursor === undefined ? { topicIndex: at.topicIndex } : { topicIndex: at.topicIndex, exclusiveStartKey: at.cursor },
    },
  ];
  for (let shard = at.shard + 1; shard <= lastShard; shard++) followUps.push({ ...base, slice: shard });
  return followUps;
}

/** One page of one topic's subscribers: deliveries queued and digest entries written before returning. */
async function handlePage(
  alert: AlertMessage,
  topicIndex: number,
  subscribers: Subscriber[],
  deps: FanOutDeps,
  summary: FanOutSummary,
): Promise<void> {
  const filters = new FilterCache();
  const webhook: DeliveryMessage[] = [];
  const email: DeliveryMessage[] = [];
  const digestWrites: { entry: DigestEntry; cadence: DigestCadence; dueAt: string }[] = [];
  const seen = new Set<string>();
  const now = deps.clock.now();
  for (const subscriber of subscribers) {
    if (seen.has(subscriber.subscriberId) || firstReachingTopic(alert, subscriber) !== topicIndex) continue;
    seen.add(subscriber.subscriberId);
    const verdict = filters.verdict(subscriber, alert);
    if (verdict === 'invalid') {
      summary.invalidFilters += 1;
      continue;
    }
    if (verdict === 'no-match') {
      summary.filteredOut += 1;
      continue;
    }
    summary.matched += 1;
    for (const delivery of deliveriesFor(alert, subscriber)) {
      const cadence = cadenceOf(subscriber, delivery.channel.channelId);
      if (cadence === 'instant' || delivery.channel.kind !== 'email') {
        (delivery.channel.kind === 'webhook' ? webhook : email).push(delivery);
        continue;
      }
      digestWrites.push({
        entry: {
          subscriberId: subscriber.subscriberId,
          channelId: delivery.channel.channelId,
          storyId: alert.storyId,
          addedAt: now.toISOString(),
          item: alert.item,
          topics: delivery.topics,
          ...(alert.storyMembers && alert.storyMembers.length > 0 ? { storyMembers: alert.storyMembers } : {}),
        },
        cadence,
        dueAt: nextDigestAt(now, digestScheduleOf(subscriber, cadence)).toISOString(),
      });
    }
  }
  for (const { subscriberId, error } of filters.errors) {
    deps.events.emit({ type: 'subscriber-error', subscriberId, error: `filter query is invalid (story ${alert.storyId}): ${error}` });
  }

  // Queue (and store) before moving on: the follow-ups (or the ack) must never get ahead of these.
  if (webhook.length > 0) await deps.queue.send('webhook', webhook);
  if (email.length > 0) await deps.queue.send('email', email);
  summary.deliveries.webhook += webhook.length;
  summary.deliveries.email += email.length;
  for (let i = 0; i < digestWrites.length; i += DIGEST_WRITE_CONCURRENCY) {
    const outcomes = await Promise.all(
      digestWrites
        .slice(i, i + DIGEST_WRITE_CONCURRENCY)
        .map(({ entry, cadence, dueAt }) => deps.digests.addEntry(entry, { cadence, dueAt })),
    );
    summary.digestEntries += outcomes.filter((outcome) => outcome === 'added').length;
  }
}

/**
 * Index of the first topic of the alert on which this subscriber is reached (active, subscribed,
 * score at least their minimum), or -1. Depends only on the alert and the subscriber row, so every
 * page of every invocation decides the same way. The filter query is checked separately: it does
 * not depend on the topic.
 */
export function firstReachingTopic(alert: AlertMessage, subscriber: Subscriber): number {
  if (subscriber.state !== 'active') return -1;
  return alert.topics.findIndex((match) => subscriber.topics.includes(match.topic) && match.score >= subscriber.minScore);
}

/**
 * One delivery message per active channel of the subscriber, carrying the topics of the alert
 * that reach this subscriber (theirs, at or above their minimum score): the "why you got this".
 * Paused and unsubscribed channels get nothing.
 */
export function deliveriesFor(alert: AlertMessage, subscriber: Subscriber): DeliveryMessage[] {
  const topics = alert.topics.filter((match) => subscriber.topics.includes(match.topic) && match.score >= subscriber.minScore);
  if (topics.length === 0) return [];
  return subscriber.channels
    .filter((channel: Channel) => channelStateOf(subscriber, channel.channelId) === 'active')
    .map((channel) => ({
      version: 1,
      deliveryKey: deliveryKeyOf(subscriber.subscriberId, alert.storyId, channel.channelId),
      subscriberId: subscriber.subscriberId,
      channel,
      storyId: alert.storyId,
      item: alert.item,
      topics,
      ...(alert.storyMembers && alert.storyMembers.length > 0 ? { storyMembers: alert.storyMembers } : {}),
      ...(alert.publishedAt ? { publishedAt: alert.publishedAt } : {}),
      ...(alert.fetchedAt ? { fetchedAt: alert.fetchedAt } : {}),
      ...(alert.fetchedBy ? { fetchedBy: alert.fetchedBy } : {}),
    }));
}

/** The idempotency key of a delivery: one story, one subscriber, one channel. */
export function deliveryKeyOf(subscriberId: string, storyId: string, channelId: string): string {
  return `${subscriberId}#${storyId}#${channelId}`;
}

/**
 * Filter queries compiled once per page: subscribers sharing a query share the compiled form,
 * and a query that does not compile is remembered (and reported once) rather than retried.
 */
class FilterCache {
  private readonly compiled = new Map<string, FilterQuery | { error: string }>();
  readonly errors: { subscriberId: string; error: string }[] = [];

  verdict(subscriber: Subscriber, alert: AlertMessage): 'match' | 'no-match' | 'invalid' {
    const query = subscriber.filter;
    if (query === undefined || query.trim() === '') return 'match';
    let filter = this.compiled.get(query);
    if (filter === undefined) {
      try {
        filter = compileFilterQuery(query);
      } catch (error) {
        filter = { error: error instanceof Error ? error.message : String(error) };
      }
      this.compiled.set(query, filter);
    }
    if ('error' in filter) {
      this.errors.push({ subscriberId: subscriber.subscriberId, error: filter.error });
      return 'invalid';
    }
    return filter.matches({ title: alert.item.title, summary: alert.item.summary }) ? 'match' : 'no-match';
  }
}
