import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { readEnv } from '../../shared/config/env.ts';
import { handleEmailFeedback, parseSesNotification, type EmailFeedbackOutcome } from '../../shared/feedback/index.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { withLambdaLogContext } from '../../shared/runtime/lambda-context.ts';
import { withMetricsFlush } from '../../shared/runtime/pipeline-metrics.ts';
import { subscriptionStore } from '../../shared/runtime/store-factories.ts';

export type EmailFeedbackHandler = (event: SNSEvent, context?: Partial<Context>) => Promise<EmailFeedbackOutcome[]>;

/**
 * handle-email-feedback (SNS: the SES configuration set's bounce and complaint events): one
 * outcome per notification. A message that is not a valid SES notification, or a store error,
 * fails the invocation: Lambda retries it, then puts it in the function's dead-letter queue.
 * SNS delivers one record per invocation; should there be more, each is handled before the
 * first failure is thrown, and handling one twice changes nothing. Each event is counted in the
 * EmailFeedback metric, by kind.
 */
export function createHandler(deps: Deps): EmailFeedbackHandler {
  async function handleFeedbackEvent(event: SNSEvent): Promise<EmailFeedbackOutcome[]> {
    const outcomes: EmailFeedbackOutcome[] = [];
    const failures: unknown[] = [];
    for (const record of event.Records ?? []) {
      try {
        const notification = parseSesNotification(record.Sns.Message, `SNS message ${record.Sns.MessageId}`);
        outcomes.push(await handleEmailFeedback(notification, deps));
      } catch (error) {
        deps.log.error('email feedback failed', {
          messageId: record.Sns?.MessageId,
          error: error instanceof Error ? error.message : String(error),
        });
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
    return outcomes;
  }

  const handler = withMetricsFlush(withLambdaLogContext(middy(handleFeedbackEvent), deps.log), deps.metrics);
  return (event, context) => handler(event, (context ?? {}) as Context);
}

/** The stores over the tables handle-email-feedback may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { subscriptions: subscriptionStore };

let cached: EmailFeedbackHandler | undefined;
export const handler: EmailFeedbackHandler = (event, context) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
