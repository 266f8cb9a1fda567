import type { QueueName } from '../../infra/topology.ts';

/** The queue port: send JSON bodies to a named queue of the topology. */
export interface MessageQueue {
  /** Sends in SQS batches of at most 10; throws a retryable error if any entry failed. */
  send(queue: QueueName, bodies: unknown[]): Promise<void>;
}
