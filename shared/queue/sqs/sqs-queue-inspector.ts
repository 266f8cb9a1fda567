import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import { NewsAlertsError } from '../../core/errors.ts';
import type { QueueName } from '../../core/resource-names.ts';
import type { QueueDepthReport, QueueInspector, QueueMessageCounts } from '../ports.ts';
import type { SqsClient } from './sqs-client.ts';

const COUNT_ATTRIBUTES: QueueAttributeName[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/**
 * QueueInspector on SQS: GetQueueAttributes on each queue, and on its dead-letter queue, found
 * through the queue's RedrivePolicy. The DLQ's URL is the queue's URL with the DLQ's name in
 * place of the queue's (same endpoint, same account), so no GetQueueUrl permission is needed.
 */
export function createSqsQueueInspector(client: SqsClient, urls: Record<QueueName, string>): QueueInspector {
  const dlqUrls = new Map<QueueName, string | null>();

  async function attributes(queueUrl: string, names: QueueAttributeName[]): Promise<Record<string, string>> {
    try {
      const output = await client.call('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: names });
      return output.Attributes ?? {};
    } catch (error) {
      throw new NewsAlertsError(`queue depth read failed: ${(error as Error).message} (queue ${queueUrl})`, {
        retryable: true,
        cause: error,
      });
    }
  }

  function counts(attrs: Record<string, string>): QueueMessageCounts {
    return {
      visible: Number(attrs.ApproximateNumberOfMessages ?? 0),
      notVisible: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(attrs.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  return {
    async depths() {
      const entries = await Promise.all(
        (Object.entries(urls) as [QueueName, string][]).map(async ([queue, url]): Promise<[QueueName, QueueDepthReport]> => {
          const main = await attributes(url, [...COUNT_ATTRIBUTES, 'RedrivePolicy']);
          if (!dlqUrls.has(queue)) dlqUrls.set(queue, deadLetterUrl(url, main.RedrivePolicy));
          const dlqUrl = dlqUrls.get(queue);
          const deadLetters = dlqUrl ? counts(await attributes(dlqUrl, [...COUNT_ATTRIBUTES])) : { visible: 0, notVisible: 0, delayed: 0 };
          return [queue, { ...counts(main), deadLetters }];
        }),
      );
      return Object.fromEntries(entries) as Record<QueueName, QueueDepthReport>;
    },
  };
}

/** `https://sqs…/123/poll` + policy naming `arn:aws:sqs:…:123:poll-dlq` → `https://sqs…/123/poll-dlq`. */
export function deadLetterUrl(queueUrl: string, redrivePolicy: string | undefined): string | null {
  if (!redrivePolicy) return null;
  let arn: unknown;
  try {
    arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch {
    return null;
  }
  if (typeof arn !== 'string') return null;
  const name = arn.split(':').at(-1);
  if (!name) return null;
  const url = new URL(queueUrl);
  const segments = url.pathname.split('/');
  segments[segments.length - 1] = encodeURIComponent(name);
  url.pathname = segments.join('/');
  return url.toString();
}
