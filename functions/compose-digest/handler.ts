import type { Context, SQSEvent } from 'aws-lambda';
import { readEnv } from '../../shared/config/env.ts';
import { digestDueMessageSchema, sendQueuedDigest } from '../../shared/digest/index.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { digestStore, storyStore, subscriptionStore } from '../../shared/runtime/store-factories.ts';

/**
 * compose-digest: one digest-due message → the digest's email on the email queue, its entries
 * marked sent and its window closed. A failure is retried by SQS (the head stays due), then
 * dead-lettered.
 */
export function createHandler(deps: Deps): SqsHandler {
  return createSqsConsumer({
    name: 'compose-digest',
    schema: digestDueMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    async handleMessage(message) {
      // The story store gives each story's members as of sending ("also reported by").
      const outcome = await sendQueuedDigest(message, {
        digests: deps.digests,
        subscriptions: deps.subscriptions,
        queue: deps.queue,
        stories: deps.stories,
        clock: deps.clock,
        log: deps.log,
        events: deps.events,
      });
      deps.log.info('digest composed', { subscriberId: message.subscriberId, channelId: message.channelId, outcome: outcome.kind });
    },
  });
}

/** The stores over the tables compose-digest may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { digests: digestStore, subscriptions: subscriptionStore, stories: storyStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
