import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpRouterHandler from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { topology, type QueueName } from '../../infra/topology.ts';
import type { HttpRequest, HttpResponse } from '../../shared/api/index.ts';
import { readEnv } from '../../shared/config/env.ts';
import { loadOnce } from '../../shared/core/load-once.ts';
import { createMailingDeps } from '../../shared/runtime/create-mailing-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { withLambdaLogContext } from '../../shared/runtime/lambda-context.ts';
import { withMetricsFlush } from '../../shared/runtime/pipeline-metrics.ts';
import { feedStore, headlineStore, rateLimitStore, subscriptionStore, topicStore } from '../../shared/runtime/store-factories.ts';
import type { RateLimits } from '../../shared/subscriptions/index.ts';
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
 *
 * The controllers' code (the subscription use cases, the classifier's filter queries and topic
 * list, the pages, WebSub) is loaded by the first request that needs it, in groups, so the
 * module Lambda imports at init holds only the router, its middleware and the dependencies.
 */
export function createHandler(deps: Deps, options: HttpApiOptions = {}): HttpHandler {
  // Keys, the admin token and the base of links come from deps at request time (cached there):
  // Secrets Manager and SSM in AWS, the data folder and the local URL in one-process mode.
  const app = loadOnce(async () => {
    const { createHttpApp } = await import('../../shared/api/index.ts');
    const { DEFAULT_CONFIRM_HOURS, defaultRateLimits } = await import('../../shared/subscriptions/index.ts');
    return createHttpApp(deps, {
      mailFrom: deps.env.MAIL_FROM,
      allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK,
      limits: options.limits ?? defaultRateLimits,
      confirmHours: options.confirmHours ?? DEFAULT_CONFIRM_HOURS,
      outboxDir: deps.env.MAIL_TRANSPORT === 'outbox' ? deps.env.OUTBOX_DIR : undefined,
      queueNames: Object.keys(topology.queues) as QueueName[],
    });
  });
  const pages = loadOnce(async () => (await import('../../shared/web/index.ts')).createSitePages(await app()));
  const api = loadOnce(async () => (await import('../../shared/api/index.ts')).createJsonApi(await app()));
  const unsubscribe = loadOnce(async () => {
    const { createUnsubscribeRoutes } = await import('../../shared/web/index.ts');
    const { createKeyRingReader } = await import('../../shared/subscriptions/index.ts');
    return createUnsubscribeRoutes({ ...deps, tokenKeys: createKeyRingReader(deps.secrets) });
  });
  const webSub = loadOnce(async () => ({ callback: (await import('../../shared/api/index.ts')).createWebSubCallback(deps) }));

  /** A route to the controller `pick` takes from its group, once the group is loaded. */
  const route = <Group>(method: Method, path: string, group: () => Promise<Group>, pick: (loaded: Group) => Controller) => ({
    method,
    path,
    handler: async function serve(event: APIGatewayProxyEventV2) {
      const controller = pick(await group());
      return toFunctionUrlResult(await controller(toHttpRequest(event)));
    },
  });

  const routes = [
    // Pages
    route('GET', '/', pages, (c) => c.subscribeForm),
    route('GET', '/subscribe', pages, (c) => c.subscribeForm),
    route('POST', '/subscribe', pages, (c) => c.subscribe),
    route('GET', '/check-inbox', pages, (c) => c.checkInbox),
    route('GET', '/confirm', pages, (c) => c.confirmForm),
    route('POST', '/confirm', pages, (c) => c.confirm),
    route('GET', '/manage', pages, (c) => c.manageForm),
    route('POST', '/manage', pages, (c) => c.manage),
    route('GET', '/manage/link', pages, (c) => c.manageLinkForm),
    route('POST', '/manage/link', pages, (c) => c.manageLink),
    route('GET', '/status', pages, (c) => c.status),
    route('POST', '/status/poll', pages, (c) => c.pollNow),
    route('GET', '/assets/site.css', pages, (c) => c.stylesheet),
    // The link of every email (GET: a page, changes nothing) and RFC 8058 one-click (POST).
    route('GET', '/unsubscribe', unsubscribe, (c) => c.page),
    route('POST', '/unsubscribe', unsubscribe, (c) => c.oneClick),
    // JSON API
    route('GET', '/health', api, (c) => c.health),
    route('GET', '/topics', api, (c) => c.topics),
    route('GET', '/api/health', api, (c) => c.health),
    route('GET', '/api/topics', api, (c) => c.topics),
    route('POST', '/api/subscriptions', api, (c) => c.createSubscription),
    route('GET', '/api/subscription', api, (c) => c.readSubscription),
    route('PATCH', '/api/subscription', api, (c) => c.updateSubscription),
    route('DELETE', '/api/subscription', api, (c) => c.deleteSubscription),
    route('GET', '/api/admin/status', api, (c) => c.adminStatus),
    route('GET', '/api/admin/feeds', api, (c) => c.adminFeeds),
    route('GET', '/api/admin/subscribers', api, (c) => c.adminSubscribers),
    route('POST', '/api/admin/feeds/{id}/poll', api, (c) => c.adminPollFeed),
    route('POST', '/api/admin/subscribers/{id}/test', api, (c) => c.adminTestSubscriber),
    route('POST', '/api/admin/redrive', api, (c) => c.adminRedrive),
    // WebSub: hubs verify our intent (GET) and push signed content (POST) to a feed's callback.
    route('GET', '/websub/{feedId}', webSub, (c) => c.callback),
    route('POST', '/websub/{feedId}', webSub, (c) => c.callback),
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

/** The stores over the tables http-api may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = {
  feeds: feedStore,
  topics: topicStore,
  subscriptions: subscriptionStore,
  ratelimits: rateLimitStore,
  headlines: headlineStore,
};

let cached: HttpHandler | undefined;
export const handler: HttpHandler = (event, context) =>
  (cached ??= createHandler(createMailingDeps(readEnv(), { stores })))(event, context);
