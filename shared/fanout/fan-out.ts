import { compileFilterQuery, type FilterQuery } from '../classify/index.ts';
import type { Clock } from '../core/clock.ts';
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
   * Pages handled per invocation before the rest is handed to a follow-up alert message. With the
   * defaults one invocation queues at most 1,000 subscribers' deliveries, well inside the
   * function's timeout, whatever the size of the audience.
   */
  maxPages?: number;
}

export interface FanOutSummary {
  storyId: string;
  pages: number;
  /** Subscribers who passed state, score and filter on some topic of the alert (once each). */
  matched: number;
  deliveries: { webhook: number; email: number };
  /** Stories added to digest channels (a repeat of one already waiting is not counted). */
  digestEntries: number;
  /** Subscribers on the alert's topics whose filter query the story did not satisfy. */
  filteredOut: number;
  /** Subscribers skipped because their stored filter query does not compile. */
  invalidFilters: number;
  /** Where the follow-up message resumes, when the work was split; absent when all done. */
  continuation?: NonNullable<AlertMessage['cursor']>;
}

export const DEFAULT_FAN_OUT_PAGE_SIZE = 500;
export const DEFAULT_FAN_OUT_MAX_PAGES = 2;
/** Digest entries written at once. */
const DIGEST_WRITE_CONCURRENCY = 16;

/**
 * Finds the subscribers of an alert's topics and, per active channel, queues one delivery
 * (instant channels, in SQS batches of 10) or adds the story to the channel's digest.
 *
 * Topics are visited in the alert's order, starting at `alert.cursor` when this is a follow-up.
 * A subscriber is reached on the first topic of the alert that they subscribe to and whose score
 * meets their `minScore`, provided the story also satisfies their filter query; later topics skip
 * them, so someone on two of the story's topics gets it once. Filters are compiled once per page;
 * one that no longer compiles is reported (`subscriber-error`) and that subscriber skipped, never
 * the whole alert failed. After `maxPages` pages the remaining work goes to a follow-up alert
 * message carrying the cursor, sent only after this invocation's deliveries are queued (nothing
 * lost on a crash). Redelivery repeats pages; deliver-* dedup by deliveryKey and digest entries
 * by (subscriber, channel, story) keep that harmless.
 */
export async function fanOut(alert: AlertMessage, deps: FanOutDeps, options: FanOutOptions = {}): Promise<FanOutSummary> {
  const { subscriptions, queue, log } = deps;
  const pageSize = options.pageSize ?? DEFAULT_FAN_OUT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_FAN_OUT_MAX_PAGES;
  if (!(pageSize >= 1 && maxPages >= 1)) {
    throw new RangeError(`fan-out options are invalid: pageSize and maxPages must be at least 1 (story ${alert.storyId})`);
  }

  const summary: FanOutSummary = {
    storyId: alert.storyId,
    pages: 0,
    matched: 0,
    deliveries: { webhook: 0, email: 0 },
    digestEntries: 0,
    filteredOut: 0,
    invalidFilters: 0,
  };
  let topicIndex = alert.cursor?.topicIndex ?? 0;
  let cursor = alert.cursor?.exclusiveStartKey;

  while (topicIndex < alert.topics.length) {
    if (summary.pages >= maxPages) {
      summary.continuation = cursor === undefined ? { topicIndex } : { topicIndex, exclusiveStartKey: cursor };
      break;
    }
    const topicId = alert.topics[topicIndex]!.topic;
    const page = await subscriptions.pageByTopic(topicId, { limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
    summary.pages += 1;

    const filters = new FilterCache();
    const webhook: DeliveryMessage[] = [];
    const email: DeliveryMessage[] = [];
    const digestWrites: { entry: DigestEntry; cadence: DigestCadence; dueAt: string }[] = [];
    const seen = new Set<string>();
    const now = deps.clock.now();
    for (const subscriber of page.subscribers) {
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

    // Queue (and store) before moving on: the follow-up (or the ack) must never get ahead of these.
    if (webhook.length > 0) await queue.send('webhook', webhook);
    if (email.length > 0) await queue.send('email', email);
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

    if (page.nextCursor === undefined) {
      topicIndex += 1;
      cursor = undefined;
    } else {
      cursor = page.nextCursor;
    }
  }

  if (summary.continuation) {
    const followUp: AlertMessage = { ...alert, cursor: summary.continuation };
    await queue.send('alert', [followUp]);
  }
  log.info('fan-out done', {
    storyId: alert.storyId,
    pages: summary.pages,
    matched: summary.matched,
    webhook: summary.deliveries.webhook,
    email: summary.deliveries.email,
    digestEntries: summary.digestEntries,
    filteredOut: summary.filteredOut,
    invalidFilters: summary.invalidFilters,
    continued: summary.continuation !== undefined,
  });
  return summary;
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
