/**
 * The one description of the pipeline's topology. The CDK stack (`infra/aws`) and the
 * one-process runtime (`infra/local`) are both built from this object, and
 * `test/infra/topology-equality.test.ts` holds the synthesized template and the local runtime
 * equal to it. Change the pipeline's shape here, nowhere else.
 */

export type QueueName = 'poll' | 'alert' | 'webhook' | 'email';
export type TableName = 'feeds' | 'items' | 'subscriptions' | 'deliveries' | 'topics';
export type FunctionName =
  | 'plan-polls'
  | 'poll-feed'
  | 'fan-out'
  | 'deliver-webhook'
  | 'deliver-email'
  | 'http-api';

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
  | { kind: 'queue'; queue: QueueName; batchSize: number; maxBatchingWindowSeconds: number }
  | { kind: 'http' };

export interface FunctionSpec {
  /** Path of the handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  trigger: Trigger;
  timeoutSeconds: number;
  memoryMb: number;
  /** What the function may touch; the CDK stack grants exactly this, nothing more. */
  access: {
    tables: Partial<Record<TableName, 'read' | 'write' | 'readwrite'>>;
    sendsTo: QueueName[];
    sendsEmail?: boolean;
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
    alert: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, dlqRetentionSeconds: FOURTEEN_DAYS },
    webhook: { visibilityTimeoutSeconds: 180, maxReceiveCount: 8, dlqRetentionSeconds: FOURTEEN_DAYS },
    email: { visibilityTimeoutSeconds: 180, maxReceiveCount: 8, dlqRetentionSeconds: FOURTEEN_DAYS },
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
      trigger: { kind: 'queue', queue: 'poll', batchSize: 5, maxBatchingWindowSeconds: 0 },
      timeoutSeconds: 60,
      memoryMb: 512,
      access: { tables: { feeds: 'readwrite', items: 'readwrite', topics: 'read' }, sendsTo: ['alert'] },
    },
    'fan-out': {
      entry: 'functions/fan-out/handler.ts',
      trigger: { kind: 'queue', queue: 'alert', batchSize: 10, maxBatchingWindowSeconds: 0 },
      timeoutSeconds: 60,
      memoryMb: 256,
      access: { tables: { subscriptions: 'read' }, sendsTo: ['alert', 'webhook', 'email'] },
    },
    'deliver-webhook': {
      entry: 'functions/deliver-webhook/handler.ts',
      trigger: { kind: 'queue', queue: 'webhook', batchSize: 10, maxBatchingWindowSeconds: 0 },
      timeoutSeconds: 30,
      memoryMb: 256,
      access: { tables: { deliveries: 'readwrite', subscriptions: 'read' }, sendsTo: [] },
    },
    'deliver-email': {
      entry: 'functions/deliver-email/handler.ts',
      trigger: { kind: 'queue', queue: 'email', batchSize: 10, maxBatchingWindowSeconds: 0 },
      timeoutSeconds: 30,
      memoryMb: 256,
      access: { tables: { deliveries: 'readwrite', subscriptions: 'read' }, sendsTo: [], sendsEmail: true },
    },
    'http-api': {
      entry: 'functions/http-api/handler.ts',
      trigger: { kind: 'http' },
      timeoutSeconds: 10,
      memoryMb: 256,
      access: { tables: { feeds: 'read', topics: 'read' }, sendsTo: [] },
    },
  },
  tables: {
    feeds: { partitionKey: 'feedId', durable: true, indexes: [] },
    topics: { partitionKey: 'topicId', durable: true, indexes: [] },
    // One row per (topic, subscriber) so fan-out finds a topic's subscribers with a Query.
    subscriptions: {
      partitionKey: 'topicId',
      sortKey: 'subscriberId',
      durable: true,
      indexes: [{ name: 'bySubscriber', partitionKey: 'subscriberId', sortKey: 'topicId' }],
    },
    // Seen-item markers: exact dedup by conditional write, expired after the retention window.
    items: { partitionKey: 'itemKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
    // Delivery markers: the idempotency key (subscriber, story, channel) of every delivery.
    deliveries: { partitionKey: 'deliveryKey', ttlAttribute: 'expiresAt', durable: false, indexes: [] },
  },
};
