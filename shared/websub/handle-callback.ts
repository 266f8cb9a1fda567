import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { PollMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore } from '../store/ports.ts';
import type { WebSubSubscription } from '../store/records.ts';
import { hostOf } from './maintain-subscription.ts';
import { checkHubSignature } from './signature.ts';
import { WEBSUB_SETTINGS } from './websub-settings.ts';

export interface CallbackDeps {
  feeds: Pick<FeedStore, 'getFeed' | 'updateWebSub'>;
  queue: Pick<MessageQueue, 'send'>;
  clock: Clock;
  events: EventSink;
}

/** What the hub sent to a feed's callback. */
export interface CallbackRequest {
  method: string;
  feedId: string;
  query: URLSearchParams;
  /** The `X-Hub-Signature` header. */
  signature?: string;
  contentType?: string;
  /** The body's bytes exactly as received: the signature covers them. */
  body: Uint8Array;
}

/** The answer to the hub: a status and a short text body. */
export interface CallbackResponse {
  status: number;
  body: string;
}

/**
 * A hub calling a feed's callback. GET: intent verification (W3C WebSub §5.3) — the challenge
 * is echoed only when we asked for exactly this (un)subscription and have not been answered yet,
 * else 404; a `denied` notice is recorded. POST: content distribution (§7, §8) — accepted only
 * with a valid `X-Hub-Signature` under the subscription's secret, then handed to poll-feed as a
 * poll that brought this content (on the poll queue; a body too large to carry makes it a poll
 * now). Refused pushes are answered 403, counted and reported.
 */
export async function handleWebSubCallback(request: CallbackRequest, deps: CallbackDeps): Promise<CallbackResponse> {
  const feed = await deps.feeds.getFeed(request.feedId);
  if (request.method === 'GET') return verifyIntent(request, feed?.websub, deps);
  return acceptContent(request, feed?.websub, deps);
}

async function verifyIntent(
  request: CallbackRequest,
  subscription: WebSubSubscription | undefined,
  deps: CallbackDeps,
): Promise<CallbackResponse> {
  const mode = request.query.get('hub.mode');
  const topic = request.query.get('hub.topic');
  const challenge = request.query.get('hub.challenge');
  const now = deps.clock.now();
  const refuse = (reason: string): CallbackResponse => {
    deps.events.emit({
      type: 'websub',
      feedId: request.feedId,
      hub: subscription ? hostOf(subscription.hub) : 'unknown',
      action: 'verification-refused',
      reason,
    });
    return { status: 404, body: 'Not Found' };
  };
  if (!subscription) return refuse(`no subscription for this feed (mode ${mode ?? 'none'})`);

  if (mode === 'denied') {
    if (topic !== subscription.topic) return refuse('a denial for a topic we did not ask for');
    const reason = `the hub denied the subscription${request.query.get('hub.reason') ? `: ${request.query.get('hub.reason')!.slice(0, 200)}` : ''}`;
    await deps.feeds.updateWebSub(request.feedId, { hub: subscription.hub, topic: subscription.topic, set: { state: 'refused', reason } });
    deps.events.emit({ type: 'websub', feedId: request.feedId, hub: hostOf(subscription.hub), action: 'denied', reason });
    return { status: 200, body: 'OK' };
  }
  if (!challenge) return refuse(`a ${mode ?? 'verification'} without hub.challenge`);

  if (mode === 'subscribe') {
    if (topic !== subscription.topic) return refuse('a subscription to a topic we did not ask for');
    const asked =
      subscription.state !== 'refused' &&
      Date.parse(subscription.requestedAt) > Date.parse(subscription.verifiedAt ?? '1970-01-01T00:00:00Z');
    if (!asked) return refuse('a subscription we did not ask for (or already verified)');
    const leaseSeconds = Number(request.query.get('hub.lease_seconds'));
    const lease = Number.isInteger(leaseSeconds) && leaseSeconds > 0 ? leaseSeconds : WEBSUB_SETTINGS.leaseSeconds;
    const leaseExpiresAt = new Date(now.getTime() + lease * 1000).toISOString();
    const updated = await deps.feeds.updateWebSub(request.feedId, {
      hub: subscription.hub,
      topic: subscription.topic,
      set: { state: 'subscribed', verifiedAt: now.toISOString(), leaseExpiresAt },
      remove: ['reason'],
    });
    if (!updated) return refuse('the subscription changed meanwhile');
    deps.events.emit({ type: 'websub', feedId: request.feedId, hub: hostOf(subscription.hub), action: 'verified', leaseExpiresAt });
    return { status: 200, body: challenge };
  }
  if (mode === 'unsubscribe') {
    const leaving = subscription.unsubscribing;
    if (!leaving || topic !== leaving.topic) return refuse('an unsubscription we did not ask for');
    await deps.feeds.updateWebSub(request.feedId, { hub: subscription.hub, topic: subscription.topic, remove: ['unsubscribing'] });
    deps.events.emit({ type: 'websub', feedId: request.feedId, hub: hostOf(leaving.hub), action: 'unsubscribe-verified' });
    return { status: 200, body: challenge };
  }
  return refuse(`an unknown hub.mode ${JSON.stringify(mode ?? '').slice(0, 40)}`);
}

async function acceptContent(
  request: CallbackRequest,
  subscription: WebSubSubscription | undefined,
  deps: CallbackDeps,
): Promise<CallbackResponse> {
  const now = deps.clock.now();
  const refuse = (status: number, reason: string): CallbackResponse => {
    deps.events.emit({
      type: 'websub',
      feedId: request.feedId,
      hub: subscription ? hostOf(subscription.hub) : 'unknown',
      action: 'push-refused',
      reason,
    });
    return { status, body: status === 410 ? 'Gone' : 'Forbidden' };
  };
  // 410: the hub may drop a subscription nobody holds any more.
  if (!subscription || subscription.state === 'refused') return refuse(410, 'a push for no subscription');
  const check = checkHubSignature(request.signature, request.body, subscription.secret);
  if (!check.valid) {
    await deps.feeds.updateWebSub(request.feedId, { hub: subscription.hub, topic: subscription.topic, countRefusedPush: true });
    return refuse(403, `push ${check.reason === 'unsigned' ? 'unsigned' : `signature ${check.reason}`}`);
  }

  const message: PollMessage = { feedId: request.feedId, plannedAt: now.toISOString() };
  if (request.body.length > 0 && request.body.length <= WEBSUB_SETTINGS.maxPushBytes) {
    message.push = {
      body: Buffer.from(request.body).toString('base64'),
      ...(request.contentType ? { contentType: request.contentType.slice(0, 200) } : {}),
      receivedAt: now.toISOString(),
    };
  }
  await deps.queue.send('poll', [message]);
  await deps.feeds.updateWebSub(request.feedId, {
    hub: subscription.hub,
    topic: subscription.topic,
    set: { lastPushAt: now.toISOString() },
    // A push is the hub speaking again: push is trusted once more.
    remove: subscription.silentSince ? ['silentSince', 'reason'] : [],
  });
  deps.events.emit({ type: 'websub', feedId: request.feedId, hub: hostOf(subscription.hub), action: 'push-accepted' });
  return { status: 202, body: 'Accepted' };
}
