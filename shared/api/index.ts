/**
 * Subscribing without an operator: the subscription service (create with double opt-in or a
 * webhook challenge, confirm, read, change, pause, unsubscribe, delete), the JSON API's
 * controllers, problem+json errors, signed tokens, rate limits and the operator's status.
 */
export { createHttpApp, bearerTokenOf, clientIpOf, type HttpApp, type HttpAppDeps, type HttpAppSettings } from './http-app.ts';
export { createJsonApi, readJsonBody, MAX_JSON_BYTES, type JsonApi } from './json-api.ts';
export { htmlResponse, jsonResponse, mediaTypeOf, redirectResponse, type HttpRequest, type HttpResponse } from './incoming-http.ts';
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
} from './tokens.ts';
export { clientKey, defaultRateLimits, takeRateLimit, type RateLimitDecision, type RateLimitRule, type RateLimits } from './rate-limits.ts';
export { postSlackVerification, verifyWebhookIntent, CHALLENGE_TIMEOUT_MS, type WebhookChallengeDeps } from './webhook-challenge.ts';
export { composeAlreadySubscribedEmail, composeConfirmationEmail } from './subscription-emails.ts';
export { describeOperatorStatus, feedHealthOf, STORIES_PER_TOPIC, type FeedHealth, type OperatorStatus, type OperatorStatusDeps } from './operator-status.ts';
export { headlinesOf, recordHeadlines } from './headlines.ts';
export { describeHealth, type HealthReport } from './health.ts';
export { listTopics, type TopicSummary } from './list-topics.ts';
