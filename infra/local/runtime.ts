/**
 * One-process mode: the pipeline's handlers in this process, driven the way AWS would drive
 * them, all wired from `infra/topology.ts`: embedded engines (dynalite, fauxqs) with the
 * topology's tables and queues, one long-poll loop per SQS trigger, timers for schedules, a
 * local HTTP server for the Function URL, and a sweeper standing in for DynamoDB TTL.
 */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent, SNSEvent } from 'aws-lambda';
import type { Env, EnvInput } from '../../shared/config/env.ts';
import { ConfigError, NewsAlertsError } from '../../shared/core/errors.ts';
import type { EventSink } from '../../shared/core/events.ts';
import { createConsoleLogger, type Log } from '../../shared/core/logger.ts';
import { createStaticSecretSource, type SecretValues } from '../../shared/parameters/secret-source.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import {
  topology,
  type EmailFeedbackEvent,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type SecretName,
  type TableName,
} from '../topology.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from './api-server.ts';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from './engines.ts';
import {
  createEventSourceLoop,
  type EventSourceLoop,
  type EventSourceLoopStats,
  type SqsBatchHandler,
} from './event-source-loop.ts';
import { createInvocationContext } from './invocation-context.ts';
import { buildLocalEnv } from './local-env.ts';
import { generateLocalSecrets, loadLocalSecrets } from './local-secret.ts';
import {
  createQueues,
  createTables,
  defaultResourcePrefix,
  localDeadLetterQueueName,
  type ProvisionedQueues,
  type ProvisionedTables,
} from './provision.ts';
import { countMessages, inspectMessages, type DeadLetter, type QueueDepth } from './queue-inspection.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { createTtlSweeper, type SweepResult, type TtlSweeper } from './ttl-sweeper.ts';

/**
 * Builds one function's Lambda handler: a handler module's `createHandler(deps)`, or a test's
 * stand-in. It may be async (importing a bundle) and may ignore `deps` for a handler that builds
 * its own from `process.env`, which `context` says how to point at this runtime's engines.
 */
export type HandlerFactory = (deps: Deps, context: HandlerFactoryContext) => unknown;

/** Where this runtime's engines and API listen, for handlers that are configured like Lambda's. */
export interface HandlerFactoryContext {
  /** `{ dynamodb, sqs }` endpoints of the embedded engines. */
  endpoints: { dynamodb: string; sqs: string };
  /** `http://127.0.0.1:<port>` of the local HTTP API (the Function URL's stand-in). */
  apiUrl: string;
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface LocalRuntimeOptions {
  /** Folder for the engines' data (`dynamodb/`, `sqs/`) and, by default, the outbox. */
  dataDir: string;
  /** Port of the local HTTP API on 127.0.0.1. Default 3000; 0 picks a free one (tests). */
  apiPort?: number;
  log?: Log;
  /** Where handlers report outcomes; log lines when absent. */
  events?: EventSink;
  /** The fetch handlers use (feeds, webhooks); `globalThis.fetch` when absent. */
  fetch?: typeof fetch;
  /** `outbox` (default unless smtpUrl is given) writes .eml/.html files; `smtp` sends. */
  mailTransport?: 'outbox' | 'smtp';
  smtpUrl?: string;
  /** Default `<dataDir>/outbox`. */
  outboxDir?: string;
  /** Lets feeds and webhooks on loopback/private addresses through: local fixtures only. */
  allowPrivateNetwork?: boolean;
  mailFrom?: string;
  /** Base of links in emails; the local API's URL when absent. */
  publicBaseUrl?: string;
  /** Run schedule triggers on timers. Default true; tests and the demo pass false and call `runSchedule`. */
  schedules?: boolean;
  /**
   * Test/dev knob: one visibility timeout (seconds) for every queue instead of the topology's,
   * e.g. 1 so failed messages are retried and dead-lettered within a test. Not for real runs:
   * a message still being handled when it expires is delivered a second time.
   */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of the event-source loops. Default 1 s, so `stop()` is prompt. */
  waitTimeSeconds?: number;
  /** Keep tables and queues in memory: nothing survives `stop()`. Default false. */
  inMemory?: boolean;
  /** Publish the handlers' metrics as EMF lines on stdout, as in Lambda. Default false. */
  metrics?: boolean;
  /** Prefix of table and queue names. Default `news-alerts`. */
  resourcePrefix?: string;
  /** Other environment variables (LOG_LEVEL, ITEM_RETENTION_DAYS …), applied last. */
  envOverrides?: Partial<EnvInput>;
  /**
   * Handler factories to use instead of importing a function's `entry` module: for tests of
   * the runtime itself and fault injection. Functions not listed load their real module.
   */
  handlers?: Partial<Record<FunctionName, HandlerFactory>>;
  /** Interval of the TTL sweeper. Default 60 s. */
  ttlSweepIntervalMs?: number;
}

/** How the runtime wired the topology's triggers, for status output and the topology test. */
export interface LocalWiring {
  consumers: { function: FunctionName; queue: QueueName; queueUrl: string; batchSize: number; timeoutSeconds: number }[];
  schedules: { function: FunctionName; everyMinutes: number; enabled: boolean }[];
  http: { function: FunctionName; url: string }[];
  /** Functions told of SES feedback, with the events each is told of. */
  emailFeedback: { function: FunctionName; events: EmailFeedbackEvent[] }[];
  ttlTables: { table: TableName; tableName: string; ttlAttribute: string }[];
}

export interface WaitForIdleOptions {
  /** Give up (IdleTimeoutError) after this long. Default 30 s. */
  timeoutMs?: number;
  /**
   * Also wait for messages that are not visible: by default a message waiting out its
   * visibility timeout after a failure does not keep the runtime busy (with the topology's
   * timeouts that is minutes); with true, idle means every such message has been retried to
   * success or moved to its DLQ.
   */
  includeNotVisible?: boolean;
}

export interface LocalRuntime {
  env: Env;
  deps: Deps;
  /** The secrets in use (from `<data-dir>/secrets/`, or generated in memory); `admin` is the status page's password. */
  secrets: Record<SecretName, SecretValues>;
  /** `http://127.0.0.1:<port>` of the local HTTP API. */
  apiUrl: string;
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  /** `{ dynamodb, sqs }` endpoints of the embedded engines. */
  endpoints: { dynamodb: string; sqs: string };
  wiring: LocalWiring;
  /** Runs a schedule-triggered function now (whether or not timers run) and returns its result. */
  runSchedule(name: FunctionName): Promise<unknown>;
  /**
   * Hands an SES notification (its JSON value, or the SNS message text) to the functions with an
   * `email-feedback` trigger, as SNS would: one SNS event each. There is no SES here, so this is
   * how feedback reaches them (tests, an operator replaying a notification). A notification of
   * an event type no trigger lists goes nowhere, as SES would not publish it. Returns what each
   * function returned; a function's failure is thrown.
   */
  deliverEmailFeedback(notification: unknown): Promise<{ function: FunctionName; result: unknown }[]>;
  /** One TTL sweep now. */
  sweepTtl(): Promise<SweepResult>;
  /**
   * Resolves when no queue has a visible or delayed message, no batch or scheduled run is in
   * flight, and that held for two looks in a row; see `includeNotVisible`.
   */
  waitForIdle(options?: WaitForIdleOptions): Promise<void>;
  /** Message counts of every queue and its DLQ. */
  queueDepths(): Promise<Record<QueueName, QueueDepth>>;
  /** The messages in a queue's DLQ (up to `limit`, default 100, oldest first), left untouched. */
  receiveDlq(queue: QueueName, options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Counters of each SQS-triggered function's loop. */
  consumerStats(): Partial<Record<FunctionName, EventSourceLoopStats>>;
  /**
   * Graceful stop: timers and new receives stop, batches and requests in flight finish, then
   * the API server and engines close. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** `waitForIdle` ran out of time; the message says what was still busy. */
export class IdleTimeoutError extends NewsAlertsError {}

/** Pause between two looks at the queues in `waitForIdle`. */
const IDLE_POLL_MS = 50;

/** Starts the whole pipeline in this process. Stop it with `stop()` (or `installSignalHandlers`). */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? createConsoleLogger('news-alerts', 'INFO');
  // 0 would turn the long poll into a busy loop.
  checkWholeSeconds('waitTimeSeconds', options.waitTimeSeconds, 1, 20);
  checkWholeSeconds('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 0, 43_200);
  const dataDir = resolve(options.dataDir);
  const prefix = options.resourcePrefix ?? defaultResourcePrefix;
  // Undo what has started if a later step fails, newest first.
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.warn('local runtime cleanup step failed', { error: errorMessage(error) });
      }
    }
  };

  try {
    const dynamodbEngine = await startDynaliteEngine({ path: options.inMemory ? undefined : join(dataDir, 'dynamodb') });
    cleanups.push(() => dynamodbEngine.stop());
    const sqsEngine = await startFauxqsEngine({ dataDir: options.inMemory ? undefined : join(dataDir, 'sqs') });
    cleanups.push(() => sqsEngine.stop());

    const clientConfig = { region: localRegion, credentials: localCredentials };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: dynamodbEngine.endpoint });
    cleanups.push(() => dynamodb.destroy());
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEngine.endpoint });
    cleanups.push(() => sqs.destroy());

    const tables = await createTables(dynamodb, prefix);
    const queues = await createQueues(sqs, { prefix, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });

    // The API server starts first so its URL can go into the env; requests wait for the handler.
    const httpFunctions = functionsWithTrigger('http');
    if (httpFunctions.length > 1) {
      throw new ConfigError(`the local runtime serves one http function, the topology has ${httpFunctions.map(([n]) => n).join(', ')}`);
    }
    let httpHandler: FunctionUrlHandler | undefined;
    let api: ApiServer;
    try {
      api = await startApiServer({
        port: options.apiPort ?? 3000,
        log,
        functionName: httpFunctions[0]?.[0],
        timeoutSeconds: httpFunctions[0]?.[1].timeoutSeconds,
        handler: (event, context) => {
          if (!httpHandler) return { statusCode: 503, body: 'Service Unavailable' };
          return httpHandler(event, context);
        },
      });
    } catch (error) {
      throw new ConfigError(`local API server did not start: ${errorMessage(error)} (port ${options.apiPort ?? 3000})`, {
        cause: error,
      });
    }
    cleanups.push(() => api.close());

    const env = buildLocalEnv({
      tables,
      queues,
      mailTransport: options.mailTransport,
      smtpUrl: options.smtpUrl,
      outboxDir: options.outboxDir ?? join(dataDir, 'outbox'),
      mailFrom: options.mailFrom,
      publicBaseUrl: options.publicBaseUrl ?? api.url,
      allowPrivateNetwork: options.allowPrivateNetwork,
      metrics: options.metrics,
      overrides: options.envOverrides,
    });
    // The stack's Secrets Manager secrets, kept in the data folder (or made up, in memory) and
    // passed in directly: the token keys, the subscriber-id key, the operator's token (/status).
    const secrets = options.inMemory ? generateLocalSecrets() : await loadLocalSecrets(dataDir);
    const deps = createDeps(env, {
      secrets: createStaticSecretSource(secrets),
      dynamodbEndpoint: dynamodbEngine.endpoint,
      sqsEndpoint: sqsEngine.endpoint,
      region: localRegion,
      credentials: localCredentials,
      log,
      events: options.events,
      fetch: options.fetch,
    });

    const factoryContext: HandlerFactoryContext = {
      endpoints: { dynamodb: dynamodbEngine.endpoint, sqs: sqsEngine.endpoint },
      apiUrl: api.url,
      tables,
      queues,
      region: localRegion,
      credentials: localCredentials,
    };
    const handlers = new Map<FunctionName, unknown>();
    for (const [name, spec] of Object.entries(topology.functions) as [FunctionName, FunctionSpec][]) {
      const factory = options.handlers?.[name] ?? (await importHandlerFactory(name, spec));
      handlers.set(name, requireFunction(await factory(deps, factoryContext), name));
    }

    const wiring: LocalWiring = { consumers: [], schedules: [], http: [], emailFeedback: [], ttlTables: [] };

    const loops = new Map<FunctionName, EventSourceLoop>();
    for (const [name, spec] of Object.entries(topology.functions) as [FunctionName, FunctionSpec][]) {
      const trigger = spec.trigger;
      if (trigger.kind !== 'queue') continue;
      const queue = queues[trigger.queue];
      // A batching window is not emulated: a batch is what one receive returns (the topology's
      // windows are 0, where Lambda does the same).
      loops.set(
        name,
        createEventSourceLoop({
          functionName: name,
          client: sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          batchSize: trigger.batchSize,
          handler: handlers.get(name) as SqsBatchHandler,
          log,
          waitTimeSeconds: options.waitTimeSeconds,
          timeoutSeconds: spec.timeoutSeconds,
          memoryMb: spec.memoryMb,
        }),
      );
      wiring.consumers.push({
        function: name,
        queue: trigger.queue,
        queueUrl: queue.url,
        batchSize: trigger.batchSize,
        timeoutSeconds: spec.timeoutSeconds,
      });
    }

    const schedulesEnabled = options.schedules ?? true;
    const scheduler: Scheduler = createScheduler(
      functionsWithTrigger('schedule').map(([name, spec]) => {
        const everyMinutes = spec.trigger.kind === 'schedule' ? spec.trigger.everyMinutes : 0;
        wiring.schedules.push({ function: name, everyMinutes, enabled: schedulesEnabled });
        const handler = handlers.get(name) as (event: ScheduledEvent, context: unknown) => unknown;
        return {
          name,
          everyMinutes,
          run: async () => handler(scheduledEvent(name), createInvocationContext(name, spec.timeoutSeconds, spec.memoryMb)),
        };
      }),
      log,
    );

    if (httpFunctions[0]) {
      const [name] = httpFunctions[0];
      httpHandler = handlers.get(name) as FunctionUrlHandler;
      wiring.http.push({ function: name, url: api.url });
    }

    for (const [name, spec] of functionsWithTrigger('email-feedback')) {
      if (spec.trigger.kind === 'email-feedback') wiring.emailFeedback.push({ function: name, events: [...spec.trigger.events] });
    }

    const ttlTables = (Object.entries(topology.tables) as [TableName, (typeof topology.tables)[TableName]][]).flatMap(
      ([table, spec]) =>
        spec.ttlAttribute
          ? [{ table, tableName: tables[table], ttlAttribute: spec.ttlAttribute, keyAttributes: keyAttributes(spec) }]
          : [],
    );
    wiring.ttlTables = ttlTables.map(({ table, tableName, ttlAttribute }) => ({ table, tableName, ttlAttribute }));
    const sweeper: TtlSweeper = createTtlSweeper({
      client: dynamodb,
      tables: ttlTables,
      log,
      clock: deps.clock,
      intervalMs: options.ttlSweepIntervalMs,
    });

    for (const loop of loops.values()) loop.start();
    if (schedulesEnabled) scheduler.start();
    sweeper.start();

    // From here on, `stop()` owns the shutdown; the order matters.
    cleanups.splice(0);
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        log.info('local runtime stopping: finishing work in flight');
        await scheduler.stop();
        await sweeper.stop();
        await api.close().catch((error: unknown) => log.warn('local API server close failed', { error: errorMessage(error) }));
        await Promise.all([...loops.values()].map((loop) => loop.stop()));
        sqs.destroy();
        dynamodb.destroy();
        await sqsEngine.stop();
        await dynamodbEngine.stop();
        log.info('local runtime stopped');
      })();
      return stopping;
    };

    const activity = () => [...loops.values()].reduce((sum, loop) => sum + loop.activity, 0);
    const busy = () => scheduler.running > 0 || [...loops.values()].some((loop) => loop.inFlight > 0);

    async function queueDepths(): Promise<Record<QueueName, QueueDepth>> {
      const depths = {} as Record<QueueName, QueueDepth>;
      for (const [queue, provisioned] of Object.entries(queues) as [QueueName, ProvisionedQueues[QueueName]][]) {
        const main = await countMessages(sqs, provisioned.url);
        depths[queue] = { ...main, deadLetters: await countMessages(sqs, provisioned.dlqUrl) };
      }
      return depths;
    }

    async function looksIdle(includeNotVisible: boolean): Promise<boolean> {
      const before = activity();
      if (busy()) return false;
      const depths = await queueDepths();
      const queuesQuiet = Object.values(depths).every(
        (depth) => depth.visible === 0 && depth.delayed === 0 && (!includeNotVisible || depth.notVisible === 0),
      );
      // A batch that started or settled while we looked could have moved messages unseen.
      return queuesQuiet && !busy() && activity() === before;
    }

    log.info('local runtime started', { dataDir: options.inMemory ? '(memory)' : dataDir, api: api.url });

    return {
      env,
      deps,
      secrets,
      apiUrl: api.url,
      tables,
      queues,
      endpoints: { dynamodb: dynamodbEngine.endpoint, sqs: sqsEngine.endpoint },
      wiring,
      runSchedule(name) {
        return scheduler.runNow(name);
      },
      async deliverEmailFeedback(notification) {
        const event = feedbackEventOf(notification);
        const results: { function: FunctionName; result: unknown }[] = [];
        for (const target of wiring.emailFeedback) {
          if (event !== 'unnamed' && !(target.events as string[]).includes(event)) continue;
          const spec = topology.functions[target.function];
          const handler = handlers.get(target.function) as (event: SNSEvent, context: unknown) => unknown;
          const result = await handler(snsEventOf(notification), createInvocationContext(target.function, spec.timeoutSeconds, spec.memoryMb));
          results.push({ function: target.function, result });
        }
        return results;
      },
      sweepTtl() {
        return sweeper.sweepOnce();
      },
      async waitForIdle(waitOptions = {}) {
        const timeoutMs = waitOptions.timeoutMs ?? 30_000;
        const deadline = Date.now() + timeoutMs;
        let quietLooks = 0;
        for (;;) {
          quietLooks = (await looksIdle(waitOptions.includeNotVisible ?? false)) ? quietLooks + 1 : 0;
          // Two quiet looks in a row: a receive answered between them would have shown up.
          if (quietLooks >= 2) return;
          if (Date.now() > deadline) {
            throw new IdleTimeoutError(
              `local runtime did not become idle within ${timeoutMs} ms: ${JSON.stringify(await queueDepths())}, batches in flight ${[...loops.values()].reduce((n, l) => n + l.inFlight, 0)}, scheduled runs ${scheduler.running}`,
            );
          }
          await sleep(IDLE_POLL_MS);
        }
      },
      queueDepths,
      async receiveDlq(queue, receiveOptions = {}) {
        return inspectMessages(sqsEngine.server, localDeadLetterQueueName(prefix, queue), receiveOptions.limit);
      },
      consumerStats() {
        return Object.fromEntries([...loops].map(([name, loop]) => [name, loop.stats]));
      },
      stop,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** SQS's own bounds, checked up front so a bad knob fails at start, not in every receive. */
function checkWholeSeconds(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`local runtime option ${name} is invalid: ${value} is not a whole number from ${min} to ${max}`);
  }
}

function functionsWithTrigger(kind: FunctionSpec['trigger']['kind']): [FunctionName, FunctionSpec][] {
  return (Object.entries(topology.functions) as [FunctionName, FunctionSpec][]).filter(([, spec]) => spec.trigger.kind === kind);
}

function keyAttributes(spec: { partitionKey: string; sortKey?: string }): string[] {
  return spec.sortKey ? [spec.partitionKey, spec.sortKey] : [spec.partitionKey];
}

/** The repository root, where the topology's `entry` paths start. */
const repositoryRoot = new URL('../../', import.meta.url);

async function importHandlerFactory(name: FunctionName, spec: FunctionSpec): Promise<HandlerFactory> {
  let module: { createHandler?: unknown };
  try {
    module = (await import(new URL(spec.entry, repositoryRoot).href)) as { createHandler?: unknown };
  } catch (error) {
    throw new ConfigError(`function module could not be loaded: ${errorMessage(error)} (function ${name}, ${spec.entry})`, {
      cause: error,
    });
  }
  if (typeof module.createHandler !== 'function') {
    throw new ConfigError(`function module does not export createHandler(deps) (function ${name}, ${spec.entry})`);
  }
  return module.createHandler as HandlerFactory;
}

function requireFunction(handler: unknown, name: FunctionName): unknown {
  if (typeof handler !== 'function') {
    throw new ConfigError(`createHandler(deps) did not return a function (function ${name})`);
  }
  return handler;
}

/**
 * The event type a notification names (`eventType`, or `notificationType` in an identity's
 * notifications) in the topology's words (`Bounce` → `bounce`, `DeliveryDelay` →
 * `deliverydelay`), or `unnamed` when it names none: then it goes to every feedback function,
 * whose validation has the last word.
 */
function feedbackEventOf(notification: unknown): EmailFeedbackEvent | (string & {}) | 'unnamed' {
  let value = notification;
  if (typeof notification === 'string') {
    try {
      value = JSON.parse(notification);
    } catch {
      return 'unnamed';
    }
  }
  const { eventType, notificationType } = (value ?? {}) as { eventType?: unknown; notificationType?: unknown };
  const type = typeof eventType === 'string' ? eventType : notificationType;
  return typeof type === 'string' && type.length > 0 ? type.toLowerCase() : 'unnamed';
}

/** The event SNS sends a subscribed function, carrying one message. */
function snsEventOf(notification: unknown): SNSEvent {
  const topicArn = `arn:aws:sns:${localRegion}:000000000000:news-alerts-email-feedback`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${crypto.randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: crypto.randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: typeof notification === 'string' ? notification : JSON.stringify(notification),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** The event an EventBridge rule sends a scheduled function. */
function scheduledEvent(name: FunctionName): ScheduledEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: localRegion,
    resources: [`arn:aws:events:${localRegion}:000000000000:rule/${name}`],
    detail: {},
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
