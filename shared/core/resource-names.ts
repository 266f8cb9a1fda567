/**
 * Names of the pipeline's resources: queues, tables, generated secrets and functions. The
 * topology (`infra/topology.ts`) describes each one; domain code and adapters name them by
 * these types without depending on the topology itself.
 */

export type QueueName = 'poll' | 'alert' | 'webhook' | 'email';
export type TableName = 'feeds' | 'items' | 'subscriptions' | 'deliveries' | 'topics' | 'digests' | 'ratelimits' | 'headlines' | 'stories';
/** Generated secrets a function may be given (`unsubscribe`: UNSUBSCRIBE_SECRET, `admin`: ADMIN_TOKEN). */
export type SecretName = 'unsubscribe' | 'admin';
export type FunctionName =
  | 'plan-polls'
  | 'poll-feed'
  | 'fan-out'
  | 'deliver-webhook'
  | 'deliver-email'
  | 'send-digests'
  | 'http-api'
  | 'handle-email-feedback';
