import type { QueueName } from '../../infra/topology.ts';

/** The queue port: send JSON bodies to a named queue of the topology. */
export interface MessageQueue {
  /** Sends in SQS batches of at most 10; throws a retryable error if any entry failed. */
  send(queue: QueueName, bodies: unknown[]): Promise<void>;
  /**
   * Keeps a received message hidden `seconds` more (SQS ChangeMessageVisibility, at least 1 s),
   * so its next attempt comes no sooner: retry backoff that honours `Retry-After`. Optional: a
   * queue without it retries on the queue's own visibility timeout.
   */
  delayRetry?(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
}

/** Message counts of one queue (SQS's approximate numbers). */
export interface QueueMessageCounts {
  /** Ready to be received. */
  visible: number;
  /** Received and not yet deleted, or waiting out a visibility timeout after a failure. */
  notVisible: number;
  delayed: number;
}

/** A queue's depth and its dead-letter queue's. */
export interface QueueDepthReport extends QueueMessageCounts {
  deadLetters: QueueMessageCounts;
}

/** Reads queue depths for the operator's status page (SQS GetQueueAttributes). */
export interface QueueInspector {
  depths(): Promise<Record<QueueName, QueueDepthReport>>;
}
