/**
 * Subscriptions: who gets what, how often and when. The subscriber record itself is in
 * `shared/store/records.ts`; this module reads it with its defaults, validates it before it is
 * stored, and computes digest times in the subscriber's time zone. It holds the use cases the
 * JSON API and the pages present: the subscription service (create with double opt-in or a
 * webhook challenge, confirm, read, change, pause, unsubscribe, delete), its input and views,
 * its emails and rate limits, the unsubscribe use case, and the signed tokens (`tokens/`).
 */
export {
  cadenceOf,
  channelStateOf,
  DEFAULT_DELIVERY_HOUR,
  DEFAULT_TIME_ZONE,
  digestScheduleOf,
  webhookSecretsOf,
  type ChannelState,
} from './subscriber-settings.ts';
export { nextDigestAt, zonedTime, zonedToInstant, type DigestSchedule, type ZonedTime } from './schedule.ts';
export { SubscriberInvalidError, validateSubscriber, type ValidateSubscriberOptions } from './validate-subscriber.ts';
export { decodeWebhookSecret, parseWebhookSecrets, WebhookSecretError } from './webhook-secret.ts';
export {
  createSubscriptionService,
  DEFAULT_CONFIRM_HOURS,
  type ConfirmCheck,
  type ConfirmOutcome,
  type RequestOrigin,
  type SubscribeOutcome,
  type SubscriptionService,
  type SubscriptionServiceDeps,
  type SubscriptionServiceSettings,
} from './subscription-service.ts';
export {
  checkFilter,
  checkTopics,
  createSubscriptionSchema,
  parseInput,
  updateSubscriptionSchema,
  type CreateSubscriptionInput,
  type UpdateSubscriptionInput,
} from './subscription-input.ts';
export {
  describeCadence,
  subscriberAdminJson,
  subscriptionJson,
  subscriptionStatusOf,
  type SubscriptionJson,
  type SubscriptionStatus,
} from './subscription-view.ts';
export {
  createConfirmToken,
  createManageToken,
  keyedDigest,
  normalizeEmail,
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyManageToken,
  type ConfirmTokenCheck,
} from './tokens/subscription-tokens.ts';
export { clientKey, defaultRateLimits, takeRateLimit, type RateLimitDecision, type RateLimitRule, type RateLimits } from './rate-limits.ts';
export { postSlackVerification, verifyWebhookIntent, CHALLENGE_TIMEOUT_MS, type WebhookChallengeDeps } from './webhook-challenge.ts';
export { composeAlreadySubscribedEmail, composeConfirmationEmail } from './subscription-emails.ts';
export { listTopics, type TopicSummary } from './list-topics.ts';
export { createUnsubscribeToken, verifyUnsubscribeToken } from './tokens/unsubscribe-token.ts';
export type { UnsubscribeTarget } from './tokens/unsubscribe-token.ts';
export { previewUnsubscribe, unsubscribeChannel } from './unsubscribe.ts';
export type { UnsubscribeDeps, UnsubscribeOutcome, UnsubscribePreview } from './unsubscribe.ts';
