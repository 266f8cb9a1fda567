import type { Context, SQSEvent } from 'aws-lambda';
import { readEnv, type Env } from '../../shared/config/env.ts';
import { deliverEmail } from '../../shared/delivery/deliver-email.ts';
import { deliveryMessageSchema } from '../../shared/messages/schemas.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createSqsConsumer, type SqsHandler } from '../../shared/runtime/sqs-consumer.ts';

/** deliver-email: one delivery message → one alert email through the configured mailer. */
export function createHandler(deps: Deps): SqsHandler {
  const compose = {
    from: deps.env.MAIL_FROM,
    publicBaseUrl: deps.env.PUBLIC_BASE_URL,
    unsubscribeSecret: unsubscribeSecretOf(deps.env),
  };
  return createSqsConsumer({
    name: 'deliver-email',
    schema: deliveryMessageSchema,
    log: deps.log,
    async handleMessage(message) {
      await deliverEmail(message, deps, compose);
    },
  });
}

/**
 * The unsubscribe-token key, once the env schema carries `UNSUBSCRIBE_SECRET` (proposed); until
 * then undefined, and emails go out without List-Unsubscribe.
 */
function unsubscribeSecretOf(env: Env): string | undefined {
  const value = (env as Env & { UNSUBSCRIBE_SECRET?: unknown }).UNSUBSCRIBE_SECRET;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

let cached: SqsHandler | undefined;
export const handler = (event: SQSEvent, context?: Partial<Context>) =>
  (cached ??= createHandler(createDeps(readEnv())))(event, context);
