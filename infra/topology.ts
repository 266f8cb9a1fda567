/**
 * The one description of the pipeline's topology. The CDK stack (`infra/aws`) and the
 * one-process runtime (`infra/local`) are both built from this object, and
 * `test/infra/topology-equality.test.ts` holds the synthesized template and the local runtime
 * equal to it. Change the pipeline's shape here, nowhere else.
 */

import type { FunctionName, QueueName, SecretName, TableName } from '../shared/core/resource-names.ts';

export type { FunctionName, QueueName, SecretName, TableName };

/** SES feedback a function can be told of: hard and soft bounces, spam complaints. */
export type EmailFeedbackEvent = 'bounce' | 'complaint';

export interface QueueSpec {
  /** Seconds a received message stays hidden; must be at least the consumer's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the queue's dead-letter queue. */
  maxReceiveCount: number;
  /** How long the dead-letter queue keeps a message (the SQS maximum: 14 days). */
  dlqRetentionSeconds: number;
}

export type Trigger =
  | { kind: 'schedule'; everyMinutes: number }
  | {
      kind: 'queue';
      queue: QueueName;
      batchSize: number;
      maxBatchingWindowSeconds: number;
      /**
       * Most invocations the SQS event source runs at once (Lambda's `ScalingConfig`, 2–1000).
       * A deployment may change it (`-c maxConcurrency.<queue>=N`). The local runtime runs one
       * batch at a time per queue, which is within every cap.
       */
      maxConcurrency: number;
    }
  | { kind: 'http' }
  /**
   * SES feedback on the emails sent with the stack's configuration set: in AWS an event
   * destination publishes these events to an SNS topic the function subscribes to (retried by
   * Lambda, then its own dead-letter queue); locally `LocalRuntime.deliverEmailFeedback`.
   */
  | { kind: 'email-feedback'; events: EmailFeedbackEvent[] };

export interface FunctionSpec {
  /** Path of the handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  trigger: Trigger;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Concurrency reserved for the function (and its ceiling): a burst elsewhere in the account
   * cannot take it away. A deployment may change it (`-c reservedConcurrency.<function>=N|none`).
   */
  reservedConcurrency?: number;
  /** What the function may touch; the CDK stack grants exactly this, nothing more. */
  access: {
    tables: Partial<Record<TableName, 'read' | 'write' | 'readwrite'>>;
    sendsTo: QueueName[];
    sendsEmail?: boolean;
    /** Queues whose depths (and their DLQs' depths) it reads: GetQueueAttributes only. */
    inspectsQueues?: QueueName[];
    /**
     * Queues whose dead letters it moves back (the operator's redrive): on the DLQ
     * StartMessageMoveTask, ReceiveMessage and DeleteMessage; on the queue SendMessage and
     * GetQueueAttributes (its ARN and RedrivePolicy). The DLQ's depth needs `inspectsQueues`.
     */
    redrivesQueues?: QueueName[];
    /**
     * Generated secrets it reads at run time: its environment carries each one's ARN (never the
     * value), and its role may GetSecretValue on exactly these.
     */
    secrets?: SecretName[];
    /**
     * Queues whose dead-letter queue it sends to directly (SendMessage on that DLQ only, its URL
     * in the environment): its consumer dead-letters at once what no retry can help.
     */
    sendsToDeadLetter?: QueueName[];
  };
}

export interface TableSpec {
  partitionKey: string;
  sortKey?: string;
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL in AWS, a sweeper locally. */
  ttlAttribute?: string;
  /** Durable tables get point-in-time recovery; ephemeral ones (TTL'd markers) do not. */
  durable: boolean;
  indexes: { name: string; partitionKey: string; sortKey?: string }[];
}

export interface Topology {
  queues: Record<QueueName, QueueSpec>;
  functions: Record<FunctionName, FunctionSpec>;
  tables: Record<TableName, TableSpec>;
}

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

export const topology: Topology = {
  queues: {
    // AWS recommends a visibility timeout of six times the consumer's timeout, so a retry never
    // overlaps a still-running invocation.
    poll: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, dlqRetentionSeconds: FOURTEEN_DAYS },
    // New items of one feed, from poll-feed to classify-items. A message whose feed another run
    // holds comes back after 30 s (`BUSY_RETRY_SECONDS`): ten receives outlast a crashed run's lease.
    items: { visibilityTimeoutSeconds: 360, maxReceiveCount: 10, dlqRetentionSeconds: FOURTEEN_DAYS },
    alert: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, dlqRetentionSeconds: FOURTEEN_DAYS },
    webhook: { visibilityTimeoutSeconds: 180, maxReceiveCount: 8, dlqRetentionSeconds: FOURTEEN_DAYS },
    email: { visibilityTimeoutSeconds: 180, maxReceiveCount: 8, dlqRetentionSeconds: FOURTEEN_DAYS },
    // Due digests (one message per channel), queued by send-digests for compose-digest.
    digest: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, dlqRetentionSeconds: FOURTEEN_DAYS },
  },
  functions: {
    'plan-polls': {
      entry: 'functions/plan-polls/handler.ts',
      trigger: { kind: 'schedule', everyMinutes: 1 },
      timeoutSeconds: 30,
      memoryMb: 256,
      access: { tables: { feeds: 'read' }, sendsTo: ['poll'] },
    },
    'poll-feed': {
      entry: 'functions/poll-feed/handler.ts',
      // 10 × 5 feeds = at most 50 fetches in flight: each is bounded in time and bytes, so that
      // polls well over a thousand feeds a minute, and no outlet sees more than its own feeds.
      trigger: { kind: 'queue', queue: 'poll', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
      timeoutSeconds: 60,
      memoryMb: 512,
      // Reads which items are done; classify-items marks them.
      access: { tables: { feeds: 'readwrite', items: 'read' }, sendsTo: ['items'] },
    },
    'classify-items': {
      entry: 'functions/classify-items/handler.ts',
      // One message is one feed's new items (most polls bring a few): 10 × 10 feeds' items at
      // once, the story and item tables' writes spread over as many feeds.
      trigger: { kind: 'queue', queue: 'items', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
      timeoutSeconds: 60,
      memoryMb: 512,
      access: { tables: { items: 'readwrite', topics: 'read', stories: 'readwrite' }, sendsTo: ['alert'] },
    },
    'fan-out': {
      entry: 'functions/fan-out/handler.ts',
      // Fan-out only reads subscriptions and queues deliveries; the delivery caps below are what
      // protect receivers. A large audience runs as one slice per subscriber shard (8), so 10
      // lets one alert's slices run at once while a burst of alerts cannot take the account.
      trigger: { kind: 'queue', queue: 'alert', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
      timeoutSeconds: 60,
      memoryMb: 256,
      // headlines: the recent stories by topic shown on the operator's status page.
      access: { tables: { subscriptions: 'read', digests: 'readwrite', headlines: 'write' }, sendsTo: ['alert', 'webhook', 'email'] },
    },
    'deliver-webhook': {
      entry: 'functions/deliver-webhook/handler.ts',
      // 4 × 10 = at most 40 POSTs in flight across every receiver, whatever the burst: a
      // subscriber's service never sees more at once, and at most 4 invocations wait on a Slack
      // lane (one message a second per webhook, paced through the deliveries table).
      trigger: { kind: 'queue', queue: 'webhook', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 4 },
      timeoutSeconds: 30,
      memoryMb: 256,
      // Writes subscriptions to pause a channel whose receiver is gone.
      access: { tables: { deliveries: 'readwrite', subscriptions: 'readwrite' }, sendsTo: [] },
    },
    'deliver-email': {
      entry: 'functions/deliver-email/handler.ts',
      // Sized to the SES sending rate: one email per invocation and 2 invocations (Lambda's
      // minimum cap) send about 2 / ~0.2 s ≈ 10 emails a second, under the 14/s an SES
      // production account starts with. Raise it with the account's rate (about 5/s per unit):
      // `-c maxConcurrency.email=N`. The SES sandbox allows 1/s: a burst there is throttled,
      // and throttling is retried (SDK, then the retry policy), so nothing is lost.
      trigger: { kind: 'queue', queue: 'email', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
      timeoutSeconds: 30,
      memoryMb: 256,
      // unsubscribe: keys the List-Unsubscribe links of every email. Its own DLQ: a mail setup
      // that refuses every send dead-letters the message at once.
      access: {
        tables: { deliveries: 'readwrite', subscriptions: 'readwrite' },
        sendsTo: [],
        sendsEmail: true,
        secrets: ['unsubscribe'],
        sendsToDeadLetter: ['email'],
      },
    },
    // Digests: every few minutes, queue one digest-due message per channel whose digest is due
    // (the due index, read shard by shard in parallel; no count per run) ...
    'send-digests': {
      entry: 'functions/send-digests/handler.ts',
      trigger: { kind: 'schedule', everyMinutes: 5 },
      timeoutSeconds: 60,
      memoryMb: 256,
      // digests: reads the due index, and leases each head it queues.
      access: { tables: { digests: 'readwrite' }, sendsTo: ['digest'] },
    },
    // ... and compose each into its email: as many at once as this cap, so digests scale with
    // consumers, not with a number per run (deliver-email's cap paces the sending itself).
    'compose-digest': {
      entry: 'functions/compose-digest/handler.ts',
      trigger: { kind: 'queue', queue: 'digest', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
      timeoutSeconds: 60,
      memoryMb: 256,
      // stories: each story's members as of sending ("also reported by").
      access: { tables: { digests: 'readwrite', subscriptions: 'read', stories: 'read' }, sendsTo: ['email'] },
    },
    'http-api': {
      entry: 'functions/http-api/handler.ts',
      trigger: { kind: 'http' },
      timeoutSeconds: 10,
      memoryMb: 256,
      // Reserved so that no burst of alerts (or anything else in the account) can starve
      // subscribing and unsubscribing; also its ceiling. A request takes ~0.1 s (a few DynamoDB
      // calls), so 10 serve ~100 requests a second, far above a subscription form's traffic.
      reservedConcurrency: 10,
      // subscriptions: the one-click unsubscribe (RFC 8058) writes the channel's status; the
      // subscribe pages and API write subscribers. ratelimits: per-address and per-recipient
      // counters. Email: confirmation links. Queue depths: the operator's status page. feeds and
      // poll: the WebSub callback records verifications and pushes, and hands a push to poll-feed.
      access: {
        tables: { feeds: 'readwrite', topics: 'read', subscriptions: 'readwrite', ratelimits: 'readwrite', headlines: 'read' },
        // poll: the operator's "poll now" (POST /api/admin/feeds/{id}/poll) queues a poll.
        sendsTo: ['poll'],
        sendsEmail: true,
        // Every queue: the status page reads them all, and a redrive may name any.
        inspectsQueues: ['poll', 'items', 'alert', 'webhook', 'email', 'digest'],
        // The operator's redrive (POST /api/admin/redrive).
        redrivesQueues: ['poll', 'items', 'alert', 'webhook', 'email', 'digest'],
        // unsubscribe: keys unsubscribe/manage/confirm/CSRF tokens; subscriber-id: ids of email
        // subscribers; admin: the operator's token.
        secrets: ['unsubscribe', 'subscriber-id', 'admin'],
      },
    },
    // SES bounces and complaints: a permanent bounce or a complaint pauses the email channel.
    'handle-email-feedback': {
      entry: 'functions/handle-email-feedback/handler.ts',
      trigger: { kind: 'email-feedback', events: ['bounce', 'complaint'] },
      timeoutSeconds: 30,
      memoryMb: 256,
      access: { tables: { subscriptions: 'readwrite' }, sendsTo: [] },
    },
  },
  tables: {
    // The sparse index `byDue` (shard of the feed id, next poll time) lets plan-polls Query the
    // due feeds shard by shard, in parallel, and never scan; disabled feeds leave it.
    feeds: { partitionKey: 'feedId', durable: true, indexes: [{ name: 'byDue', partitionKey: 'dueShard', sortKey: 'nextPollAt' }] },
    topics: { partitionKey: 'topicId', durable: true, indexes: [] },
    // One row per (topic, subscriber) so fan-out finds a topic's subscribers with a Query. A
    // topic's rows are spread over shards by the subscriber id's hash (`topicId` holds `<topic>`
    // for shard 0 and every row written before sharding, `<topic>#<n>` for shard n), so one
    // alert's fan-out runs as parallel slices, one per shard, each on its own partition.
    subscriptions: {
      partitionKey: 'topicId',
      sortKey: 'subscriberId',
      // Set only on subscribers pending confirmation: unconfirmed ones go away on their own.
      ttlAttribute: 'expiresAt',
      durable: true,
      indexes: [{ name: 'bySubscriber', partitionKey: 'subscriberId', sortKey: 'topicId' }],
    },
    // Seen-item markers: exact dedup by conditional write, expired after the retention window.
    items: { partitionKey: 'itemKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
    // Delivery markers: the idempotency key (subscriber, story, channel) of every delivery.
    deliveries: { partitionKey: 'deliveryKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
    // Digest entries (one row per story waiting in a channel's digest) and one head row per
    // channel with a digest pending; the sparse index finds the due heads without a scan.
    // Entries of a channel that never sends expire.
    digests: {
      partitionKey: 'digestKey',
      sortKey: 'entryKey',
      ttlAttribute: 'expiresAt',
      durable: true,
      indexes: [{ name: 'byDue', partitionKey: 'dueShard', sortKey: 'dueAt' }],
    },
    // Rate-limit counters of the HTTP API (one row per key and window), gone after the window.
    ratelimits: { partitionKey: 'limitKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
    // Recent alerted stories per topic (newest first by sort key), for the status page; a week.
    headlines: { partitionKey: 'topicId', sortKey: 'seenKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
    // Stories (near-duplicates across feeds): one row per story (members, fingerprints, alerted
    // topics) and one per lookup key and day (the stories listed under it). Rows are read by key
    // with BatchGetItem only, so no sort key or index; both kinds expire.
    stories: { partitionKey: 'storyKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
  },
};
