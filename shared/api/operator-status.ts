import type { Clock } from '../core/clock.ts';
import type { QueueName } from '../core/resource-names.ts';
import { intervalInUseOf, type IntervalInUse } from '../feeds/index.ts';
import { redactUrl, redactUrlsIn } from '../outbound-http/index.ts';
import type { QueueDepthReport, QueueInspector } from '../queue/ports.ts';
import type { FeedStore, Headline, HeadlineStore, SubscriptionStore, TopicStore } from '../store/ports.ts';
import type { FeedRecord } from '../store/records.ts';
import { listTopics, type SubscriptionStatus, subscriptionStatusOf } from '../subscriptions/index.ts';
import { describeFeedDelivery, type FeedDeliveryView } from '../websub/index.ts';

/** What the operator's status page and `GET /api/admin/status` show. */
export interface OperatorStatus {
  generatedAt: string;
  feeds: FeedHealth[];
  /** Depths by queue, or why they could not be read (or `null` without an inspector). */
  queues: Record<QueueName, QueueDepthReport> | { error: string } | null;
  topics: { topicId: string; label: string; stories: Headline[] }[];
  subscribers: { total: number; byStatus: Record<SubscriptionStatus, number> };
}

export interface FeedHealth {
  feedId: string;
  title: string | null;
  /** Without credentials, query values or fragment (`?apikey=[redacted]`). */
  url: string;
  status: 'ok' | 'failing' | 'never-polled';
  lastSuccessAt: string | null;
  lastPolledAt: string | null;
  nextPollAt: string;
  /** The interval the feed is polled at now, and why (configured, busy feed, ttl, max-age, backoff…). */
  interval: IntervalInUse;
  consecutiveErrors: number;
  /** The last poll's error, for the operator only, with the URLs it quotes redacted. */
  lastError: string | null;
  /** Pushed by a WebSub hub (and still safety-polled) or polled only, and why (hub URL redacted). */
  delivery: FeedDeliveryView;
}

export interface OperatorStatusDeps {
  feeds: FeedStore;
  subscriptions: SubscriptionStore;
  topics: TopicStore;
  headlines: HeadlineStore;
  queueInspector?: QueueInspector;
  clock: Clock;
}

/** Stories listed per topic. */
export const STORIES_PER_TOPIC = 5;

/** Gathers the status: feeds and their health, queue and DLQ depths, recent stories by topic, subscriber counts. */
export async function describeOperatorStatus(deps: OperatorStatusDeps): Promise<OperatorStatus> {
  const [feeds, topics, subscribers, queues] = await Promise.all([
    deps.feeds.listFeeds(),
    listTopics(deps.topics),
    deps.subscriptions.listSubscribers(),
    readQueues(deps.queueInspector),
  ]);
  const byStatus: Record<SubscriptionStatus, number> = { pending: 0, active: 0, paused: 0, unsubscribed: 0 };
  for (const subscriber of subscribers) byStatus[subscriptionStatusOf(subscriber)] += 1;
  const stories = await Promise.all(topics.map((topic) => deps.headlines.listRecent(topic.id, STORIES_PER_TOPIC)));
  return {
    generatedAt: deps.clock.now().toISOString(),
    feeds: feedHealthOf(feeds, deps.clock.now()),
    queues,
    topics: topics.map((topic, i) => ({ topicId: topic.id, label: topic.label, stories: stories[i] ?? [] })),
    subscribers: { total: subscribers.length, byStatus },
  };
}

/** Feeds with their health, failing ones first. */
export function feedHealthOf(feeds: readonly FeedRecord[], now: Date): FeedHealth[] {
  return feeds
    .map(
      (feed): FeedHealth => ({
        feedId: feed.feedId,
        title: feed.title ?? null,
        url: redactUrl(feed.url),
        status: feed.consecutiveErrors > 0 ? 'failing' : feed.lastPolledAt ? 'ok' : 'never-polled',
        lastSuccessAt: feed.lastSuccessAt ?? null,
        lastPolledAt: feed.lastPolledAt ?? null,
        nextPollAt: feed.nextPollAt,
        interval: intervalInUseOf(feed),
        consecutiveErrors: feed.consecutiveErrors,
        lastError: feed.lastError === undefined ? null : redactUrlsIn(feed.lastError),
        delivery: deliveryOf(feed, now),
      }),
    )
    .sort((a, b) => b.consecutiveErrors - a.consecutiveErrors || a.feedId.localeCompare(b.feedId));
}

function deliveryOf(feed: FeedRecord, now: Date): FeedDeliveryView {
  const view = describeFeedDelivery(feed, now);
  return { ...view, hub: view.hub === null ? null : redactUrl(view.hub) };
}

async function readQueues(inspector: QueueInspector | undefined): Promise<OperatorStatus['queues']> {
  if (!inspector) return null;
  try {
    return await inspector.depths();
  } catch (error) {
    return { error: redactUrlsIn(error instanceof Error ? error.message : String(error)) };
  }
}
