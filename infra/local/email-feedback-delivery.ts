/**
 * SES feedback in one-process mode. There is no SES here, so a notification is handed in (tests,
 * an operator replaying one) and delivered as SNS would: one SNS event to each function whose
 * `email-feedback` trigger lists the notification's event type.
 */
import type { SNSEvent } from 'aws-lambda';
import { topology, type EmailFeedbackEvent, type FunctionName } from '../topology.ts';
import { localRegion } from './engines.ts';
import type { HandlerMap } from './handler-loading.ts';
import { createInvocationContext } from './invocation-context.ts';
import type { LocalWiring } from './runtime-triggers.ts';

/**
 * Delivers a notification (its JSON value, or the SNS message text) to the targets, one after
 * the other. Returns what each returned; a function's failure is thrown.
 */
export async function deliverFeedbackNotification(
  targets: LocalWiring['emailFeedback'],
  handlers: HandlerMap,
  notification: unknown,
): Promise<{ function: FunctionName; result: unknown }[]> {
  const event = feedbackEventOf(notification);
  const results: { function: FunctionName; result: unknown }[] = [];
  for (const target of targets) {
    if (event !== 'unnamed' && !(target.events as string[]).includes(event)) continue;
    const spec = topology.functions[target.function];
    const handler = handlers.get(target.function) as (event: SNSEvent, context: unknown) => unknown;
    const result = await handler(snsEventOf(notification), createInvocationContext(target.function, spec.timeoutSeconds, spec.memoryMb));
    results.push({ function: target.function, result });
  }
  return results;
}

/**
 * The event type a notification names (`eventType`, or `notificationType` in an identity's
 * notifications) in the topology's words (`Bounce` → `bounce`, `DeliveryDelay` →
 * `deliverydelay`), or `unnamed` when it names none: then it goes to every feedback function,
 * whose validation has the last word.
 */
function feedbackEventOf(notification: unknown): EmailFeedbackEvent | (string & {}) | 'unnamed' {
  let value = notification;
  if (typeof notification === 'string') {
    try {
      value = JSON.parse(notification);
    } catch {
      return 'unnamed';
    }
  }
  const { eventType, notificationType } = (value ?? {}) as { eventType?: unknown; notificationType?: unknown };
  const type = typeof eventType === 'string' ? eventType : notificationType;
  return typeof type === 'string' && type.length > 0 ? type.toLowerCase() : 'unnamed';
}

/** The event SNS sends a subscribed function, carrying one message. */
function snsEventOf(notification: unknown): SNSEvent {
  const topicArn = `arn:aws:sns:${localRegion}:000000000000:news-alerts-email-feedback`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${crypto.randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: crypto.randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: typeof notification === 'string' ? notification : JSON.stringify(notification),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
