import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidMessageError } from '../core/errors.ts';
import type { Log } from '../core/logger.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import { withLambdaLogContext } from './lambda-context.ts';
import { type PipelineMetrics, withMetricsFlush } from './pipeline-metrics.ts';

export type SqsHandler = (event: SQSEvent, context?: Partial<Context>) => Promise<SQSBatchResponse>;

export interface SqsConsumerOptions<T> {
  /** Name used in logs and errors ("poll-feed"). */
  name: string;
  schema: z.ZodType<T>;
  log: Log;
  /** The handler's metrics, published after every batch; absent when metrics are off. */
  metrics?: PipelineMetrics | undefined;
  /** Handles one valid message; throwing fails only that message (it is retried, then DLQ'd). */
  handleMessage(message: T, record: SQSRecord): Promise<void>;
}

/**
 * Builds a queue consumer with Lambda's partial-batch semantics: each record is parsed against
 * its schema and handled on its own; only the records that failed are reported back, so SQS
 * redelivers those alone and moves them to the DLQ after maxReceiveCount. A record that fails its
 * schema is failed too (it ends in the DLQ for inspection, never loops forever).
 */
export function createSqsConsumer<T>(options: SqsConsumerOptions<T>): SqsHandler {
  const { name, schema, log, metrics, handleMessage } = options;

  async function handleRecord(record: SQSRecord): Promise<void> {
    const message = parseRecord(record);
    await handleMessage(message, record);
  }

  function parseRecord(record: SQSRecord): T {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new InvalidMessageError(`${name} message is not JSON (message ${record.messageId})`);
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      throw new InvalidMessageError(
        `${name} message is invalid: ${formatZodIssues(result.error.issues)} (message ${record.messageId})`,
      );
    }
    return result.data;
  }

  async function processBatch(event: SQSEvent) {
    return Promise.allSettled(event.Records.map((record) => handleRecord(record)));
  }

  const handler = withMetricsFlush(withLambdaLogContext(middy(processBatch), log), metrics).use(
    sqsPartialBatchFailure({
      logger: (reason: unknown, record: SQSRecord) => {
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
