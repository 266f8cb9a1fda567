import type { Context, SQSEvent } from 'aws-lambda';
import { readEnv } from '../../shared/config/env.ts';
import { deliverWebhook } from '../../shared/delivery/deliver-webhook.ts';
import { deliveryMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';

/** deliver-webhook: one delivery message → one signed JSON (or Slack) POST, recorded by deliveryKey. */
export function createHandler(deps: Deps): SqsHandler {
  return createSqsConsumer({
    name: 'deliver-webhook',
    schema: deliveryMessageSchema,
    log: deps.log,
    async handleMessage(message) {
      await deliverWebhook(message, { ...deps, allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK });
    },
  });
}

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv())))(event, context);
