/**
 * When the one-process runtime has drained: no queue holds a message to hand out and no batch or
 * scheduled run is in flight, for two looks in a row. Tests and the demo wait on it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NewsAlertsError } from '../../shared/core/errors.ts';
import type { QueueName } from '../topology.ts';
import type { EventSourceLoop } from './event-source-loop.ts';
import type { ProvisionedQueues } from './provision.ts';
import { countMessages, type MessageCounts, type QueueDepth } from './queue-inspection.ts';
import type { Scheduler } from './scheduler.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';

export interface WaitForIdleOptions {
  /** Give up (IdleTimeoutError) after this long. Default 30 s. */
  timeoutMs?: number;
  /**
   * Also wait for messages that are not visible: by default a message waiting out its
   * visibility timeout after a failure does not keep the runtime busy (with the topology's
   * timeouts that is minutes); with true, idle means every such message has been retried to
   * success or moved to its DLQ.
   */
  includeNotVisible?: boolean;
}

/** `waitForIdle` ran out of time; the message says what was still busy. */
export class IdleTimeoutError extends NewsAlertsError {}

export interface IdleDetector {
  /** Message counts of every queue and its DLQ. */
  queueDepths(): Promise<Record<QueueName, QueueDepth>>;
  /**
   * Resolves once the runtime is idle, with the message counts of the queues the loops consume
   * as the last look found them (what a caller would otherwise ask for again); throws
   * IdleTimeoutError when it is not idle in time.
   */
  waitForIdle(options?: WaitForIdleOptions): Promise<Record<QueueName, MessageCounts>>;
}

/** Pause between two looks at the queues in `waitForIdle`. */
const IDLE_POLL_MS = 50;

export function createIdleDetector(parts: {
  sqs: SqsClient;
  queues: ProvisionedQueues;
  loops: ReadonlyMap<unknown, EventSourceLoop>;
  scheduler: Scheduler;
}): IdleDetector {
  const { sqs, queues, loops, scheduler } = parts;
  const activity = () => [...loops.values()].reduce((sum, loop) => sum + loop.activity, 0);
  const busy = () => scheduler.running > 0 || [...loops.values()].some((loop) => loop.inFlight > 0);

  async function queueDepths(): Promise<Record<QueueName, QueueDepth>> {
    const depths = {} as Record<QueueName, QueueDepth>;
    for (const [queue, provisioned] of Object.entries(queues) as [QueueName, ProvisionedQueues[QueueName]][]) {
      const main = await countMessages(sqs, provisioned.url);
      depths[queue] = { ...main, deadLetters: await countMessages(sqs, provisioned.dlqUrl) };
    }
    return depths;
  }

  /** The consumed queues' counts when the runtime looks idle; undefined when it does not. */
  async function looksIdle(includeNotVisible: boolean): Promise<Record<QueueName, MessageCounts> | undefined> {
    const before = activity();
    if (busy()) return undefined;
    // Only the queues the loops consume: nothing here reads a dead-letter queue, so what waits
    // there keeps nothing busy, and a look costs one request per queue, not two.
    const counts = {} as Record<QueueName, MessageCounts>;
    for (const [queue, provisioned] of Object.entries(queues) as [QueueName, ProvisionedQueues[QueueName]][]) {
      const depth = await countMessages(sqs, provisioned.url);
      if (depth.visible !== 0 || depth.delayed !== 0 || (includeNotVisible && depth.notVisible !== 0)) return undefined;
      counts[queue] = depth;
    }
    // A batch that started or settled while we looked could have moved messages unseen.
    return !busy() && activity() === before ? counts : undefined;
  }

  async function waitForIdle(waitOptions: WaitForIdleOptions = {}): Promise<Record<QueueName, MessageCounts>> {
    const timeoutMs = waitOptions.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    let quietLooks = 0;
    for (;;) {
      const counts = await looksIdle(waitOptions.includeNotVisible ?? false);
      quietLooks = counts ? quietLooks + 1 : 0;
      // Two quiet looks in a row: a receive answered between them would have shown up.
      if (counts && quietLooks >= 2) return counts;
      if (Date.now() > deadline) {
        throw new IdleTimeoutError(
          `local runtime did not become idle within ${timeoutMs} ms: ${JSON.stringify(await queueDepths())}, batches in flight ${[...loops.values()].reduce((n, l) => n + l.inFlight, 0)}, scheduled runs ${scheduler.running}`,
        );
      }
      await sleep(IDLE_POLL_MS);
    }
  }

  return { queueDepths, waitForIdle };
}
