import type { QueueName } from '../core/resource-names.ts';

/** The queue port: send JSON bodies to a named queue of the topology. */
export interface MessageQueue {
  /** Sends in SQS batches of at most 10; throws a retryable error if any entry failed. */
  send(queue: QueueName, bodies: unknown[]): Promise<void>;
  /**
   * Keeps a received message hidden `seconds` more (SQS ChangeMessageVisibility, at least 1 s),
   * so its next attempt comes no sooner: retry backoff that honours `Retry-After`.
   */
  delayRetry(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
  /**
   * Puts a received message's body, unchanged, straight into the queue's dead-letter queue: for
   * a message no retry can help, so the operator hears of it at once (the DLQ alarm) instead of
   * after maxReceiveCount receives. An adapter that has no URL for that queue's DLQ throws a
   * retryable error, and the message is then retried as usual.
   */
  sendToDeadLetter(queue: QueueName, body: string): Promise<void>;
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

/** What one redrive did. */
export interface RedriveOutcome {
  /** `move-task`: SQS's StartMessageMoveTask (asynchronous); `move-loop`: receive → send → delete. */
  method: 'move-task' | 'move-loop';
  /**
   * Messages moved back (move loop), or the DLQ's approximate visible count when the move task
   * started (the task moves them in the background).
   */
  moved: number;
  /** Messages whose send to the source queue failed (move loop); they stay in the DLQ. */
  failed: number;
  /** The move task's handle (move task only). */
  taskHandle?: string;
}

/** Puts a queue's dead letters back on the queue (the operator's redrive). */
export interface DeadLetterRedriver {
  redrive(queue: QueueName): Promise<RedriveOutcome>;
}
