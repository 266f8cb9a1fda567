import type { Context, SQSEvent } from 'aws-lambda';
import { recordHeadlines } from '../../shared/api/index.ts';
import { readEnv } from '../../shared/config/env.ts';
import { fanOut } from '../../shared/fanout/fan-out.ts';
import { alertMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { digestStore, headlineStore, subscriptionStore } from '../../shared/runtime/store-factories.ts';

/** fan-out: one alert → one delivery message per (subscriber, channel), paged with follow-ups. */
export function createHandler(deps: Deps): SqsHandler {
  return createSqsConsumer({
    name: 'fan-out',
    schema: alertMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    async handleMessage(alert) {
      await fanOut(alert, deps);
      // The operator's status page lists recent stories by topic (best effort, first page only).
      await recordHeadlines(alert, deps);
    },
  });
}

/** The stores over the tables fan-out may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { subscriptions: subscriptionStore, digests: digestStore, headlines: headlineStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
