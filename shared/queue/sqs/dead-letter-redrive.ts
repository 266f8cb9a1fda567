/**
 * Redrive over the SQS API: SQS's own StartMessageMoveTask where the engine has it (AWS,
 * LocalStack), else a move loop (receive from the DLQ, send to the source, then delete; never a
 * visibility change to 0, which fauxqs 2.4 with persistence turns into a lost message).
 */
import { NewsAlertsError } from '../../core/errors.ts';
import type { QueueName } from '../../core/resource-names.ts';
import type { DeadLetterRedriver, RedriveOutcome } from '../ports.ts';
import type { SqsClient } from './sqs-client.ts';
import { deadLetterUrl } from './sqs-queue-inspector.ts';

/** A work queue and its dead-letter queue. */
export interface QueuePair {
  name: QueueName;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface RedriveOptions {
  /** Try StartMessageMoveTask first (falls back to the loop when the engine lacks it). */
  useMoveTask: boolean;
}

/** Most messages one redrive moves by the loop; run it again for more. */
export const MAX_MOVED_PER_REDRIVE = 10_000;
/** How long a message received by the move loop stays hidden if its send fails. */
const MOVE_VISIBILITY_SECONDS = 60;
/** Error names of engines without StartMessageMoveTask. */
const NO_MOVE_TASK = new Set(['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException', 'InvalidParameterValue']);

/**
 * DeadLetterRedriver on SQS for the topology's queues, given their URLs: each DLQ is found
 * through the queue's RedrivePolicy (once, then cached); its URL is the queue's with the DLQ's name.
 */
export function createSqsDeadLetterRedriver(
  client: SqsClient,
  urls: Record<QueueName, string>,
  options: RedriveOptions,
): DeadLetterRedriver {
  const pairs = new Map<QueueName, Promise<QueuePair>>();
  return {
    async redrive(queue) {
      let pair = pairs.get(queue);
      if (!pair) {
        pair = locatePair(client, queue, urls[queue]);
        pairs.set(queue, pair);
        pair.catch(() => pairs.delete(queue));
      }
      return redriveQueuePair(client, await pair, options);
    },
  };
}

async function locatePair(client: SqsClient, name: QueueName, url: string): Promise<QueuePair> {
  const attrs = await attributesOf(client, url, ['QueueArn', 'RedrivePolicy']);
  const dlqUrl = deadLetterUrl(url, attrs.RedrivePolicy);
  const dlqArn = (JSON.parse(attrs.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  if (!attrs.QueueArn || !dlqUrl || !dlqArn) {
    throw new NewsAlertsError(`redrive failed: the queue has no dead-letter queue (queue ${name})`, { retryable: false });
  }
  return { name, url, arn: attrs.QueueArn, dlqUrl, dlqArn };
}

async function attributesOf(
  client: SqsClient,
  url: string,
  names: ('QueueArn' | 'RedrivePolicy' | 'ApproximateNumberOfMessages')[],
): Promise<Record<string, string>> {
  try {
    return (await client.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: names })).Attributes ?? {};
  } catch (error) {
    throw new NewsAlertsError(`redrive failed: reading queue attributes failed: ${(error as Error).message} (queue ${url})`, {
      retryable: true,
      cause: error,
    });
  }
}

/**
 * Puts a pair's dead letters back on its queue. With `useMoveTask`, asks SQS to do it
 * (asynchronous: `moved` is then the DLQ's approximate count) and falls back to the move loop
 * when the engine lacks it.
 */
export async function redriveQueuePair(client: SqsClient, pair: QueuePair, options: RedriveOptions): Promise<RedriveOutcome> {
  if (options.useMoveTask) {
    try {
      // Counted before the task starts moving them; a failed read only loses the count.
      const waiting = await attributesOf(client, pair.dlqUrl, ['ApproximateNumberOfMessages']).catch(() => ({}) as Record<string, string>);
      const { TaskHandle } = await client.call('StartMessageMoveTask', { SourceArn: pair.dlqArn, DestinationArn: pair.arn });
      return { method: 'move-task', moved: Number(waiting.ApproximateNumberOfMessages ?? 0), failed: 0, taskHandle: TaskHandle ?? '' };
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!NO_MOVE_TASK.has(name)) throw error;
    }
  }
  return moveLoop(client, pair);
}

/** Receive from the DLQ, send to the source queue, delete what was sent; bounded. */
export async function moveLoop(client: SqsClient, pair: QueuePair): Promise<RedriveOutcome> {
  let moved = 0;
  let failed = 0;
  while (moved + failed < MAX_MOVED_PER_REDRIVE) {
    const { Messages = [] } = await client.call('ReceiveMessage', {
      QueueUrl: pair.dlqUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
    });
    if (Messages.length === 0) break;
    const sent = await client.call('SendMessageBatch', {
      QueueUrl: pair.url,
      Entries: Messages.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body ?? '',
        // As received: in wire form (a binary value stays base64), which is what goes back.
        ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0
          ? { MessageAttributes: message.MessageAttributes }
          : {}),
      })),
    });
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    failed += Messages.length - ok.size;
    const toDelete = Messages.filter((_, index) => ok.has(String(index)));
    if (toDelete.length > 0) {
      await client.call('DeleteMessageBatch', {
        QueueUrl: pair.dlqUrl,
        Entries: toDelete.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      });
    }
    moved += toDelete.length;
    // Sends that failed stay in the DLQ (visible again after MOVE_VISIBILITY_SECONDS): stop here.
    if (ok.size < Messages.length) break;
  }
  return { method: 'move-loop', moved, failed };
}
