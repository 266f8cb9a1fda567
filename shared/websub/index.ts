/**
 * WebSub (W3C Recommendation) push: hub discovery, (un)subscription requests and renewal, intent
 * verification and signed content distribution at our callback, and the push-or-poll view of a
 * feed. A verified push becomes a poll message carrying the pushed document (shared/feeds).
 */
export { createPushSubscriptions, type PushSubscriptionDeps } from './maintain-subscription.ts';
export { handleWebSubCallback, type CallbackRequest } from './handle-callback.ts';
export { CALLBACK_PATH_PREFIX } from './callback-url.ts';
export { describeFeedDelivery, type FeedDeliveryView } from './describe-feed-delivery.ts';
export { checkHubSignature } from './signature.ts';
export { discoverHub } from './discover-hub.ts';
export { WEBSUB_SETTINGS } from './websub-settings.ts';
