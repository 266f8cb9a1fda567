import type { BatchResultErrorEntry, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { InvalidMessageError, NewsAlertsError } from '../../core/errors.ts';
import type { QueueName } from '../../core/resource-names.ts';
import { queueMessageText } from '../../messages/queue-message-text.ts';
import type { MessageQueue } from '../ports.ts';
import type { SqsClient } from './sqs-client.ts';

/** SQS's limits per SendMessageBatch request. */
const MAX_BATCH_ENTRIES = 10;
/**
 * Largest body, and largest batch payload, we send: 256 KiB. AWS has since raised its limit to
 * 1 MiB, but LocalStack and older tooling keep 256 KiB, and nothing of ours comes near it.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Pause before the one retry of entries SQS failed on its side. */
const RETRY_DELAY_MS = 100;
/** SendMessageBatch requests in flight per `send`. */
const SEND_CONCURRENCY = 8;

/** Sending to a queue failed; names the queue and how many messages did not go. */
export class QueueSendError extends NewsAlertsError {
  readonly queue: QueueName;
  readonly failedCount: number;

  constructor(message: string, options: { queue: QueueName; failedCount: number; retryable: boolean; cause?: unknown }) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.queue = options.queue;
    this.failedCount = options.failedCount;
  }
}

/** A body over the size limit: resending it cannot help. */
export class QueueMessageTooLargeError extends NewsAlertsError {
  constructor(message: string) {
    super(message, { retryable: false });
  }
}

/**
 * The MessageQueue port on SQS: bodies are JSON, sent with SendMessageBatch in requests of at
 * most 10 entries and 256 KiB. Entries SQS fails on its side are retried once; what still
 * fails raises a `QueueSendError` (retryable, unless every failure is the sender's fault, e.g.
 * a body the queue refuses). All bodies are checked before anything is sent.
 *
 * Batches that went before a failure stay sent: the caller's retry sends them again, which is
 * safe because every consumer is idempotent.
 *
 * `deadLetterUrls` are the DLQs a consumer may send to directly (`sendToDeadLetter`).
 */
export function createSqsMessageQueue(
  client: SqsClient,
  urls: Record<QueueName, string>,
  deadLetterUrls: Partial<Record<QueueName, string>> = {},
): MessageQueue {
  async function sendBatch(queue: QueueName, entries: SendMessageBatchRequestEntry[]): Promise<BatchResultErrorEntry[]> {
    try {
      const output = await client.call('SendMessageBatch', { QueueUrl: urls[queue], Entries: entries });
      return output.Failed ?? [];
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error);
      throw new QueueSendError(`sending to queue ${queue} failed: ${why} (${entries.length} messages)`, {
        queue,
        failedCount: entries.length,
        // Throttling, 5xx, network, or a missing queue / permission: environmental, so retried
        // (and dead-lettered if it persists) rather than dropped.
        retryable: true,
        cause: error,
      });
    }
  }

  return {
    async send(queue, bodies) {
      if (bodies.length === 0) return;
      const url = urls[queue];
      if (!url)
        throw new QueueSendError(`sending to queue ${queue} failed: no URL configured`, {
          queue,
          failedCount: bodies.length,
          retryable: false,
        });

      const messages = bodies.map((body, index) => serialize(queue, body, index));
      const failures: BatchResultErrorEntry[] = [];
      const sendOne = async (batch: SendMessageBatchRequestEntry[]) => {
        const failed = await sendBatch(queue, batch);
        const retriable = failed.filter((f) => !f.SenderFault);
        const senderFaults = failed.filter((f) => f.SenderFault);
        failures.push(...senderFaults);
        if (retriable.length > 0) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
          const ids = new Set(retriable.map((f) => f.Id));
          failures.push(
            ...(await sendBatch(
              queue,
              batch.filter((entry) => ids.has(entry.Id)),
            )),
          );
        }
      };
      // A few batches in flight: a fan-out page of 1,000 deliveries is 100 requests, and SQS
      // standard queues keep no order to preserve.
      const batches = toBatches(messages);
      const worker = async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) await sendOne(batch);
      };
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, batches.length) }, worker));

      if (failures.length > 0) {
        const codes = [...new Set(failures.map((f) => f.Code ?? 'unknown'))].join(', ');
        throw new QueueSendError(`sending to queue ${queue} failed: ${failures.length} of ${bodies.length} messages rejected (${codes})`, {
          queue,
          failedCount: failures.length,
          retryable: failures.some((f) => !f.SenderFault),
        });
      }
    },

    async delayRetry(queue, receiptHandle, seconds) {
      // Never 0: that releases the message at once, and fauxqs 2.4 with persistence loses a
      // message released that way. SQS caps a visibility timeout at 12 hours.
      const timeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(seconds)));
      await client.call('ChangeMessageVisibility', { QueueUrl: urls[queue], ReceiptHandle: receiptHandle, VisibilityTimeout: timeout });
    },

    async sendToDeadLetter(queue, body) {
      const url = deadLetterUrls[queue];
      // Retryable: without the URL the message takes the usual way to the DLQ, by retries.
      if (!url)
        throw new QueueSendError(`dead-lettering a ${queue} message failed: no dead-letter queue URL configured`, {
          queue,
          failedCount: 1,
          retryable: true,
        });
      try {
        await client.call('SendMessage', { QueueUrl: url, MessageBody: body });
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error);
        throw new QueueSendError(`dead-lettering a ${queue} message failed: ${why}`, {
          queue,
          failedCount: 1,
          retryable: true,
          cause: error,
        });
      }
    },
  };
}

/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * JSON text of one body, with U+FFFE, U+FFFF and every character outside the BMP (emoji) written
 * as `\uXXXX` escapes, which JSON.parse turns back into the same string. SQS refuses U+FFFE and
 * U+FFFF in a body and JSON.stringify leaves them raw; fauxqs 2.4 also refuses characters
 * outside the BMP (its check reads surrogate pairs as invalid), which real SQS accepts.
 * Escaped, every body is accepted everywhere.
 */
function serialize(queue: QueueName, body: unknown, index: number): string {
  const text = queueMessageText(body);
  if (text === undefined) {
    throw new InvalidMessageError(`sending to queue ${queue} failed: message ${index} is not JSON-serialisable`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new QueueMessageTooLargeError(
      `sending to queue ${queue} failed: message ${index} is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`,
    );
  }
  return text;
}

/** Groups bodies into requests of at most 10 entries and 256 KiB, with ids unique per request. */
function toBatches(messages: string[]): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let currentBytes = 0;
  messages.forEach((text, index) => {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (current.length === MAX_BATCH_ENTRIES || currentBytes + bytes > MAX_MESSAGE_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push({ Id: `m${index}`, MessageBody: text });
    currentBytes += bytes;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
