import type { Env } from '../config/env.ts';
import type { Mailer } from '../mail/ports.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { DeliveryStore, FeedStore, SeenItemStore, SubscriptionStore, TopicStore } from '../store/ports.ts';
import type { Clock } from './clock.ts';
import type { EventSink } from './events.ts';
import type { Log } from './logger.ts';

/**
 * Everything a handler needs, chosen in one place (`createDeps`). Handlers receive this; domain
 * functions receive the subset they use.
 */
export interface Deps {
  env: Env;
  clock: Clock;
  log: Log;
  feeds: FeedStore;
  items: SeenItemStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  topics: TopicStore;
  queue: MessageQueue;
  mailer: Mailer;
  /** Where handlers report outcomes (feed polled, alert, delivered); logs in Lambda. */
  events: EventSink;
  /** Sends HTTP requests; `globalThis.fetch` unless a test or the local runtime injects one. */
  fetch: typeof globalThis.fetch;
}
