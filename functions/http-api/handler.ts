import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpRouterHandler from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { topology, type QueueName } from '../../infra/topology.ts';
import { createHttpApp, createJsonApi, createWebSubCallback, type HttpRequest, type HttpResponse } from '../../shared/api/index.ts';
import { readEnv } from '../../shared/config/env.ts';
import { createMailingDeps } from '../../shared/runtime/create-mailing-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { withLambdaLogContext } from '../../shared/runtime/lambda-context.ts';
import { withMetricsFlush } from '../../shared/runtime/pipeline-metrics.ts';
import { createKeyRingReader, DEFAULT_CONFIRM_HOURS, defaultRateLimits, type RateLimits } from '../../shared/subscriptions/index.ts';
import { createSitePages, createUnsubscribeRoutes } from '../../shared/web/index.ts';
import { errorResponses } from './error-responses.ts';
import { toFunctionUrlResult, toHttpRequest } from './function-url.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2, context?: Partial<Context>) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpApiOptions {
  /** Rate limits; `defaultRateLimits` unless a test or an operator wants others. */
  limits?: RateLimits;
  /** Hours a confirmation link lives (default 48). */
  confirmHours?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Controller = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * The content security policy of every response: our own stylesheet, no script at all, forms
 * post only to us, never framed.
 */
const contentSecurityPolicy: Record<string, string | false> = {
  'default-src': "'none'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
  // false drops a directive of middy's defaults (its types say string; its code takes any falsy value).
  'report-to': false,
  sandbox: false,
  'upgrade-insecure-requests': false,
};

/**
 * The HTTP API (Function URL in AWS, 127.0.0.1 in one-process mode): the subscription pages,
 * the JSON API, and the operator's status page and endpoints. Each route parses the request
 * and calls one controller in shared/; errors become problem+json (API) or an HTML page.
 */
export function createHandler(deps: Deps, options: HttpApiOptions = {}): HttpHandler {
  // Keys, the admin token and the base of links come from deps at request time (cached there):
  // Secrets Manager and SSM in AWS, the data folder and the local URL in one-process mode.
  const app = createHttpApp(deps, {
    mailFrom: deps.env.MAIL_FROM,
    allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK,
    limits: options.limits ?? defaultRateLimits,
    confirmHours: options.confirmHours ?? DEFAULT_CONFIRM_HOURS,
    outboxDir: deps.env.MAIL_TRANSPORT === 'outbox' ? deps.env.OUTBOX_DIR : undefined,
    queueNames: Object.keys(topology.queues) as QueueName[],
  });
  const pages = createSitePages(app);
  const api = createJsonApi(app);
  const unsubscribe = createUnsubscribeRoutes({ ...deps, tokenKeys: createKeyRingReader(deps.secrets) });
  const webSubCallback = createWebSubCallback(deps);

  const route = (method: Method, path: string, controller: Controller) => ({
    method,
    path,
    handler: async function serve(event: APIGatewayProxyEventV2) {
      return toFunctionUrlResult(await controller(toHttpRequest(event)));
    },
  });

  const routes = [
    // Pages
    route('GET', '/', pages.subscribeForm),
    route('GET', '/subscribe', pages.subscribeForm),
    route('POST', '/subscribe', pages.subscribe),
    route('GET', '/check-inbox', pages.checkInbox),
    route('GET', '/confirm', pages.confirmForm),
    route('POST', '/confirm', pages.confirm),
    route('GET', '/manage', pages.manageForm),
    route('POST', '/manage', pages.manage),
    route('GET', '/manage/link', pages.manageLinkForm),
    route('POST', '/manage/link', pages.manageLink),
    route('GET', '/status', pages.status),
    route('POST', '/status/poll', pages.pollNow),
    route('GET', '/assets/site.css', pages.stylesheet),
    // The link of every email (GET: a page, changes nothing) and RFC 8058 one-click (POST).
    route('GET', '/unsubscribe', unsubscribe.page),
    route('POST', '/unsubscribe', unsubscribe.oneClick),
    // JSON API
    route('GET', '/health', api.health),
    route('GET', '/topics', api.topics),
    route('GET', '/api/health', api.health),
    route('GET', '/api/topics', api.topics),
    route('POST', '/api/subscriptions', api.createSubscription),
    route('GET', '/api/subscription', api.readSubscription),
    route('PATCH', '/api/subscription', api.updateSubscription),
    route('DELETE', '/api/subscription', api.deleteSubscription),
    route('GET', '/api/admin/status', api.adminStatus),
    route('GET', '/api/admin/feeds', api.adminFeeds),
    route('GET', '/api/admin/subscribers', api.adminSubscribers),
    route('POST', '/api/admin/feeds/{id}/poll', api.adminPollFeed),
    route('POST', '/api/admin/subscribers/{id}/test', api.adminTestSubscriber),
    route('POST', '/api/admin/redrive', api.adminRedrive),
    // WebSub: hubs verify our intent (GET) and push signed content (POST) to a feed's callback.
    route('GET', '/websub/{feedId}', webSubCallback),
    route('POST', '/websub/{feedId}', webSubCallback),
  ];

  const handler = withMetricsFlush(withLambdaLogContext(middy(httpRouterHandler({ routes })), deps.log), deps.metrics)
    .use(
      httpSecurityHeaders({
        contentSecurityPolicy: contentSecurityPolicy as Record<string, string>,
        // Same-origin referrers keep form posts' Origin header; tokens in URLs never leave the site.
        referrerPolicy: { policy: 'same-origin' },
      }),
    )
    // Last resort only: errorResponses below answers every error first.
    .use(httpErrorHandler({ logger: (error: unknown) => deps.log.error('http-api request failed', { error: String(error) }) }))
    .use(errorResponses({ log: deps.log }));
  return handler as unknown as HttpHandler;
}

let cached: HttpHandler | undefined;
export const handler: HttpHandler = (event, context) => (cached ??= createHandler(createMailingDeps(readEnv())))(event, context);
