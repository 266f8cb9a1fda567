import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { PushSubscriptions } from '../feeds/index.ts';
import type { FeedStore } from '../store/ports.ts';
import type { FeedRecord, WebSubSubscription } from '../store/records.ts';
import { callbackUrlOf } from './callback-url.ts';
import { discoverHub } from './discover-hub.ts';
import { type HubRequestDeps, sendHubRequest } from './hub-request.ts';
import { isPushed, needsRequest, safetyPollAt } from './push-state.ts';
import { WEBSUB_SETTINGS } from './websub-settings.ts';

export interface PushSubscriptionDeps extends HubRequestDeps {
  feeds: Pick<FeedStore, 'putWebSub' | 'updateWebSub'>;
  clock: Clock;
  log: Log;
  events: EventSink;
  /** Base of our callback URL (the Function URL in AWS, the local API in one process). */
  publicBaseUrl(): Promise<string | undefined>;
}

/**
 * The poll side of WebSub, told of every poll of a feed: discovers the hub the document
 * advertises, subscribes (a new hub or topic gets a fresh secret, the old one is unsubscribed),
 * renews before the lease ends, retries a hub that refused or never verified, and judges the hub
 * silent when a safety poll finds items no push brought (polling resumes until the next push).
 * A pushed feed is still polled, at the safety interval. Nothing here fails the poll: a hub's
 * trouble is recorded on the subscription and reported as an event.
 */
export function createPushSubscriptions(deps: PushSubscriptionDeps): PushSubscriptions {
  return {
    async afterPoll(feed, poll) {
      try {
        return await maintain(feed, poll, deps);
      } catch (error) {
        deps.log.warn('websub subscription upkeep failed; the feed is polled', {
          feedId: feed.feedId,
          error: error instanceof Error ? error.message : String(error),
        });
        return { pushed: false };
      }
    },
  };
}

type Poll = Parameters<PushSubscriptions['afterPoll']>[1];

async function maintain(feed: FeedRecord, poll: Poll, deps: PushSubscriptionDeps): Promise<{ pushed: boolean; nextPollAt?: Date }> {
  const now = poll.at;
  const current = feed.websub;
  const found = poll.document
    ? discoverHub({ linkHeader: poll.document.linkHeader, body: poll.document.body, feedUrl: poll.document.finalUrl })
    : current && { hub: current.hub, topic: current.topic };
  if (!found) return pushedResult(current, feed, now);
  const base = await deps.publicBaseUrl();
  if (!base) return pushedResult(current, feed, now);
  const callback = callbackUrlOf(base, feed.feedId);

  if (!current || current.hub !== found.hub || current.topic !== found.topic) {
    await subscribeAnew(feed, found, callback, current, now, deps);
    return { pushed: false };
  }

  let subscription = current;
  const unpushed = unpushedItems(poll.newItems, subscription);
  if (isPushed(subscription, now) && unpushed > 0 && minutesSince(subscription.verifiedAt, now) > WEBSUB_SETTINGS.silenceGraceMinutes) {
    const reason = `a safety poll found ${unpushed} new item(s) the hub had not pushed; polling until it pushes again`;
    await deps.feeds.updateWebSub(feed.feedId, {
      hub: subscription.hub,
      topic: subscription.topic,
      set: { silentSince: now.toISOString(), reason },
    });
    deps.events.emit({ type: 'websub', feedId: feed.feedId, hub: hostOf(subscription.hub), action: 'silent', reason });
    subscription = { ...subscription, silentSince: now.toISOString() };
    // Asking again is the one nudge a subscriber has.
    await request(feed, subscription, callback, now, deps);
  } else if (needsRequest(subscription, now)) {
    subscription = await request(feed, subscription, callback, now, deps);
  }
  return pushedResult(subscription, feed, now);
}

/**
 * Items not done yet and published after the hub's last push (or, before any push, after the
 * subscription was verified): the hub had them and did not push them. Items a push brought are
 * dated before it, even while they still wait in the items queue; an undated item proves
 * nothing either way (a silent hub of an undated feed shows when its lease lapses).
 */
function unpushedItems(items: readonly { published: string | null }[], subscription: WebSubSubscription): number {
  const since = Date.parse(subscription.lastPushAt ?? subscription.verifiedAt ?? '');
  if (!Number.isFinite(since)) return 0;
  let count = 0;
  for (const item of items) if (item.published !== null && Date.parse(item.published) > since) count += 1;
  return count;
}

function pushedResult(subscription: WebSubSubscription | undefined, feed: FeedRecord, now: Date): { pushed: boolean; nextPollAt?: Date } {
  if (!subscription || !isPushed(subscription, now)) return { pushed: false };
  return { pushed: true, nextPollAt: safetyPollAt(subscription, feed.intervalMinutes, now) };
}

/** A first subscription, or one to a new hub or topic: a fresh secret, stored before the hub may verify. */
async function subscribeAnew(
  feed: FeedRecord,
  found: { hub: string; topic: string },
  callback: string,
  previous: WebSubSubscription | undefined,
  now: Date,
  deps: PushSubscriptionDeps,
): Promise<void> {
  const leaving =
    previous && previous.state !== 'refused' ? { hub: previous.hub, topic: previous.topic, requestedAt: now.toISOString() } : undefined;
  const subscription: WebSubSubscription = {
    ...found,
    secret: randomBytes(32).toString('base64url'),
    state: 'pending',
    requestedAt: now.toISOString(),
    ...(leaving ? { unsubscribing: leaving } : {}),
  };
  if (!(await deps.feeds.putWebSub(feed.feedId, subscription))) return;
  if (leaving) {
    const answer = await sendHubRequest({ mode: 'unsubscribe', hub: leaving.hub, topic: leaving.topic, callback }, deps);
    if (!answer.accepted)
      deps.log.info('websub unsubscribe from the previous hub not accepted', { feedId: feed.feedId, reason: answer.reason });
  }
  await request(feed, subscription, callback, now, deps);
}

/** Asks the hub to (re)subscribe with the subscription's secret; a refusal is recorded. */
async function request(
  feed: FeedRecord,
  subscription: WebSubSubscription,
  callback: string,
  now: Date,
  deps: PushSubscriptionDeps,
): Promise<WebSubSubscription> {
  const key = { hub: subscription.hub, topic: subscription.topic };
  // Recorded first: the hub may call back before it answers.
  if (!(await deps.feeds.updateWebSub(feed.feedId, { ...key, set: { requestedAt: now.toISOString() } }))) return subscription;
  const answer = await sendHubRequest(
    { mode: 'subscribe', ...key, callback, secret: subscription.secret, leaseSeconds: WEBSUB_SETTINGS.leaseSeconds },
    deps,
  );
  const hub = hostOf(subscription.hub);
  if (answer.accepted) {
    deps.events.emit({ type: 'websub', feedId: feed.feedId, hub, action: 'subscribe-requested' });
    return { ...subscription, requestedAt: now.toISOString() };
  }
  // A renewal refused leaves the running lease alone: it lapses on its own, and polling resumes.
  const state = isPushed(subscription, now) ? subscription.state : 'refused';
  await deps.feeds.updateWebSub(feed.feedId, { ...key, set: { state, reason: answer.reason } });
  deps.events.emit({ type: 'websub', feedId: feed.feedId, hub, action: 'subscribe-refused', reason: answer.reason });
  return { ...subscription, requestedAt: now.toISOString(), state, reason: answer.reason };
}

function minutesSince(iso: string | undefined, now: Date): number {
  return iso ? (now.getTime() - Date.parse(iso)) / 60_000 : Number.POSITIVE_INFINITY;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
