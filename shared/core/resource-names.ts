/**
 * Names of the pipeline's resources: queues, tables, generated secrets and functions. The
 * topology (`infra/topology.ts`) describes each one; domain code and adapters name them by
 * these types without depending on the topology itself.
 */

export type QueueName = 'poll' | 'items' | 'alert' | 'webhook' | 'email' | 'digest';
export type TableName = 'feeds' | 'items' | 'subscriptions' | 'deliveries' | 'topics' | 'digests' | 'ratelimits' | 'headlines' | 'stories';
/**
 * Generated secrets a function may read at run time (Secrets Manager in AWS, the data folder in
 * one-process mode): `unsubscribe` keys the subscription tokens (rotatable: the previous key
 * still verifies), `subscriber-id` keys the subscriber ids derived from email addresses (never
 * rotated: ids must not change), `admin` is the operator's token.
 */
export type SecretName = 'unsubscribe' | 'subscriber-id' | 'admin';
export type FunctionName =
  | 'plan-polls'
  | 'poll-feed'
  | 'classify-items'
  | 'fan-out'
  | 'deliver-webhook'
  | 'deliver-email'
  | 'send-digests'
  | 'compose-digest'
  | 'http-api'
  | 'handle-email-feedback';
