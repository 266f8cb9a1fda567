/**
 * On start, every message a queue holds in flight is an orphan: the data folder is locked to one
 * process, so whatever received it is gone (killed, crashed, powered off). Waiting out the
 * visibility timeout (three to six minutes) would make those alerts minutes late, so they are
 * made visible again at once.
 */
import type { FauxqsInspection } from './fauxqs-sqs.ts';
import type { QueueName } from '../topology.ts';
import type { ProvisionedQueues } from './provision.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';

/**
 * Seconds an orphan stays invisible: fauxqs 2.4 drops from memory a message whose visibility is
 * set to 0 while persisting (its SQLite update breaks a NOT NULL constraint, see
 * queue-inspection.ts); 1 s takes the working path and costs a second.
 */
const ORPHAN_VISIBILITY_SECONDS = 1;

/**
 * Makes every in-flight message of the queues visible again (after a second), through
 * ChangeMessageVisibility with the receipt handles fauxqs's inspection lists. Returns how many
 * per queue (only queues that had any). Call before the queues' consumers start.
 */
export async function releaseOrphanedMessages(
  server: FauxqsInspection,
  sqs: SqsClient,
  queues: ProvisionedQueues,
): Promise<Partial<Record<QueueName, number>>> {
  const released: Partial<Record<QueueName, number>> = {};
  for (const [queue, provisioned] of Object.entries(queues) as [QueueName, ProvisionedQueues[QueueName]][]) {
    const name = provisioned.url.slice(provisioned.url.lastIndexOf('/') + 1);
    const handles = (server.inspectQueue(name)?.messages.inflight ?? []).map((entry) => entry.receiptHandle);
    for (let start = 0; start < handles.length; start += 10) {
      const entries = handles
        .slice(start, start + 10)
        .map((handle, i) => ({ Id: String(i), ReceiptHandle: handle, VisibilityTimeout: ORPHAN_VISIBILITY_SECONDS }));
      await sqs.call('ChangeMessageVisibilityBatch', { QueueUrl: provisioned.url, Entries: entries });
    }
    if (handles.length > 0) released[queue] = handles.length;
  }
  return released;
}
