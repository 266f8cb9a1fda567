import type { Clock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import type { FeedStore, SubscriptionStore, TopicStore } from '../store/ports.ts';
import { subscriberSchema } from '../store/records.ts';
import { type ConfigFile, subscriberFromConfig } from './config-file.ts';

export interface ApplyConfigPorts {
  feeds: FeedStore;
  subscriptions: SubscriptionStore;
  topics: TopicStore;
  clock: Clock;
}

/**
 * Writes a validated config file into the stores: feeds (keeping their poll state), user topics
 * and subscribers. Subscribers may only name topics that exist (built-in or in the file).
 */
export async function applyConfig(
  config: ConfigFile,
  ports: ApplyConfigPorts,
  knownTopicIds: readonly string[],
): Promise<{ feeds: number; topics: number; subscribers: number }> {
  const known = new Set(knownTopicIds);
  for (const subscriber of config.subscribers) {
    const unknown = subscriber.topics.filter((topic) => !known.has(topic));
    if (unknown.length > 0) {
      throw new ConfigError(
        `config file is invalid: subscriber "${subscriber.id}" names unknown topic "${unknown[0]}" (known topics: ${[...known].join(', ')})`,
      );
    }
  }
  const now = ports.clock.now();
  for (const feed of config.feeds) {
    await ports.feeds.upsertFeed(
      {
        feedId: feed.id,
        url: feed.url,
        title: feed.title,
        intervalMinutes: feed.intervalMinutes,
        maxIntervalMinutes: feed.maxIntervalMinutes,
        tags: feed.tags,
      },
      now,
    );
  }
  // Feeds from before the due index (not in this file too) join it, so the planner finds them.
  await ports.feeds.indexUnindexedFeeds();
  for (const topic of config.topics) {
    await ports.topics.putUserTopic(topic as { id: string } & Record<string, unknown>);
  }
  for (const subscriber of config.subscribers) {
    await ports.subscriptions.putSubscriber(subscriberSchema.parse(subscriberFromConfig(subscriber)));
  }
  return { feeds: config.feeds.length, topics: config.topics.length, subscribers: config.subscribers.length };
}
