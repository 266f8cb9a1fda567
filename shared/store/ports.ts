import type { FeedRecord, Subscriber } from './records.ts';

/**
 * Storage ports. Domain code receives these as arguments and never imports `@aws-sdk/*`; the
 * DynamoDB adapters in `shared/store/dynamodb/` implement them (against AWS, LocalStack,
 * dynalite or DynamoDB Local alike).
 */

export interface FeedStore {
  /** Feeds whose `nextPollAt` is at or before `now`, at most `limit`. */
  listDueFeeds(now: Date, limit: number): Promise<FeedRecord[]>;
  listFeeds(): Promise<FeedRecord[]>;
  getFeed(feedId: string): Promise<FeedRecord | undefined>;
  /** Inserts or replaces the feed's definition (url, title, interval), keeping its poll state. */
  upsertFeed(feed: Pick<FeedRecord, 'feedId' | 'url' | 'title' | 'intervalMinutes'>, now: Date): Promise<void>;
  removeFeed(feedId: string): Promise<void>;
  /**
   * Moves `nextPollAt` forward only if it still equals `expectedNextPollAt`, so two planners
   * running at once enqueue a feed once. Returns false when another planner won.
   */
  claimPoll(feedId: string, expectedNextPollAt: string, nextPollAt: string): Promise<boolean>;
  recordPollSuccess(
    feedId: string,
    outcome: { at: string; etag?: string; lastModified?: string; title?: string },
  ): Promise<void>;
  recordPollFailure(feedId: string, outcome: { at: string; error: string; nextPollAt: string }): Promise<void>;
}

/** Outcome of claiming an item key: new, already fully handled, or left pending by a crash. */
export type ItemClaim = 'new' | 'done' | 'pending';

export interface SeenItemStore {
  /** Which of these keys are already recorded (and whether done); batched reads, no writes. */
  findSeen(itemKeys: string[]): Promise<Map<string, 'done' | 'pending'>>;
  /** Conditional write (`attribute_not_exists`): records the key as pending if it is new. */
  claim(itemKey: string, expiresAt: number): Promise<ItemClaim>;
  /** Marks the key done once its alert is durably queued. */
  markDone(itemKey: string): Promise<void>;
}

export interface SubscriberPage {
  subscribers: Subscriber[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface SubscriptionStore {
  /** Writes the subscriber's rows (one per topic) and removes rows for topics it left. */
  putSubscriber(subscriber: Subscriber): Promise<void>;
  removeSubscriber(subscriberId: string): Promise<boolean>;
  getSubscriber(subscriberId: string): Promise<Subscriber | undefined>;
  listSubscribers(): Promise<Subscriber[]>;
  /** One page of a topic's subscribers, by Query on the topic's partition. */
  pageByTopic(topicId: string, options: { cursor?: string; limit: number }): Promise<SubscriberPage>;
}

/** Outcome of starting a delivery: new, already sent, or started earlier and not confirmed. */
export type DeliveryClaim = 'new' | 'sent' | 'in-progress';

export interface DeliveryStore {
  /** Conditional write of the delivery's idempotency key. */
  begin(deliveryKey: string, expiresAt: number): Promise<DeliveryClaim>;
  markSent(deliveryKey: string, detail: { at: string; status?: number }): Promise<void>;
  /** Records a permanent failure (no retry will help), so nothing is dropped silently. */
  markFailed(deliveryKey: string, detail: { at: string; error: string }): Promise<void>;
}

export interface TopicStore {
  /** User-defined topics (raw topic-file objects, validated by the classifier's schema). */
  listUserTopics(): Promise<unknown[]>;
  putUserTopic(topic: { id: string } & Record<string, unknown>): Promise<void>;
}
