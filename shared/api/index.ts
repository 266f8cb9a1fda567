/**
 * The JSON API: its controllers over the subscription use cases (`shared/subscriptions/`), the
 * app context it shares with the pages, the incoming request/response shapes, and the
 * operator's status and endpoints.
 */
export { createHttpApp, clientIpOf, type HttpApp } from './http-app.ts';
export { createJsonApi } from './json-api.ts';
export { htmlResponse, mediaTypeOf, redirectResponse, type HttpRequest, type HttpResponse } from './incoming-http.ts';
export { describeOperatorStatus, type FeedHealth, type OperatorStatus } from './operator-status.ts';
export { recordHeadlines } from './headlines.ts';
export { createWebSubCallback } from './websub-callback.ts';
export { pollAllFeedsNow, pollFeedNow } from './admin-poll.ts';
