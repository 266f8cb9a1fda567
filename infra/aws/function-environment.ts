/**
 * The environment every function gets: exactly the variables of `shared/config/env.ts` the
 * stack can fill, so `readEnv()` in a handler validates what CDK set and nothing else leaks in.
 */
import { envVariableNames, type Env } from '../../shared/config/env.ts';
import type { QueueName, SecretName, TableName } from '../topology.ts';
import type { DeploymentSettings } from './deployment-settings.ts';

type EnvName = keyof Env;

/** `feeds` → `TABLE_FEEDS`; fails if the env schema has no such variable (a contract drift). */
export function tableEnvName(table: TableName): EnvName {
  return checkedEnvName(`TABLE_${table.toUpperCase()}`, `table ${table}`);
}

/** `poll` → `QUEUE_POLL_URL`; fails if the env schema has no such variable. */
export function queueUrlEnvName(queue: QueueName): EnvName {
  return checkedEnvName(`QUEUE_${queue.toUpperCase()}_URL`, `queue ${queue}`);
}

/** `email` → `QUEUE_EMAIL_DLQ_URL`, for a function that dead-letters directly; fails if the schema has none. */
export function deadLetterQueueUrlEnvName(queue: QueueName): EnvName {
  return checkedEnvName(`QUEUE_${queue.toUpperCase()}_DLQ_URL`, `dead-letter queue of ${queue}`);
}

/**
 * The variable holding each generated secret's ARN (the value itself is read at run time). The
 * order is the canonical order of secrets (the stack creates them in it, the template reading
 * lists them in it).
 */
export const secretEnvNames: Readonly<Record<SecretName, EnvName>> = {
  unsubscribe: checkedEnvName('UNSUBSCRIBE_SECRET_ARN', 'secret unsubscribe'),
  'subscriber-id': checkedEnvName('SUBSCRIBER_ID_SECRET_ARN', 'secret subscriber-id'),
  admin: checkedEnvName('ADMIN_TOKEN_SECRET_ARN', 'secret admin'),
};

export interface FunctionEnvironmentInput {
  /** Physical table names (tokens in CDK), by topology name. */
  tableNames: Record<TableName, string>;
  /** Queue URLs (tokens in CDK), by topology name. */
  queueUrls: Record<QueueName, string>;
  settings: DeploymentSettings;
  /** The `service` of every log line and metric (POWERTOOLS_SERVICE_NAME): the stack's name. */
  serviceName: string;
  /** Base of links in emails and payloads; omitted when no base is known. */
  publicBaseUrl?: string;
  /**
   * Name of the SSM parameter holding the base of links, for the function whose own URL it is
   * (a literal name, so the environment does not refer to the URL and no cycle arises).
   */
  secrets?: Partial<Record<SecretName, string>>;
  /** The SES configuration set, for a function that sends email. */
  sesConfigurationSet?: string;
  /** URLs of the dead-letter queues this function sends to directly (`access.sendsToDeadLetter`). */
  deadLetterQueueUrls?: Partial<Record<QueueName, string>>;
  publicBaseUrlParameter?: string;
  /** ARNs of the secrets this function reads at run time, by topology name; never their values. */
  secretArns?: Partial<Record<SecretName, string>>;
}

/**
 * The variables of one function. Every function gets every table and queue (the env schema
 * requires them all; IAM, not the environment, limits what a function may touch), plus the
 * mail sender and transport (with its SMTP server), the log level, the service name of logs and
 * metrics, private addresses when the deployment allows them (LocalStack only); and only the
 * ARNs of the secrets it reads (never their values), the configuration set and the dead-letter
 * queue URLs it was given.
 */
export function functionEnvironment(input: FunctionEnvironmentInput): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [table, name] of Object.entries(input.tableNames) as [TableName, string][]) {
    environment[tableEnvName(table)] = name;
  }
  for (const [queue, url] of Object.entries(input.queueUrls) as [QueueName, string][]) {
    environment[queueUrlEnvName(queue)] = url;
  }
  environment[checkedEnvName('MAIL_TRANSPORT', 'mail transport')] = input.settings.mailTransport;
  if (input.settings.smtpUrl !== undefined) environment[checkedEnvName('SMTP_URL', 'SMTP server')] = input.settings.smtpUrl;
  if (input.settings.allowPrivateNetwork) environment[checkedEnvName('ALLOW_PRIVATE_NETWORK', 'private addresses')] = 'true';
  environment[checkedEnvName('MAIL_FROM', 'mail sender')] = input.settings.mailFrom;
  environment[checkedEnvName('LOG_LEVEL', 'log level')] = input.settings.logLevel;
  environment[checkedEnvName('POWERTOOLS_SERVICE_NAME', 'service name')] = input.serviceName;
  if (input.publicBaseUrl !== undefined) {
    environment[checkedEnvName('PUBLIC_BASE_URL', 'public base URL')] = input.publicBaseUrl;
  }
  if (input.publicBaseUrlParameter !== undefined) {
    environment[checkedEnvName('PUBLIC_BASE_URL_PARAMETER', 'public base URL parameter')] = input.publicBaseUrlParameter;
  }
  for (const [secret, arn] of Object.entries(input.secretArns ?? {}) as [SecretName, string | undefined][]) {
    if (arn !== undefined) environment[secretEnvNames[secret]] = arn;
  }
  if (input.sesConfigurationSet !== undefined) {
    environment[checkedEnvName('SES_CONFIGURATION_SET', 'SES configuration set')] = input.sesConfigurationSet;
  }
  for (const [queue, url] of Object.entries(input.deadLetterQueueUrls ?? {}) as [QueueName, string | undefined][]) {
    if (url !== undefined) environment[deadLetterQueueUrlEnvName(queue)] = url;
  }
  return environment;
}

function checkedEnvName(name: string, what: string): EnvName {
  if (!(envVariableNames as string[]).includes(name)) {
    throw new Error(`function environment: the env schema has no variable ${name} (${what})`);
  }
  return name as EnvName;
}
