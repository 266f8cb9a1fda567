import { ProblemError } from '../core/problem.ts';
import {
  createSubscriptionSchema,
  listTopics,
  parseInput,
  subscriberAdminJson,
  subscriptionJson,
  updateSubscriptionSchema,
} from '../subscriptions/index.ts';
import { pollFeedNow } from './admin-poll.ts';
import { redriveFromRequest } from './admin-redrive.ts';
import { testSubscriberAlert } from './admin-test-alert.ts';
import { describeHealth } from './health.ts';
import { bearerTokenOf, clientIpOf, type HttpApp } from './http-app.ts';
import { type HttpRequest, type HttpResponse, jsonResponse, mediaTypeOf } from './incoming-http.ts';
import { describeOperatorStatus, feedHealthOf } from './operator-status.ts';

/** Largest JSON body the API reads. */
export const MAX_JSON_BYTES = 16 * 1024;

/** A JSON request body, or a problem: 415 (not JSON), 413 (too large), 400 (does not parse). */
export function readJsonBody(request: Pick<HttpRequest, 'headers' | 'body'>): unknown {
  const type = mediaTypeOf(request);
  if (type !== 'application/json' && !/^application\/[\w.-]+\+json$/.test(type)) {
    throw new ProblemError('unsupported-media-type', `send the body as application/json, not ${type || 'no content type'}`);
  }
  if (Buffer.byteLength(request.body, 'utf8') > MAX_JSON_BYTES) {
    throw new ProblemError('too-large', `the body is larger than ${MAX_JSON_BYTES} bytes`);
  }
  try {
    return JSON.parse(request.body) as unknown;
  } catch (error) {
    throw new ProblemError('bad-json', `the body does not parse: ${(error as Error).message}`);
  }
}

export interface JsonApi {
  health(request: HttpRequest): Promise<HttpResponse>;
  topics(request: HttpRequest): Promise<HttpResponse>;
  createSubscription(request: HttpRequest): Promise<HttpResponse>;
  readSubscription(request: HttpRequest): Promise<HttpResponse>;
  updateSubscription(request: HttpRequest): Promise<HttpResponse>;
  deleteSubscription(request: HttpRequest): Promise<HttpResponse>;
  adminStatus(request: HttpRequest): Promise<HttpResponse>;
  adminFeeds(request: HttpRequest): Promise<HttpResponse>;
  adminSubscribers(request: HttpRequest): Promise<HttpResponse>;
  /** `POST /api/admin/feeds/{id}/poll`: polls that feed now (queues its poll). */
  adminPollFeed(request: HttpRequest): Promise<HttpResponse>;
  /** `POST /api/admin/subscribers/{id}/test`: a test alert to each channel, with what each receiver answered. */
  adminTestSubscriber(request: HttpRequest): Promise<HttpResponse>;
  /** `POST {"queue": "webhook"}`: moves that queue's dead letters back to it. */
  adminRedrive(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * The JSON API: every body validated by a zod schema, every failure a problem+json document
 * (see `problem.ts`). Subscription endpoints take the subscriber's token as a Bearer token;
 * admin endpoints the operator's.
 */
export function createJsonApi(app: HttpApp): JsonApi {
  const { deps } = app;
  return {
    async health(request) {
      // Anyone: status and counts. With the operator's Bearer token (a wrong one is refused, not
      // quietly answered with less): the failing feeds and why, URLs and error text redacted.
      const details = request.headers.authorization !== undefined;
      if (details) await app.requireAdmin(request, 'Bearer');
      return jsonResponse(200, await describeHealth(deps.feeds, { details }));
    },

    async topics() {
      return jsonResponse(200, { topics: await listTopics(deps.topics) });
    },

    async createSubscription(request) {
      const service = await app.service();
      const input = parseInput(createSubscriptionSchema, readJsonBody(request));
      const baseUrl = await app.baseUrl();
      const outcome = await service.subscribe(input, { baseUrl, clientIp: clientIpOf(request) });
      if (outcome.status === 'confirmation-sent') {
        // The same answer whether or not the address was subscribed before: no enumeration.
        return jsonResponse(202, {
          status: 'confirmation-sent',
          detail: 'If the destination can receive it, a confirmation link is on its way; nothing is delivered until it is followed.',
          confirmBy: outcome.expiresAt.toISOString(),
        });
      }
      const manageUrl = service.manageUrl(baseUrl, outcome.token);
      return jsonResponse(
        201,
        {
          status: 'active',
          token: outcome.token,
          webhookSecret: outcome.webhookSecret,
          subscription: subscriptionJson(outcome.subscriber, manageUrl),
        },
        { location: '/api/subscription' },
      );
    },

    async readSubscription(request) {
      const service = await app.service();
      const token = bearerTokenOf(request);
      const subscriber = await service.subscriberForToken(token);
      return jsonResponse(200, subscriptionJson(subscriber, service.manageUrl(await app.baseUrl(), token)));
    },

    async updateSubscription(request) {
      const service = await app.service();
      const token = bearerTokenOf(request);
      const subscriber = await service.subscriberForToken(token);
      const change = parseInput(updateSubscriptionSchema, readJsonBody(request));
      const updated = await service.update(subscriber, change);
      return jsonResponse(200, subscriptionJson(updated, service.manageUrl(await app.baseUrl(), token)));
    },

    async deleteSubscription(request) {
      const service = await app.service();
      const subscriber = await service.subscriberForToken(bearerTokenOf(request));
      await service.remove(subscriber);
      return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
    },

    async adminStatus(request) {
      await app.requireAdmin(request, 'Bearer');
      return jsonResponse(200, await describeOperatorStatus(deps));
    },

    async adminFeeds(request) {
      await app.requireAdmin(request, 'Bearer');
      return jsonResponse(200, { feeds: feedHealthOf(await deps.feeds.listFeeds(), deps.clock.now()) });
    },

    async adminPollFeed(request) {
      await app.requireAdmin(request, 'Bearer');
      return jsonResponse(202, await pollFeedNow(deps, request.params.id ?? ''));
    },

    async adminSubscribers(request) {
      await app.requireAdmin(request, 'Bearer');
      const subscribers = await deps.subscriptions.listSubscribers();
      return jsonResponse(200, { subscribers: subscribers.map(subscriberAdminJson) });
    },

    async adminTestSubscriber(request) {
      await app.requireAdmin(request, 'Bearer');
      return jsonResponse(200, await testSubscriberAlert(app, request.params.id ?? ''));
    },

    async adminRedrive(request) {
      await app.requireAdmin(request, 'Bearer');
      return jsonResponse(200, await redriveFromRequest(deps.deadLetters, readJsonBody(request), app.settings.queueNames));
    },
  };
}
