/**
 * Subscriptions: who gets what, how often and when. The subscriber record itself is in
 * `shared/store/records.ts`; this module reads it with its defaults, validates it before it is
 * stored, and computes digest times in the subscriber's time zone. It holds the use cases the
 * JSON API and the pages present: the subscription service (create with double opt-in or a
 * webhook challenge, confirm, read, change, pause, unsubscribe, delete), its input and views,
 * its emails and rate limits, the unsubscribe use case, and the signed tokens (`tokens/`).
 */
export { listTopics, type TopicSummary } from './list-topics.ts';
export { defaultRateLimits, type RateLimits } from './rate-limits.ts';
export { nextDigestAt, zonedTime } from './schedule.ts';
export {
  cadenceOf,
  channelStateOf,
  DEFAULT_DELIVERY_HOUR,
  DEFAULT_TIME_ZONE,
  digestScheduleOf,
  webhookSecretsOf,
} from './subscriber-settings.ts';
export { createSubscriptionSchema, parseInput, updateSubscriptionSchema } from './subscription-input.ts';
export {
  createSubscriptionService,
  DEFAULT_CONFIRM_HOURS,
  type SubscriptionService,
  type SubscriptionServiceDeps,
} from './subscription-service.ts';
export {
  describeCadence,
  mainCadenceOf,
  subscriberAdminJson,
  subscriptionJson,
  subscriptionStatusOf,
  weekdayName,
  type SubscriptionStatus,
} from './subscription-view.ts';
export {
  createCsrfToken,
  createKeyRingReader,
  createManageLinkToken,
  createUnsubscribeToken,
  secretsEqual,
  verifyCsrfToken,
  type KeyRing,
} from './tokens/index.ts';
export { previewUnsubscribe, unsubscribeChannel, type UnsubscribeDeps } from './unsubscribe.ts';
export { SubscriberInvalidError, validateSubscriber } from './validate-subscriber.ts';
export { decodeWebhookSecret, WebhookSecretError } from './webhook-secret.ts';
