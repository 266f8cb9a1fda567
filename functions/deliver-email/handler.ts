import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { topology } from '../../infra/topology.ts';
import { readEnv } from '../../shared/config/env.ts';
import { deliverWithRetry, DEFAULT_RETRY_POLICY, deliverEmail, type RetryPolicy } from '../../shared/delivery/index.ts';
import { deliverDigest, emailQueueMessageSchema } from '../../shared/digest/index.ts';
import { createMailingDeps } from '../../shared/runtime/create-mailing-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';
import { deliveryStore, subscriptionStore } from '../../shared/runtime/store-factories.ts';
import { createKeyRingReader } from '../../shared/subscriptions/index.ts';

export interface DeliverEmailHandlerOptions {
  /** Retry timing of failed sends (the default: 5 s growing ×4 to 6 h, with jitter). */
  retryPolicy?: RetryPolicy;
}

/**
 * deliver-email: one message → one email through the configured mailer, an instant alert or a
 * digest, with RFC 8058 unsubscribe headers when the deployment has an unsubscribe key and a
 * public base URL. The key ring is read per message through the secret source's cache, so a
 * rotation reaches new emails within minutes. A retryable failure is rethrown after pushing the
 * next attempt out (backoff with jitter); a failure no retry can help (the mail setup refusing
 * every send, an invalid message) goes to the email DLQ at once when QUEUE_EMAIL_DLQ_URL is set,
 * so the operator's alarm fires now.
 */
export function createHandler(deps: Deps, options: DeliverEmailHandlerOptions = {}): SqsHandler {
  const readKeyRing = createKeyRingReader(deps.secrets);
  const { maxReceiveCount } = topology.queues.email;
  const deadLetter = emailDeadLetter(deps);
  return createSqsConsumer({
    name: 'deliver-email',
    schema: emailQueueMessageSchema,
    log: deps.log,
    metrics: deps.metrics,
    ...(deadLetter ? { deadLetter } : {}),
    async handleMessage(message, record) {
      const { deliveryKey, subscriberId } = message;
      const storyId = 'kind' in message ? `digest:${message.dueAt}` : message.storyId;
      const attempt = {
        queue: 'email' as const,
        record,
        deliveryKey,
        subscriberId,
        storyId,
        maxReceiveCount,
        deadLettersAtOnce: deadLetter !== undefined,
      };
      await deliverWithRetry(attempt, deps, options.retryPolicy ?? DEFAULT_RETRY_POLICY, async () => {
        const compose = { from: deps.env.MAIL_FROM, publicBaseUrl: await deps.publicBaseUrl(), tokenKeys: await readKeyRing() };
        if ('kind' in message) await deliverDigest(message, deps, compose);
        else await deliverEmail(message, deps, compose);
      });
    },
  });
}

/** Sends a record to the email queue's DLQ, when its URL is configured. */
function emailDeadLetter(deps: Deps): ((record: SQSRecord) => Promise<void>) | undefined {
  const { queue, env } = deps;
  if (!env.QUEUE_EMAIL_DLQ_URL) return undefined;
  return (record) => queue.sendToDeadLetter('email', record.body);
}

/** The stores over the tables deliver-email may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { deliveries: deliveryStore, subscriptions: subscriptionStore };

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createMailingDeps(readEnv(), { stores })))(event, context);
