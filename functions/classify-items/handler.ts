import type { Context, SQSEvent } from 'aws-lambda';
import { readEnv } from '../../shared/config/env.ts';
import { MessageDeferredError } from '../../shared/core/errors.ts';
import { createTopicEngineLoader, handleItems } from '../../shared/feeds/index.ts';
import { itemsMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { itemStore, storyStore, topicStore } from '../../shared/runtime/store-factories.ts';

/**
 * classify-items: the new items of one feed that poll-feed handed on → stories (near-duplicates
 * of items already alerted send none), classify, alert, mark done. The topic engine is built at
 * the first message (the classifier's code loads then) and refreshed every minute (user topics).
 * Messages of one feed in a batch are handled one after another: they would wait for each
 * other's lease on the feed's items anyway.
 */
export function createHandler(deps: Deps): SqsHandler {
  const engines = createTopicEngineLoader({
    topics: deps.topics,
    clock: deps.clock,
    log: deps.log,
    // A chunk of its own: loaded at the first message, not at init.
    classifier: () => import('../../shared/classify/index.ts'),
  });
  const feedTurns = new Map<string, Promise<unknown>>();
  return createSqsConsumer({
    name: 'classify-items',
    schema: itemsMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    async handleMessage(message, record) {
      const previous = feedTurns.get(message.feedId) ?? Promise.resolve();
      const turn = previous.then(() => handleItems(message, { ...deps, engine: () => engines.get() }));
      const settled = turn.catch(() => undefined);
      feedTurns.set(message.feedId, settled);
      try {
        await turn;
      } catch (error) {
        // Another run holds the feed's items: back in a while rather than after the whole visibility timeout.
        if (error instanceof MessageDeferredError) {
          await deps.queue.delayRetry('items', record.receiptHandle, error.retryInSeconds).catch((delayError: unknown) => {
            deps.log.warn('delaying items of a busy feed failed; the queue visibility timeout applies', {
              feedId: message.feedId,
              error: String(delayError),
            });
          });
        }
        throw error;
      } finally {
        if (feedTurns.get(message.feedId) === settled) feedTurns.delete(message.feedId);
      }
    },
  });
}

/** The stores over the tables classify-items may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { items: itemStore, topics: topicStore, stories: storyStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
