import { checkFilterQuery, FilterQueryError } from '../classify/index.ts';
import { NewsAlertsError } from '../core/errors.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import { subscriberSchema, type Subscriber, type SubscriberInput } from '../store/records.ts';
import { decodeWebhookSecret, WebhookSecretError } from './webhook-secret.ts';

/** A subscriber that cannot be stored as given. Never retryable; the message lists every problem. */
export class SubscriberInvalidError extends NewsAlertsError {
  readonly problems: string[];

  constructor(subscriberId: string, problems: string[]) {
    super(`subscriber is invalid: ${problems.join('; ')} (subscriber ${subscriberId})`);
    this.problems = problems;
  }
}

export interface ValidateSubscriberOptions {
  /** Topic ids that exist (built-in and user topics); when given, every topic must be one. */
  knownTopicIds?: Iterable<string>;
}

/**
 * Checks a subscriber before it is stored, beyond its schema: topics exist, the filter query
 * compiles, channel ids are unique, cadences name channels of the subscriber and digests are
 * only for email, JSON webhooks have a valid signing secret. Returns the parsed subscriber.
 */
export function validateSubscriber(input: SubscriberInput, options: ValidateSubscriberOptions = {}): Subscriber {
  const parsed = subscriberSchema.safeParse(input);
  const id = typeof input?.subscriberId === 'string' ? input.subscriberId : '(no id)';
  if (!parsed.success) throw new SubscriberInvalidError(id, [formatZodIssues(parsed.error.issues)]);
  const subscriber = parsed.data;
  const problems: string[] = [];

  if (options.knownTopicIds) {
    const known = new Set(options.knownTopicIds);
    for (const topic of subscriber.topics) {
      if (!known.has(topic)) problems.push(`unknown topic "${topic}" (known: ${[...known].join(', ')})`);
    }
  }

  if (subscriber.filter !== undefined) {
    try {
      checkFilterQuery(subscriber.filter);
    } catch (error) {
      if (!(error instanceof FilterQueryError)) throw error;
      problems.push(error.message);
    }
  }

  const ids = subscriber.channels.map((channel) => channel.channelId);
  const repeated = ids.filter((channelId, i) => ids.indexOf(channelId) !== i);
  if (repeated.length > 0) problems.push(`channel id "${repeated[0]}" is used twice`);

  for (const [channelId, cadence] of Object.entries(subscriber.cadence ?? {})) {
    const channel = subscriber.channels.find((c) => c.channelId === channelId);
    if (!channel) problems.push(`cadence names channel "${channelId}", which the subscriber does not have`);
    else if (cadence !== 'instant' && channel.kind !== 'email') {
      problems.push(`channel "${channelId}" is a webhook: digests (${cadence}) are sent by email only`);
    }
  }

  const jsonWebhooks = subscriber.channels.filter((c) => c.kind === 'webhook' && c.format === 'json');
  if (jsonWebhooks.length > 0 && !subscriber.webhookSecret) {
    problems.push('a webhookSecret is needed to sign JSON webhooks');
  }
  for (const [field, value] of [
    ['webhookSecret', subscriber.webhookSecret],
    ['previousWebhookSecret', subscriber.previousWebhookSecret],
  ] as const) {
    if (value === undefined) continue;
    for (const secret of value.split(/\s+/).filter(Boolean)) {
      try {
        decodeWebhookSecret(secret);
      } catch (error) {
        if (!(error instanceof WebhookSecretError)) throw error;
        problems.push(`${field}: ${error.message}`);
      }
    }
  }

  if (problems.length > 0) throw new SubscriberInvalidError(subscriber.subscriberId, problems);
  return subscriber;
}
