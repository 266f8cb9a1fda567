import type { AlertMessage, DeliveryMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { Log } from '../runtime/logger.ts';
import type { SubscriptionStore } from '../store/ports.ts';
import type { Subscriber } from '../store/records.ts';

export interface FanOutDeps {
  subscriptions: SubscriptionStore;
  queue: MessageQueue;
  log: Log;
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
  /** Subscribers who passed state and score on some topic of the alert (once each). */
  matched: number;
  deliveries: { webhook: number; email: number };
  /** Where the follow-up message resumes, when the work was split; absent when all done. */
  continuation?: NonNullable<AlertMessage['cursor']>;
}

export const DEFAULT_FAN_OUT_PAGE_SIZE = 500;
export const DEFAULT_FAN_OUT_MAX_PAGES = 2;

/**
 * Finds the subscribers of an alert's topics and queues one delivery per (subscriber, channel).
 *
 * Topics are visited in the alert's order, starting at `alert.cursor` when this is a follow-up.
 * A subscriber is reached on the first topic of the alert that they subscribe to and whose score
 * meets their `minScore`; later topics skip them, so someone on two of the story's topics gets it
 * once. After `maxPages` pages the remaining work goes to a follow-up alert message carrying the
 * cursor, sent only after this invocation's deliveries are queued (nothing lost on a crash).
 * Redelivery repeats pages; deliver-* dedup by deliveryKey keeps that harmless.
 */
export async function fanOut(alert: AlertMessage, deps: FanOutDeps, options: FanOutOptions = {}): Promise<FanOutSummary> {
  const { subscriptions, queue, log } = deps;
  const pageSize = options.pageSize ?? DEFAULT_FAN_OUT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_FAN_OUT_MAX_PAGES;
  if (!(pageSize >= 1 && maxPages >= 1)) {
    throw new RangeError(`fan-out options are invalid: pageSize and maxPages must be at least 1 (story ${alert.storyId})`);
  }

  const summary: FanOutSummary = { storyId: alert.storyId, pages: 0, matched: 0, deliveries: { webhook: 0, email: 0 } };
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

    const reached = page.subscribers.filter((subscriber) => firstReachingTopic(alert, subscriber) === topicIndex);
    const webhook: DeliveryMessage[] = [];
    const email: DeliveryMessage[] = [];
    const seen = new Set<string>();
    for (const subscriber of reached) {
      if (seen.has(subscriber.subscriberId)) continue;
      seen.add(subscriber.subscriberId);
      summary.matched += 1;
      for (const delivery of deliveriesFor(alert, subscriber)) {
        (delivery.channel.kind === 'webhook' ? webhook : email).push(delivery);
      }
    }
    // Queue before moving on: the follow-up (or the ack) must never get ahead of these.
    if (webhook.length > 0) await queue.send('webhook', webhook);
    if (email.length > 0) await queue.send('email', email);
    summary.deliveries.webhook += webhook.length;
    summary.deliveries.email += email.length;

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
    continued: summary.continuation !== undefined,
  });
  return summary;
}

/**
 * Index of the first topic of the alert on which this subscriber is reached (active, subscribed,
 * score at least their minimum), or -1. Depends only on the alert and the subscriber row, so every
 * page of every invocation decides the same way.
 */
export function firstReachingTopic(alert: AlertMessage, subscriber: Subscriber): number {
  if (subscriber.state !== 'active') return -1;
  return alert.topics.findIndex(
    (match) => subscriber.topics.includes(match.topic) && match.score >= subscriber.minScore,
  );
}

/**
 * One delivery message per channel of the subscriber, carrying the topics of the alert that
 * reach this subscriber (theirs, at or above their minimum score): the "why you got this".
 */
export function deliveriesFor(alert: AlertMessage, subscriber: Subscriber): DeliveryMessage[] {
  const topics = alert.topics.filter(
    (match) => subscriber.topics.includes(match.topic) && match.score >= subscriber.minScore,
  );
  if (topics.length === 0) return [];
  return subscriber.channels.map((channel) => ({
    version: 1,
    deliveryKey: deliveryKeyOf(subscriber.subscriberId, alert.storyId, channel.channelId),
    subscriberId: subscriber.subscriberId,
    channel,
    storyId: alert.storyId,
    item: alert.item,
    topics,
  }));
}

/** The idempotency key of a delivery: one story, one subscriber, one channel. */
export function deliveryKeyOf(subscriberId: string, storyId: string, channelId: string): string {
  return `${subscriberId}#${storyId}#${channelId}`;
}
