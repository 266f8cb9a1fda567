/**
 * The `Env` of one-process mode: the same variables the CDK stack sets on each function, built
 * in memory from the local tables and queues and validated by the one env schema.
 */
import { envSchema, type Env, type EnvInput } from '../../shared/config/env.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import { topology, type QueueName, type TableName } from '../topology.ts';
import type { ProvisionedQueues, ProvisionedTables } from './provision.ts';

/** The variable holding a table's name; a topology table without one fails to compile. */
export function tableEnvName(table: TableName): keyof EnvInput {
  return `TABLE_${table.toUpperCase()}` as `TABLE_${Uppercase<TableName>}`;
}

/** The variable holding a queue's URL; a topology queue without one fails to compile. */
export function queueEnvName(queue: QueueName): keyof EnvInput {
  return `QUEUE_${queue.toUpperCase()}_URL` as `QUEUE_${Uppercase<QueueName>}_URL`;
}

/**
 * The variable holding the URL of a queue's dead-letter queue, for a queue some function sends
 * dead letters to directly (`access.sendsToDeadLetter`); a ConfigError if the env schema has none.
 */
export function deadLetterQueueEnvName(queue: QueueName): keyof EnvInput {
  const name = `QUEUE_${queue.toUpperCase()}_DLQ_URL`;
  if (!(name in envSchema.shape)) {
    throw new ConfigError(`local environment is invalid: the env schema has no ${name} (queue ${queue} in access.sendsToDeadLetter)`);
  }
  return name as keyof EnvInput;
}

export interface LocalEnvInput {
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  mailTransport?: 'outbox' | 'smtp';
  smtpUrl?: string;
  outboxDir: string;
  mailFrom?: string;
  publicBaseUrl: string;
  allowPrivateNetwork?: boolean;
  /**
   * Publish the handlers' metrics (EMF lines on stdout, as in Lambda). Off by default: on a
   * terminal they are noise, and no CloudWatch reads them.
   */
  metrics?: boolean;
  /** Any other variable (LOG_LEVEL, ITEM_RETENTION_DAYS …); applied last. */
  overrides?: Partial<EnvInput>;
}

export const defaultLocalMailFrom = 'News Alerts <news-alerts@localhost>';

/** Builds and validates the local `Env`; a bad value is named in the `ConfigError`. */
export function buildLocalEnv(input: LocalEnvInput): Env {
  const mailTransport = input.mailTransport ?? (input.smtpUrl ? 'smtp' : 'outbox');
  if (mailTransport === 'smtp' && !input.smtpUrl) {
    throw new ConfigError('local environment is invalid: mail transport smtp needs an SMTP URL (smtpUrl)');
  }
  const raw: Record<string, unknown> = {
    MAIL_TRANSPORT: mailTransport,
    MAIL_FROM: input.mailFrom ?? defaultLocalMailFrom,
    SMTP_URL: input.smtpUrl,
    OUTBOX_DIR: input.outboxDir,
    PUBLIC_BASE_URL: input.publicBaseUrl,
    ALLOW_PRIVATE_NETWORK: input.allowPrivateNetwork ? 'true' : 'false',
    POWERTOOLS_METRICS_DISABLED: input.metrics ? 'false' : 'true',
  };
  for (const [table, name] of Object.entries(input.tables) as [TableName, string][]) raw[tableEnvName(table)] = name;
  for (const [queue, provisioned] of Object.entries(input.queues) as [QueueName, { url: string; dlqUrl?: string }][]) {
    raw[queueEnvName(queue)] = provisioned.url;
  }
  // The DLQs functions send to directly, as the topology grants (one env for all functions here).
  for (const queue of new Set(Object.values(topology.functions).flatMap((spec) => spec.access.sendsToDeadLetter ?? []))) {
    raw[deadLetterQueueEnvName(queue)] = input.queues[queue]?.dlqUrl;
  }
  const result = envSchema.safeParse({ ...raw, ...input.overrides });
  if (!result.success) {
    throw new ConfigError(`local environment is invalid: ${formatZodIssues(result.error.issues)}`);
  }
  return result.data;
}
