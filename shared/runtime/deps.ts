import type { Env } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { Mailer } from '../mail/ports.ts';
import type { SecretSource } from '../parameters/secret-source.ts';
import type { DeadLetterRedriver, MessageQueue, QueueInspector } from '../queue/ports.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';
import type { Stores } from './store-factories.ts';

/**
 * Everything a handler needs, chosen in one place (`createDeps`): the store over each table (as
 * `Stores` names them, but `rateLimits`) and the rest. Handlers receive this; domain functions
 * receive the subset they use.
 */
export interface Deps extends Omit<Stores, 'ratelimits'> {
  env: Env;
  clock: Clock;
  log: Log;
  /** The generated secrets (token keys, subscriber-id key, admin token), read at run time. */
  secrets: SecretSource;
  /**
   * The base of links in emails and pages: `PUBLIC_BASE_URL`, or the SSM parameter
   * `PUBLIC_BASE_URL_PARAMETER` names (read through a cache); undefined when neither is set.
   */
  publicBaseUrl(): Promise<string | undefined>;
  queue: MessageQueue;
  /** Counters behind the HTTP API's rate limits: the `ratelimits` table's store. */
  rateLimits: Stores['ratelimits'];
  /** Queue and DLQ depths for the operator's status page; without it the page shows none. */
  queueInspector?: QueueInspector;
  /** Moves dead letters back to their queue (`POST /api/admin/redrive`); without it redrive is off. */
  deadLetters?: DeadLetterRedriver;
  mailer: Mailer;
  /** Where handlers report outcomes (feed polled, alert, delivered); logs (and metrics) in Lambda. */
  events: EventSink;
  /**
   * The metrics `events` also feeds, which each handler publishes after every invocation; absent
   * when metrics are off (POWERTOOLS_METRICS_DISABLED, the default in one-process mode).
   */
  metrics?: PipelineMetrics;
  /**
   * Sends HTTP requests where private networks are allowed (ALLOW_PRIVATE_NETWORK: local runs,
   * tests); `globalThis.fetch` unless one is injected. With the SSRF guard on, feed, webhook and
   * hub requests go through outbound-http's guarded client instead.
   */
  fetch: typeof globalThis.fetch;
}
