import { systemClock, type Clock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import type { TableName } from '../core/resource-names.ts';
import {
  createDynamoDbDeliveryStore,
  createDynamoDbDigestStore,
  createDynamoDbFeedStore,
  createDynamoDbHeadlineStore,
  createDynamoDbRateLimitStore,
  createDynamoDbSeenItemStore,
  createDynamoDbStoryStore,
  createDynamoDbSubscriptionStore,
  createDynamoDbTopicStore,
  type DynamoDbClient,
} from '../store/dynamodb/index.ts';
import type {
  DeliveryStore,
  DigestStore,
  FeedStore,
  HeadlineStore,
  RateLimitStore,
  SeenItemStore,
  StoryStore,
  SubscriptionStore,
  TopicStore,
} from '../store/ports.ts';

/** The store over each table of the topology. */
export interface Stores {
  feeds: FeedStore;
  items: SeenItemStore;
  /** Stories (near-duplicates across feeds). */
  stories: StoryStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  topics: TopicStore;
  /** Stories waiting in digest channels (fan-out adds, send-digests sends). */
  digests: DigestStore;
  /** Counters behind the HTTP API's rate limits. */
  ratelimits: RateLimitStore;
  /** Recent alerted stories by topic (fan-out writes, the status page reads). */
  headlines: HeadlineStore;
}

/** Builds the store over one table (its physical name) on the shared DynamoDB client. */
export type StoreFactory<T extends TableName> = (client: DynamoDbClient, tableName: string, clock: Clock) => Stores[T];

/**
 * The stores a function uses, by table. Each factory is its own export so that a function's
 * bundle holds the adapters of its tables only: a handler names the tables its topology entry
 * grants (`infra/topology.ts`), and test/infra/bundles.test.ts holds the two equal.
 */
export type StoreFactories = { [T in TableName]?: StoreFactory<T> };

export const feedStore: StoreFactory<'feeds'> = (client, tableName) => createDynamoDbFeedStore({ client, tableName });
export const itemStore: StoreFactory<'items'> = (client, tableName, clock) => createDynamoDbSeenItemStore({ client, tableName, clock });
export const storyStore: StoreFactory<'stories'> = (client, tableName, clock) => createDynamoDbStoryStore({ client, tableName, clock });
export const subscriptionStore: StoreFactory<'subscriptions'> = (client, tableName) =>
  createDynamoDbSubscriptionStore({ client, tableName });
export const deliveryStore: StoreFactory<'deliveries'> = (client, tableName, clock) =>
  createDynamoDbDeliveryStore({ client, tableName, clock });
export const topicStore: StoreFactory<'topics'> = (client, tableName, clock) => createDynamoDbTopicStore({ client, tableName, clock });
export const digestStore: StoreFactory<'digests'> = (client, tableName, clock) => createDynamoDbDigestStore({ client, tableName, clock });
export const rateLimitStore: StoreFactory<'ratelimits'> = (client, tableName) => createDynamoDbRateLimitStore({ client, tableName });
export const headlineStore: StoreFactory<'headlines'> = (client, tableName, clock) =>
  createDynamoDbHeadlineStore({ client, tableName, clock });

/** Every store: the one-process runtime (all functions in one process), the CLI and tests. */
// A table added to the topology without its store here fails to compile.
export const everyStore: Required<StoreFactories> = {
  feeds: feedStore,
  items: itemStore,
  stories: storyStore,
  subscriptions: subscriptionStore,
  deliveries: deliveryStore,
  topics: topicStore,
  digests: digestStore,
  ratelimits: rateLimitStore,
  headlines: headlineStore,
};

/**
 * The stores `factories` builds over the tables (physical names), on one DynamoDB client; a
 * table without a factory gets a store that refuses every call (the function was granted no
 * access to it: in AWS the call would be denied).
 */
export function buildStores<T extends TableName>(
  client: DynamoDbClient,
  factories: StoreFactories,
  tables: Record<T, string>,
  clock: Clock,
): Pick<Stores, T> {
  const stores = {} as Record<T, unknown>;
  for (const [table, tableName] of Object.entries(tables) as [T, string][]) {
    const factory = factories[table] as StoreFactory<T> | undefined;
    stores[table] = factory ? factory(client, tableName, clock) : refusingStore(table);
  }
  return stores as Pick<Stores, T>;
}

/**
 * The stores over the given tables (physical names), on one DynamoDB client: the adapters
 * createDeps builds, for tools that work on a few tables of a deployment (the CLI's operator
 * commands), so the choice of adapter stays here.
 */
export function createStores<T extends TableName>(
  client: DynamoDbClient,
  tables: Record<T, string>,
  clock: Clock = systemClock,
): Pick<Stores, T> {
  return buildStores(client, everyStore, tables, clock);
}

/** A store whose every method rejects: what a function gets for a table it has no access to. */
function refusingStore(table: TableName): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        // Not a thenable, nor anything else a caller probes for by symbol.
        if (typeof property === 'symbol' || property === 'then') return undefined;
        return async () => {
          throw new ConfigError(`store call refused: this function has no store over table ${table} (${String(property)})`);
        };
      },
    },
  ) as never;
}
