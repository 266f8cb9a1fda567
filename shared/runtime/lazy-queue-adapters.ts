import { loadOnce } from '../core/load-once.ts';
import type { QueueAdapters } from '../queue/sqs/queue-adapters.ts';

/**
 * The queue ports, with the adapters behind them (and the SQS client) loaded by `load` at the
 * first call of any of them, once: an invocation that sends nothing (a feed with no new item, a
 * delivery that succeeds, a bounce recorded) never loads the SQS client. A failed load is
 * tried again at the next call.
 */
export function createLazyQueueAdapters(load: () => Promise<QueueAdapters>): QueueAdapters {
  const adapters = loadOnce(load);
  return {
    queue: {
      send: async (queue, bodies) => (await adapters()).queue.send(queue, bodies),
      delayRetry: async (queue, receiptHandle, seconds) => (await adapters()).queue.delayRetry(queue, receiptHandle, seconds),
      sendToDeadLetter: async (queue, body) => (await adapters()).queue.sendToDeadLetter(queue, body),
    },
    queueInspector: { depths: async () => (await adapters()).queueInspector.depths() },
    deadLetters: { redrive: async (queue) => (await adapters()).deadLetters.redrive(queue) },
  };
}
