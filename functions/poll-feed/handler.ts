import type { Context, SQSEvent } from 'aws-lambda';
import { readEnv } from '../../shared/config/env.ts';
import { pollFeed } from '../../shared/feeds/index.ts';
import { pollMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { feedStore, itemStore } from '../../shared/runtime/store-factories.ts';
import { createPushSubscriptions } from '../../shared/websub/index.ts';

/**
 * poll-feed: one poll message → fetch (or the document a WebSub push brought), parse, exact
 * dedup; the new items go to classify-items (the `items` queue); then the feed's WebSub
 * subscription is kept up. No classifier or story matcher here: they are classify-items' code.
 */
export function createHandler(deps: Deps): SqsHandler {
  // WebSub: each poll discovers the feed's hub and keeps its subscription (callback on our API).
  const push = createPushSubscriptions({ ...deps, allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK });
  return createSqsConsumer({
    name: 'poll-feed',
    schema: pollMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    async handleMessage(message) {
      await pollFeed(message, { ...deps, push });
    },
  });
}

/** The stores over the tables poll-feed may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { feeds: feedStore, items: itemStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
