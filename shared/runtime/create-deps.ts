import type { Env } from '../config/env.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { combineEventSinks, type EventSink } from '../core/events.ts';
import { createLambdaLogger, type Log } from '../core/logger.ts';
import type { QueueName } from '../core/resource-names.ts';
import { MailSetupError } from '../mail/errors.ts';
import type { Mailer } from '../mail/ports.ts';
import { createSecretsManagerSource } from '../parameters/aws/secrets-manager-source.ts';
import { createSsmParameterReader } from '../parameters/aws/ssm-parameter.ts';
import type { SqsClient } from '../queue/sqs/sqs-client.ts';
import { createStaticSecretSource, type SecretSource } from '../parameters/secret-source.ts';
import { createDocumentClient, type DynamoDbClient } from '../store/dynamodb/index.ts';
import type { Deps } from './deps.ts';
import { createLazyQueueAdapters } from './lazy-queue-adapters.ts';
import { createLogEventSink } from './log-event-sink.ts';
import { createMetricsEventSink } from './metrics-event-sink.ts';
import { PipelineMetrics } from './pipeline-metrics.ts';
import { buildStores, type StoreFactories } from './store-factories.ts';

export interface CreateDepsOptions {
  /**
   * The stores the function uses, by table (`store-factories.ts`): only these adapters go into
   * its bundle, and a store left out refuses every call. `everyStore` for all of them.
   */
  stores: StoreFactories;
  /** DynamoDB endpoint (dynalite, DynamoDB Local); the environment's, else AWS's for the region, when absent. */
  dynamodbEndpoint?: string;
  /** SQS endpoint (fauxqs); the environment's, else each queue URL's origin, when absent. */
  sqsEndpoint?: string;
  /**
   * Ready clients to use instead of new ones (the local runtime's, wired to its embedded engines
   * in process); the endpoints above still say which engines they reach.
   */
  clients?: { dynamodb?: DynamoDbClient; sqs?: SqsClient };
  /** Region for every client; AWS_REGION when absent. */
  region?: string;
  /** Static credentials for every client (emulators accept any); the environment's when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  log?: Log;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  events?: EventSink;
  /** The mail transport; none (every send refused) when absent: `createMailingDeps` picks it from the env. */
  mailer?: Mailer;
  /** The secrets' values (the local runtime's data folder, tests); Secrets Manager by the env's ARNs when absent. */
  secrets?: SecretSource;
}

/** Region and credentials shared by every client; the SDK's own chain for what is absent. */
type ClientSettings = Pick<CreateDepsOptions, 'region' | 'credentials'>;

/**
 * Builds every dependency a handler needs: the one place that chooses adapters. Call it once
 * per cold start (handlers do, lazily); the AWS clients it creates are reused by every event.
 * In Lambda, pass only the function's stores: the clients take region, credentials and endpoint
 * from the environment (`AWS_ENDPOINT_URL` under LocalStack). The local runtime and tests pass
 * every store, endpoints of the embedded engines and their own log, clock, events and mailer. Unless
 * POWERTOOLS_METRICS_DISABLED is true, the events also feed the handlers' metrics.
 *
 * No mail transport unless `options.mailer`: the functions that send mail (and the one-process
 * runtime) build through `createMailingDeps`, so the others' bundles carry no mail code.
 */
export function createDeps(env: Env, options: CreateDepsOptions): Deps {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLambdaLogger(env.POWERTOOLS_SERVICE_NAME, env.LOG_LEVEL).log;
  const common: ClientSettings = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };

  // Our own DynamoDB client (signed JSON over HTTPS), not the SDK's: a fraction of its import and per-request cost.
  const dynamodb = options.clients?.dynamodb ?? createDocumentClient({ ...common, endpoint: options.dynamodbEndpoint });

  const queueUrls: Record<QueueName, string> = {
    poll: env.QUEUE_POLL_URL,
    items: env.QUEUE_ITEMS_URL,
    alert: env.QUEUE_ALERT_URL,
    webhook: env.QUEUE_WEBHOOK_URL,
    email: env.QUEUE_EMAIL_URL,
    digest: env.QUEUE_DIGEST_URL,
  };
  const stores = buildStores(
    dynamodb,
    options.stores,
    {
      feeds: env.TABLE_FEEDS,
      items: env.TABLE_ITEMS,
      stories: env.TABLE_STORIES,
      subscriptions: env.TABLE_SUBSCRIPTIONS,
      deliveries: env.TABLE_DELIVERIES,
      topics: env.TABLE_TOPICS,
      digests: env.TABLE_DIGESTS,
      ratelimits: env.TABLE_RATELIMITS,
      headlines: env.TABLE_HEADLINES,
    },
    clock,
  );

  // Metrics ride on the events: every outcome reported is also counted, with no second call site.
  const metrics = env.POWERTOOLS_METRICS_DISABLED ? undefined : new PipelineMetrics({ serviceName: env.POWERTOOLS_SERVICE_NAME, log });
  const reported = options.events ?? createLogEventSink(log);
  const events = metrics ? combineEventSinks(reported, createMetricsEventSink(metrics, { clock, log })) : reported;

  return {
    env,
    clock,
    log,
    feeds: stores.feeds,
    items: stores.items,
    stories: stores.stories,
    subscriptions: stores.subscriptions,
    deliveries: stores.deliveries,
    topics: stores.topics,
    digests: stores.digests,
    rateLimits: stores.ratelimits,
    headlines: stores.headlines,
    // The SQS client (ours, on the same signed transport as DynamoDB's) and adapters load at the
    // first queue call (most invocations of some functions send nothing).
    ...createLazyQueueAdapters(async () => {
      const [{ createSqsClient }, { createQueueAdapters }] = await Promise.all([
        import('../queue/sqs/sqs-client.ts'),
        import('../queue/sqs/queue-adapters.ts'),
      ]);
      const sqs = options.clients?.sqs ?? createSqsClient({ ...common, endpoint: options.sqsEndpoint });
      // SQS's own move task in AWS/LocalStack; an explicit endpoint is fauxqs, which lacks it.
      return createQueueAdapters(sqs, queueUrls, {
        useMoveTask: !options.sqsEndpoint,
        ...(env.QUEUE_EMAIL_DLQ_URL ? { deadLetterUrls: { email: env.QUEUE_EMAIL_DLQ_URL } } : {}),
      });
    }),
    mailer: options.mailer ?? noMailTransport,
    secrets: options.secrets ?? createSecretSource(env, common),
    publicBaseUrl: createPublicBaseUrlReader(env, common),
    events,
    ...(metrics ? { metrics } : {}),
    // Read at the call: `globalThis.fetch` is a getter that loads Node's bundled undici, which a
    // function that fetches nothing, or only through the SSRF guard's client, never needs.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
}

/** The mailer of a function that sends no mail: a send is a setup fault, never retried. */
const noMailTransport: Mailer = {
  async send(email) {
    throw new MailSetupError(`mail send refused: this function has no mail transport (message ${email.messageId})`, {
      code: 'NoMailTransport',
    });
  },
};

/** Secrets Manager when the environment names any secret ARN; otherwise a source with none. */
function createSecretSource(env: Env, clientConfig: ClientSettings): SecretSource {
  const arns = {
    unsubscribe: env.UNSUBSCRIBE_SECRET_ARN,
    'subscriber-id': env.SUBSCRIBER_ID_SECRET_ARN,
    admin: env.ADMIN_TOKEN_SECRET_ARN,
  };
  const given = Object.fromEntries(Object.entries(arns).filter(([, arn]) => arn !== undefined));
  if (Object.keys(given).length === 0) return createStaticSecretSource({});
  return createSecretsManagerSource({ arns: given, maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS, clientConfig });
}

/** `PUBLIC_BASE_URL` as is, else the SSM parameter it names (cached like the secrets), else none. */
function createPublicBaseUrlReader(env: Env, clientConfig: ClientSettings): () => Promise<string | undefined> {
  if (env.PUBLIC_BASE_URL !== undefined) {
    const base = env.PUBLIC_BASE_URL;
    return async () => base;
  }
  const name = env.PUBLIC_BASE_URL_PARAMETER;
  if (name === undefined) return async () => undefined;
  const read = createSsmParameterReader({ maxAgeSeconds: env.SECRETS_MAX_AGE_SECONDS, clientConfig });
  return () => read(name);
}
