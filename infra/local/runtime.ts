/**
 * One-process mode: the pipeline's handlers in this process, driven the way AWS would drive
 * them, all wired from `infra/topology.ts`: embedded engines (dynalite, fauxqs) with the
 * topology's tables and queues, one long-poll loop per SQS trigger, timers for schedules, a
 * local HTTP server for the Function URL, and a sweeper standing in for DynamoDB TTL.
 * `startLocalRuntime` composes the modules that do each of those.
 */
import { lookup } from 'node:dns';
import { join, resolve } from 'node:path';
import type { Env } from '../../shared/config/env.ts';
import { createConsoleLogger } from '../../shared/core/logger.ts';
import { createNodeFetch } from '../../shared/outbound-http/index.ts';
import { createStaticSecretSource, type SecretValues } from '../../shared/parameters/secret-source.ts';
import { createMailingDeps } from '../../shared/runtime/create-mailing-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { everyStore } from '../../shared/runtime/store-factories.ts';
import type { FunctionName, QueueName, SecretName } from '../topology.ts';
import { deliverFeedbackNotification } from './email-feedback-delivery.ts';
import { localCredentials, localRegion } from './engines.ts';
import type { EventSourceLoopStats } from './event-source-loop.ts';
import { loadHandlers } from './handler-loading.ts';
import { createIdleDetector, type WaitForIdleOptions } from './idle-detection.ts';
import { buildLocalEnv } from './local-env.ts';
import { generateLocalSecrets, loadLocalSecrets } from './local-secret.ts';
import { defaultResourcePrefix, localDeadLetterQueueName, type ProvisionedQueues, type ProvisionedTables } from './provision.ts';
import { inspectMessages, type DeadLetter, type MessageCounts, type QueueDepth } from './queue-inspection.ts';
import { releaseOrphanedMessages } from './orphan-release.ts';
import { startRuntimeApi } from './runtime-api.ts';
import { startRuntimeEngines } from './runtime-engines.ts';
import { removeRunningPipeline, writeRunningPipeline } from './running-pipeline.ts';
import { checkRuntimeOptions, type LocalRuntimeOptions } from './runtime-options.ts';
import { createCleanupStack, createGracefulStop } from './runtime-shutdown.ts';
import { emailFeedbackTargets, wireQueueTriggers, wireScheduleTriggers, wireTtlSweeper, type LocalWiring } from './runtime-triggers.ts';
import type { SweepResult } from './ttl-sweeper.ts';

export type { HandlerFactory, HandlerFactoryContext } from './handler-loading.ts';
export { IdleTimeoutError, type WaitForIdleOptions } from './idle-detection.ts';
export type { LocalRuntimeOptions } from './runtime-options.ts';
export type { LocalWiring } from './runtime-triggers.ts';

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
   * flight, and that held for two looks in a row (see `includeNotVisible`), with the consumed
   * queues' message counts as the last look found them (their DLQs are not looked at).
   */
  waitForIdle(options?: WaitForIdleOptions): Promise<Record<QueueName, MessageCounts>>;
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

/** Starts the whole pipeline in this process. Stop it with `stop()` (or `installSignalHandlers`). */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? createConsoleLogger('news-alerts', 'INFO');
  checkRuntimeOptions(options);
  const dataDir = resolve(options.dataDir);
  const prefix = options.resourcePrefix ?? defaultResourcePrefix;
  const cleanups = createCleanupStack(log);

  try {
    const engines = await startRuntimeEngines(
      { dataDir, inMemory: options.inMemory, prefix, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds },
      cleanups,
    );
    const { dynamodbEngine, sqsEngine, documents, sqs, tables, queues } = engines;
    const api = await startRuntimeApi({ port: options.apiPort, log }, cleanups);

    const env = buildLocalEnv({
      tables,
      queues,
      mailTransport: options.mailTransport,
      smtpUrl: options.smtpUrl,
      outboxDir: options.outboxDir ?? join(dataDir, 'outbox'),
      mailFrom: options.mailFrom,
      publicBaseUrl: options.publicBaseUrl ?? api.server.url,
      allowPrivateNetwork: options.allowPrivateNetwork,
      metrics: options.metrics,
      overrides: options.envOverrides,
    });
    // The stack's Secrets Manager secrets, kept in the data folder (or made up, in memory) and
    // passed in directly: the token keys, the subscriber-id key, the operator's token (/status).
    const secrets = options.inMemory ? generateLocalSecrets() : await loadLocalSecrets(dataDir);
    const deps = createMailingDeps(env, {
      // One process runs every function: every store.
      stores: everyStore,
      secrets: createStaticSecretSource(secrets),
      dynamodbEndpoint: dynamodbEngine.endpoint,
      sqsEndpoint: sqsEngine.endpoint,
      // The engines' own clients: ours, DynamoDB's in process, SQS's over loopback, neither signing (runtime-engines.ts).
      clients: { dynamodb: documents, sqs },
      region: localRegion,
      credentials: localCredentials,
      log,
      events: options.events,
      fetch: options.fetch ?? privateNetworkFetch(env),
    });

    const handlers = await loadHandlers(options.handlers, deps, {
      endpoints: { dynamodb: dynamodbEngine.endpoint, sqs: sqsEngine.endpoint },
      apiUrl: api.server.url,
      tables,
      queues,
      region: localRegion,
      credentials: localCredentials,
    });

    // Nothing else runs on this data folder: what its queues hold in flight, a killed run held.
    const orphans = await releaseOrphanedMessages(sqsEngine.server, sqs, queues);
    if (Object.keys(orphans).length > 0) log.info('resuming messages a stopped run left in flight', orphans);

    const { loops, consumers } = wireQueueTriggers({ sqs, queues, handlers, log, waitTimeSeconds: options.waitTimeSeconds });
    const schedulesEnabled = options.schedules ?? true;
    const { scheduler, schedules } = wireScheduleTriggers({ handlers, log, enabled: schedulesEnabled });
    const http = api.serve(handlers);
    const emailFeedback = emailFeedbackTargets();
    const { sweeper, ttlTables } = wireTtlSweeper({
      client: documents,
      tables,
      log,
      clock: deps.clock,
      intervalMs: options.ttlSweepIntervalMs,
    });
    const wiring: LocalWiring = { consumers, schedules, http, emailFeedback, ttlTables };

    for (const loop of loops.values()) loop.start();
    if (schedulesEnabled) scheduler.start();
    sweeper.start();

    // From here on, `stop()` owns the shutdown.
    cleanups.release();
    const stop = createGracefulStop({ log, scheduler, sweeper, api: api.server, loops, engines });
    const idle = createIdleDetector({ sqs, queues, loops, scheduler });

    log.info('local runtime started', { dataDir: options.inMemory ? '(memory)' : dataDir, api: api.server.url });
    // Operator commands (feeds, subscribers, dlq) reach the engines through this while it runs.
    if (!options.inMemory) {
      await writeRunningPipeline(dataDir, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        dynamodb: dynamodbEngine.endpoint,
        sqs: sqsEngine.endpoint,
        api: api.server.url,
      }).catch((error: unknown) => {
        // The pipeline runs without it; only operator commands must wait for it to stop.
        log.warn('writing running.json failed: feeds/subscribers/dlq cannot reach this run', { error: String(error) });
      });
    }
    const stopAndForget = async () => {
      if (!options.inMemory) await removeRunningPipeline(dataDir);
      await stop();
    };

    return {
      env,
      deps,
      secrets,
      apiUrl: api.server.url,
      tables,
      queues,
      endpoints: { dynamodb: dynamodbEngine.endpoint, sqs: sqsEngine.endpoint },
      wiring,
      runSchedule(name) {
        return scheduler.runNow(name);
      },
      deliverEmailFeedback(notification) {
        return deliverFeedbackNotification(wiring.emailFeedback, handlers, notification);
      },
      sweepTtl() {
        return sweeper.sweepOnce();
      },
      waitForIdle: idle.waitForIdle,
      queueDepths: idle.queueDepths,
      async receiveDlq(queue, receiveOptions = {}) {
        return inspectMessages(sqsEngine.server, localDeadLetterQueueName(prefix, queue), receiveOptions.limit);
      },
      consumerStats() {
        return Object.fromEntries([...loops].map(([name, loop]) => [name, loop.stats]));
      },
      stop: stopAndForget,
    };
  } catch (error) {
    await cleanups.unwind();
    throw error;
  }
}

/**
 * Where private networks are allowed (local feeds and webhooks), the fetch of feeds, webhooks
 * and hubs: the Node client the guarded one runs on, with the plain lookup. Public targets go
 * through that client already; without this, local ones would take Node's global fetch, whose
 * bundled undici (its own HTTP parser, pools and streams) costs a one-process run ~0.15 s of CPU.
 */
function privateNetworkFetch(env: Env): typeof fetch | undefined {
  return env.ALLOW_PRIVATE_NETWORK ? (createNodeFetch({ lookup }) as typeof fetch) : undefined;
}
