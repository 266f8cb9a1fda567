/**
 * WebSub (W3C Recommendation) push: hub discovery, (un)subscription requests and renewal, intent
 * verification and signed content distribution at our callback, and the push-or-poll view of a
 * feed. A verified push becomes a poll message carrying the pushed document (shared/feeds).
 */
export { createPushSubscriptions } from './maintain-subscription.ts';
export { handleWebSubCallback } from './handle-callback.ts';
export { describeFeedDelivery, type FeedDeliveryView } from './describe-feed-delivery.ts';
