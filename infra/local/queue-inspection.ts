/**
 * Looking into the local queues without consuming them: depths for `waitForIdle` and status
 * output, and dead letters for `dlq list`.
 */
import type { FauxqsInspection } from './fauxqs-sqs.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';

export interface MessageCounts {
  /** Ready to be received (ApproximateNumberOfMessages). */
  visible: number;
  /** Received and not yet deleted, or waiting out a visibility timeout after a failure. */
  notVisible: number;
  delayed: number;
}

export interface QueueDepth extends MessageCounts {
  deadLetters: MessageCounts;
}

export async function countMessages(client: SqsClient, queueUrl: string): Promise<MessageCounts> {
  const { Attributes = {} } = await client.call('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  });
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    notVisible: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

export interface DeadLetter {
  messageId: string;
  body: string;
  /** Receives so far, the ones on the source queue included. */
  receiveCount: number;
  sentAt: Date;
  /** The message's own attributes (SQS MessageAttributes), as sent. */
  messageAttributes: Record<string, { DataType: string; StringValue?: string }>;
}

/**
 * Lists up to `limit` messages of a queue (ready, delayed and in flight, oldest first) without
 * touching them, through fauxqs's in-process inspection. Receiving and releasing them instead
 * (ChangeMessageVisibility 0) would be engine-neutral, but fauxqs 2.4 with persistence drops a
 * released message from memory (its SQLite update violates a NOT NULL constraint).
 */
export function inspectMessages(server: FauxqsInspection, queueName: string, limit = 100): DeadLetter[] {
  return toDeadLetters(server.inspectQueue(queueName), limit);
}

/**
 * `inspectMessages` for a fauxqs in another process (a running `news-alerts run`), through its
 * HTTP inspection endpoint (`GET /_fauxqs/queues/<name>`), which answers the same state.
 */
export async function inspectMessagesOverHttp(endpoint: string, queueName: string, limit = 100): Promise<DeadLetter[]> {
  const response = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`queue inspection failed: HTTP ${response.status} (${queueName})`);
  return toDeadLetters((await response.json()) as QueueState, limit);
}

type QueueState = ReturnType<FauxqsInspection['inspectQueue']>;

function toDeadLetters(state: QueueState, limit: number): DeadLetter[] {
  if (!state) return [];
  const { ready, delayed, inflight } = state.messages;
  return [...ready, ...delayed, ...inflight.map((entry) => entry.message)]
    .sort((a, b) => a.sentTimestamp - b.sentTimestamp)
    .slice(0, limit)
    .map((message) => ({
      messageId: message.messageId,
      body: message.body,
      receiveCount: message.approximateReceiveCount,
      sentAt: new Date(message.sentTimestamp),
      messageAttributes: message.messageAttributes as DeadLetter['messageAttributes'],
    }));
}
