import type { QueueName } from '../../core/resource-names.ts';
import type { DeadLetterRedriver, MessageQueue, QueueInspector } from '../ports.ts';
import { createSqsDeadLetterRedriver } from './dead-letter-redrive.ts';
import type { SqsClient } from './sqs-client.ts';
import { createSqsMessageQueue } from './sqs-message-queue.ts';
import { createSqsQueueInspector } from './sqs-queue-inspector.ts';

/** The three queue ports, over one SQS client. */
export interface QueueAdapters {
  queue: MessageQueue;
  queueInspector: QueueInspector;
  deadLetters: DeadLetterRedriver;
}

/**
 * The queue adapters over the topology's queues (by URL): sending, depths for the status page,
 * and redrive of dead letters. `useMoveTask`: SQS's StartMessageMoveTask is worth trying (AWS,
 * LocalStack), else the move loop.
 */
export function createQueueAdapters(
  client: SqsClient,
  urls: Record<QueueName, string>,
  options: { useMoveTask: boolean; deadLetterUrls?: Partial<Record<QueueName, string>> },
): QueueAdapters {
  return {
    // deadLetterUrls: the DLQs a consumer may send to at once (deliver-email's setup faults).
    queue: createSqsMessageQueue(client, urls, options.deadLetterUrls ?? {}),
    queueInspector: createSqsQueueInspector(client, urls),
    deadLetters: createSqsDeadLetterRedriver(client, urls, options),
  };
}
