/**
 * What `startLocalRuntime` accepts, and the checks it makes on it before starting anything.
 */
import type { EnvInput } from '../../shared/config/env.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import type { EventSink } from '../../shared/core/events.ts';
import type { Log } from '../../shared/core/logger.ts';
import type { FunctionName } from '../topology.ts';
import type { HandlerFactory } from './handler-loading.ts';

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

/** Checks the SQS knobs against SQS's own bounds, so a bad one fails at start, not in every receive. */
export function checkRuntimeOptions(options: LocalRuntimeOptions): void {
  // 0 would turn the long poll into a busy loop.
  checkWholeSeconds('waitTimeSeconds', options.waitTimeSeconds, 1, 20);
  checkWholeSeconds('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 0, 43_200);
}

function checkWholeSeconds(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`local runtime option ${name} is invalid: ${value} is not a whole number from ${min} to ${max}`);
  }
}
