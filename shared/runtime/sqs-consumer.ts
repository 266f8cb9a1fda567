import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../core/zod.ts';
import { InvalidMessageError, isRetryable, MessageDeferredError, NewsAlertsError } from '../core/errors.ts';
import type { Log } from '../core/logger.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import { withLambdaLogContext } from './lambda-context.ts';
import { type PipelineMetrics, withMetricsFlush } from './pipeline-metrics.ts';

export type SqsHandler = (event: SQSEvent, context?: Partial<Context>) => Promise<SQSBatchResponse>;

export interface SqsConsumerOptions<T> {
  /** Name used in logs and errors ("poll-feed"). */
  name: string;
  schema: z.core.$ZodType<T>;
  log: Log;
  /** The handler's metrics, published after every batch; absent when metrics are off. */
  metrics?: PipelineMetrics | undefined;
  /** Handles one valid message; throwing fails only that message (it is retried, then DLQ'd). */
  handleMessage(message: T, record: SQSRecord): Promise<void>;
  /**
   * Puts a record, body unchanged, into the queue's dead-letter queue. When given, a record that
   * failed in a way no retry can help (a non-retryable error: an invalid message, the mail setup
   * refusing every send) goes there at once and counts as handled, so the DLQ alarm fires now
   * rather than after maxReceiveCount receives; if the move fails, the record is retried as usual.
   */
  deadLetter?(record: SQSRecord): Promise<void>;
}

/**
 * Builds a queue consumer with Lambda's partial-batch semantics: each record is parsed against
 * its schema and handled on its own; only the records that failed are reported back, so SQS
 * redelivers those alone and moves them to the DLQ after maxReceiveCount. A record that fails its
 * schema is failed too (it ends in the DLQ for inspection, never loops forever). With `deadLetter`,
 * a record no retry can help goes to the DLQ at once.
 */
export function createSqsConsumer<T>(options: SqsConsumerOptions<T>): SqsHandler {
  const { name, schema, log, metrics, handleMessage, deadLetter } = options;

  async function handleRecord(record: SQSRecord): Promise<void> {
    try {
      await handleMessage(parseRecord(record), record);
    } catch (error) {
      if (!deadLetter || isRetryable(error)) throw error;
      await deadLetterAtOnce(record, error, deadLetter);
    }
  }

  async function deadLetterAtOnce(record: SQSRecord, error: unknown, send: (record: SQSRecord) => Promise<void>): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      await send(record);
    } catch (moveError) {
      throw new NewsAlertsError(
        `${name} message failed and could not be dead-lettered: ${moveError instanceof Error ? moveError.message : String(moveError)}; it will be retried (message ${record.messageId}: ${reason})`,
        { retryable: true, cause: error },
      );
    }
    log.error(`${name} message dead-lettered at once: no retry can help`, {
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      error: reason,
    });
  }

  function parseRecord(record: SQSRecord): T {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new InvalidMessageError(`${name} message is not JSON (message ${record.messageId})`);
    }
    const result = z.safeParse(schema, body);
    if (!result.success) {
      throw new InvalidMessageError(`${name} message is invalid: ${formatZodIssues(result.error.issues)} (message ${record.messageId})`);
    }
    return result.data;
  }

  async function processBatch(event: SQSEvent) {
    return Promise.allSettled(event.Records.map((record) => handleRecord(record)));
  }

  const handler = withMetricsFlush(withLambdaLogContext(middy(processBatch), log), metrics).use(
    sqsPartialBatchFailure({
      logger: (reason: unknown, record: SQSRecord) => {
        if (reason instanceof MessageDeferredError) {
          log.info(`${name} message handed back for later`, { messageId: record.messageId, reason: reason.message });
          return;
        }
        log.error(`${name} message failed`, {
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          error: reason instanceof Error ? reason.message : String(reason),
        });
      },
    }),
  );
  return handler as unknown as SqsHandler;
}
