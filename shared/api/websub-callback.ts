import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore } from '../store/ports.ts';
import { handleWebSubCallback } from '../websub/index.ts';
import type { HttpRequest, HttpResponse } from './incoming-http.ts';

export interface WebSubCallbackDeps {
  feeds: Pick<FeedStore, 'getFeed' | 'updateWebSub'>;
  queue: Pick<MessageQueue, 'send'>;
  clock: Clock;
  events: EventSink;
}

/**
 * `GET|POST /websub/{feedId}`: the callback hubs call (intent verification, signed content).
 * The hub gets plain text; the signature is checked over the body's bytes as received.
 */
export function createWebSubCallback(deps: WebSubCallbackDeps): (request: HttpRequest) => Promise<HttpResponse> {
  return async function webSubCallback(request) {
    const answer = await handleWebSubCallback(
      {
        method: request.method,
        feedId: request.params.feedId ?? '',
        query: request.query,
        ...(request.headers['x-hub-signature'] ? { signature: request.headers['x-hub-signature'] } : {}),
        ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
        body: request.rawBody ?? Buffer.from(request.body, 'utf8'),
      },
      deps,
    );
    return {
      status: answer.status,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: answer.body,
    };
  };
}
