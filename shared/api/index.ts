/**
 * The JSON API: its controllers over the subscription use cases (`shared/subscriptions/`), the
 * app context it shares with the pages, the incoming request/response shapes, and the
 * operator's status and endpoints.
 */
export { createHttpApp, bearerTokenOf, clientIpOf, type HttpApp, type HttpAppDeps, type HttpAppSettings } from './http-app.ts';
export { createJsonApi, readJsonBody, MAX_JSON_BYTES, type JsonApi } from './json-api.ts';
export { htmlResponse, jsonResponse, mediaTypeOf, redirectResponse, type HttpRequest, type HttpResponse } from './incoming-http.ts';
export { describeOperatorStatus, feedHealthOf, STORIES_PER_TOPIC, type FeedHealth, type OperatorStatus, type OperatorStatusDeps } from './operator-status.ts';
export { headlinesOf, recordHeadlines } from './headlines.ts';
export { describeHealth, type HealthReport } from './health.ts';
