/**
 * The local stand-in for a Lambda SQS event-source mapping: a long-poll loop that receives up to
 * `batchSize` messages, hands them to the handler as a real `SQSEvent`, and deletes exactly the
 * records that succeeded (ReportBatchItemFailures semantics). Failed records stay in the queue,
 * reappear after the visibility timeout, and the queue's RedrivePolicy moves them to the DLQ
 * after maxReceiveCount receives (fauxqs does that natively, at receive time, like SQS).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { Log } from '../../shared/core/logger.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { localRegion } from './engines.ts';
import { errorMessage } from './error-message.ts';
import { createInvocationContext } from './invocation-context.ts';

/** What an SQS-triggered function looks like to the loop (an `SqsHandler`, or any Lambda-shaped one). */
export type SqsBatchHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | null | undefined> | SQSBatchResponse | null | undefined;

export interface EventSourceLoopOptions {
  /** The function's name, for logs and the invocation context. */
  functionName: string;
  client: SqsClient;
  queueUrl: string;
  queueArn: string;
  /** MaxNumberOfMessages of each receive (SQS allows 1–10). */
  batchSize: number;
  handler: SqsBatchHandler;
  log: Log;
  /** Long-poll wait of each receive; short locally so a stop is prompt. Default 1. */
  waitTimeSeconds?: number;
  /** The function's timeout: the context's deadline, and a warning when a batch overruns it. */
  timeoutSeconds?: number;
  memoryMb?: number;
  region?: string;
  /** Pause after a failed ReceiveMessage (engine hiccup) before polling again. Default 500. */
  errorBackoffMs?: number;
}

export interface EventSourceLoopStats {
  batches: number;
  /** Records deleted after success. */
  succeeded: number;
  /** Records left in the queue for a retry (or the DLQ). */
  failed: number;
}

export interface EventSourceLoop {
  readonly functionName: string;
  readonly queueUrl: string;
  readonly batchSize: number;
  /** Batches received and not yet settled (handler running, or deleting): 0 or 1. */
  readonly inFlight: number;
  /**
   * Increases when a batch starts and when it settles; an observer that sees the same value
   * before and after a look at the queues knows no batch moved in between.
   */
  readonly activity: number;
  readonly stats: Readonly<EventSourceLoopStats>;
  /** Starts polling; a second call does nothing. */
  start(): void;
  /** Stops receiving and resolves once the batch in flight (if any) has settled. */
  stop(): Promise<void>;
}

/** Creates a loop; call `start()` to begin polling. */
export function createEventSourceLoop(options: EventSourceLoopOptions): EventSourceLoop {
  const { functionName, client, queueUrl, queueArn, batchSize, handler, log } = options;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const region = options.region ?? localRegion;
  const errorBackoffMs = options.errorBackoffMs ?? 500;
  const stopping = new AbortController();
  const stats: EventSourceLoopStats = { batches: 0, succeeded: 0, failed: 0 };
  let inFlight = 0;
  let activity = 0;
  let running: Promise<void> | undefined;

  async function pollUntilStopped(): Promise<void> {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        messages = await receive();
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.warn(`${functionName} receive failed, retrying`, { queueUrl, error: errorMessage(error) });
        await sleep(errorBackoffMs, undefined, { signal: stopping.signal }).catch(() => {});
        continue;
      }
      // Messages received while stopping are processed too: they are already in flight.
      if (messages.length > 0) await runBatch(messages);
    }
  }

  async function receive(): Promise<Message[]> {
    const output = await client.call('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: batchSize,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    return output.Messages ?? [];
  }

  async function runBatch(messages: Message[]): Promise<void> {
    inFlight++;
    activity++;
    stats.batches++;
    try {
      const records = messages.map((message) => toSqsRecord(message, queueArn, region));
      const outcome = await invoke(records);
      await deleteRecords(outcome.succeeded);
      stats.succeeded += outcome.succeeded.length;
      stats.failed += outcome.failed.length;
      if (outcome.failed.length > 0) {
        log.warn(`${functionName} left messages for retry`, {
          failed: outcome.failed.length,
          of: records.length,
          reason: outcome.reason,
          messageIds: outcome.failed.map((record) => record.messageId),
        });
      }
    } finally {
      inFlight--;
      activity++;
    }
  }

  async function invoke(records: SQSRecord[]): Promise<BatchOutcome> {
    const started = Date.now();
    try {
      const response = await handler({ Records: records }, createInvocationContext(functionName, timeoutSeconds, options.memoryMb));
      return settleBatch(records, response);
    } catch (error) {
      // A thrown handler fails the whole batch, as in Lambda.
      return { succeeded: [], failed: records, reason: `handler threw: ${errorMessage(error)}` };
    } finally {
      const elapsedMs = Date.now() - started;
      if (elapsedMs > timeoutSeconds * 1000) {
        log.warn(`${functionName} batch overran the function timeout; Lambda would have retried it`, {
          elapsedMs,
          timeoutSeconds,
        });
      }
    }
  }

  async function deleteRecords(records: SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      try {
        const output = await client.call('DeleteMessageBatch', {
          QueueUrl: queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        });
        for (const failure of output.Failed ?? []) {
          log.warn(`${functionName} could not delete a handled message; it will be redelivered`, {
            messageId: chunk[Number(failure.Id)]?.messageId,
            error: failure.Message ?? failure.Code,
          });
        }
      } catch (error) {
        // At-least-once: an undeleted message comes back and the idempotent handler absorbs it.
        log.warn(`${functionName} could not delete handled messages; they will be redelivered`, {
          count: chunk.length,
          error: errorMessage(error),
        });
      }
    }
  }

  return {
    functionName,
    queueUrl,
    batchSize,
    get inFlight() {
      return inFlight;
    },
    get activity() {
      return activity;
    },
    get stats() {
      return { ...stats };
    },
    start() {
      if (running || stopping.signal.aborted) return;
      running = pollUntilStopped().catch((error: unknown) => {
        log.error(`${functionName} event-source loop crashed`, { queueUrl, error: errorMessage(error) });
      });
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

export interface BatchOutcome {
  succeeded: SQSRecord[];
  failed: SQSRecord[];
  /** Why records failed, for the log. */
  reason?: string;
}

/**
 * Lambda's reading of a handler's response with ReportBatchItemFailures: nothing, null, `{}` or
 * an empty list is full success; listed ids fail; a missing, empty or unknown id, or a response
 * that is not an object, fails the whole batch.
 */
export function settleBatch(records: SQSRecord[], response: unknown): BatchOutcome {
  if (response === undefined || response === null) return { succeeded: records, failed: [] };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { succeeded: [], failed: records, reason: 'handler returned a response that is not an object' };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { succeeded: records, failed: [] };
  if (!Array.isArray(failures)) {
    return { succeeded: [], failed: records, reason: 'batchItemFailures is not a list' };
  }
  const ids = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      return { succeeded: [], failed: records, reason: `batchItemFailures names an unknown item (${String(id)})` };
    }
    failedIds.add(id);
  }
  return {
    succeeded: records.filter((record) => !failedIds.has(record.messageId)),
    failed: records.filter((record) => failedIds.has(record.messageId)),
    reason: failedIds.size > 0 ? 'handler reported batch item failures' : undefined,
  };
}

/** The record Lambda would build from a received message. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: toRecordMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function toRecordMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      stringValue: value.StringValue,
      // Lambda delivers binary values base64-encoded, as SQS's JSON protocol already carries them.
      binaryValue: value.BinaryValue ? base64(value.BinaryValue) : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map(base64),
    };
  }
  return out;
}

/** A binary value as base64: as it came on the wire (a string), or encoded from bytes. */
function base64(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}
