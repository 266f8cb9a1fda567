import * as z from '../core/zod.ts';
import { ConfigError } from '../core/errors.ts';
import { formatZodIssues } from '../core/validation-issues.ts';

/**
 * Every environment variable a handler reads, in one schema. The CDK stack sets exactly these
 * (test/infra checks it), and the local runtime builds the same object in memory.
 */
export const envSchema = z.object({
  TABLE_FEEDS: z.string().check(z.minLength(1)),
  TABLE_ITEMS: z.string().check(z.minLength(1)),
  TABLE_SUBSCRIPTIONS: z.string().check(z.minLength(1)),
  TABLE_DELIVERIES: z.string().check(z.minLength(1)),
  TABLE_TOPICS: z.string().check(z.minLength(1)),
  TABLE_DIGESTS: z.string().check(z.minLength(1)),
  TABLE_RATELIMITS: z.string().check(z.minLength(1)),
  TABLE_HEADLINES: z.string().check(z.minLength(1)),
  TABLE_STORIES: z.string().check(z.minLength(1)),
  QUEUE_POLL_URL: z.url(),
  QUEUE_ITEMS_URL: z.url(),
  QUEUE_ALERT_URL: z.url(),
  QUEUE_WEBHOOK_URL: z.url(),
  QUEUE_EMAIL_URL: z.url(),
  QUEUE_DIGEST_URL: z.url(),
  /**
   * The email queue's dead-letter queue: deliver-email moves a message there at once when no
   * retry can help (the mail setup refuses every send); unset, such a message is retried.
   */
  QUEUE_EMAIL_DLQ_URL: z.optional(z.url()),
  /** `ses` (SES v2) in AWS, `ses-raw` (SES v1 SendRawEmail, LocalStack's free edition), `smtp` (SMTP_URL), `outbox` writes files (one-process mode). */
  MAIL_TRANSPORT: z._default(z.enum(['ses', 'ses-raw', 'smtp', 'outbox']), 'ses'),
  MAIL_FROM: z.string().check(z.minLength(3)),
  /** SES configuration set of every send (reputation metrics, bounce and complaint events). */
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  SMTP_URL: z.optional(z.string()),
  OUTBOX_DIR: z.optional(z.string()),
  /** Base of links in emails and payloads (manage / unsubscribe pages). */
  PUBLIC_BASE_URL: z.optional(z.url()),
  /**
   * The SSM parameter holding the API's public base URL (its Function URL), read at cold start
   * when PUBLIC_BASE_URL is unset: a function cannot be given its own URL in its environment.
   */
  PUBLIC_BASE_URL_PARAMETER: z.optional(
    z.string().check(z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name starting with /')),
  ),
  /**
   * ARN of the Secrets Manager secret keying the subscription tokens (unsubscribe, manage,
   * confirm, CSRF), read at run time; without it emails carry no List-Unsubscribe and
   * subscribing is off.
   */
  UNSUBSCRIBE_SECRET_ARN: z.optional(secretArn()),
  /** ARN of the secret keying the ids of email subscribers, read at run time; never rotated. */
  SUBSCRIBER_ID_SECRET_ARN: z.optional(secretArn()),
  /** ARN of the secret holding the operator's token of the status page and admin API; unset, they are off. */
  ADMIN_TOKEN_SECRET_ARN: z.optional(secretArn()),
  /** Seconds a secret read from Secrets Manager is cached: a rotation takes effect within it. */
  SECRETS_MAX_AGE_SECONDS: z._default(z.coercedNumber().check(z.int(), z.minimum(1), z.maximum(3600)), 300),
  /** Days an item marker is kept: an item that reappears within it is not new. */
  ITEM_RETENTION_DAYS: z._default(z.coercedNumber().check(z.int(), z.minimum(1), z.maximum(3650)), 30),
  /** Time limit of one feed fetch (all redirects and the body), ms; 20 000 when unset. */
  FEED_TIMEOUT_MS: z.optional(z.coercedNumber().check(z.int(), z.minimum(1000), z.maximum(120_000))),
  /** Byte cap of one feed body after content decoding; 15 MiB when unset. */
  FEED_MAX_BYTES: z.optional(z.coercedNumber().check(z.int(), z.minimum(64 * 1024), z.maximum(100 * 1024 * 1024))),
  /** Allow feed and webhook URLs on loopback/private addresses: only for local fixtures. */
  ALLOW_PRIVATE_NETWORK: z.pipe(
    z._default(z.enum(['true', 'false']), 'false'),
    z.transform((v) => v === 'true'),
  ),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']), 'INFO'),
  /**
   * The `service` of every log line and metric (read by Powertools too): the stack sets its own
   * name, so each stage's metrics stay apart.
   */
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1), z.maxLength(255)), 'news-alerts'),
  /**
   * `true` turns the handlers' metrics off (read by Powertools too). Lambda leaves it unset;
   * one-process mode sets it unless metrics are asked for.
   */
  POWERTOOLS_METRICS_DISABLED: z.pipe(
    z._default(z.enum(['true', 'false']), 'false'),
    z.transform((v) => v === 'true'),
  ),
});

export type Env = z.infer<typeof envSchema>;

/** A Secrets Manager secret ARN (AWS or LocalStack): never the secret itself. */
function secretArn() {
  return z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, 'must be a Secrets Manager secret ARN'));
}
export type EnvInput = z.input<typeof envSchema>;

/** The names the CDK stack must set; derived from the schema so the two cannot drift. */
export const envVariableNames = Object.keys(envSchema.shape) as (keyof Env)[];

/** Reads and validates the environment; a bad or missing variable is named in the error. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const picked = Object.fromEntries(envVariableNames.map((name) => [name, source[name]]));
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(`environment is invalid: ${formatZodIssues(result.error.issues)}`);
  }
  return result.data;
}
