import type { Context, SQSEvent } from 'aws-lambda';
import { topology } from '../../infra/topology.ts';
import { readEnv } from '../../shared/config/env.ts';
import {
  deliverWithRetry,
  DEFAULT_RETRY_POLICY,
  deliverWebhook,
  createSlackSender,
  type RetryPolicy,
  type SlackSenderOptions,
} from '../../shared/delivery/index.ts';
import { deliveryMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { deliveryStore, subscriptionStore } from '../../shared/runtime/store-factories.ts';

export interface DeliverWebhookHandlerOptions {
  /** Retry timing of failed posts (the default: 5 s growing ×4 to 6 h, with jitter). */
  retryPolicy?: RetryPolicy;
  /** Slack pacing (default one message per second per webhook URL). */
  slack?: SlackSenderOptions;
}

/**
 * deliver-webhook: one delivery message → one signed JSON (or Slack) POST, recorded by
 * deliveryKey. A retryable failure is rethrown after pushing the message's next attempt out
 * (exponential backoff with jitter, at least the receiver's Retry-After); SQS dead-letters it
 * after the queue's maxReceiveCount.
 */
export function createHandler(deps: Deps, options: DeliverWebhookHandlerOptions = {}): SqsHandler {
  const allowPrivateNetwork = deps.env.ALLOW_PRIVATE_NETWORK;
  // One sender per handler: the deliveries of a batch for the same Slack webhook share messages.
  const slack = createSlackSender({ ...deps, allowPrivateNetwork }, options.slack);
  const { maxReceiveCount } = topology.queues.webhook;
  return createSqsConsumer({
    name: 'deliver-webhook',
    schema: deliveryMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    async handleMessage(message, record) {
      const { deliveryKey, subscriberId, storyId } = message;
      const attempt = { queue: 'webhook' as const, record, deliveryKey, subscriberId, storyId, maxReceiveCount };
      await deliverWithRetry(attempt, deps, options.retryPolicy ?? DEFAULT_RETRY_POLICY, async () => {
        await deliverWebhook(message, { ...deps, allowPrivateNetwork, slack });
      });
    },
  });
}

/** The stores over the tables deliver-webhook may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { deliveries: deliveryStore, subscriptions: subscriptionStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
