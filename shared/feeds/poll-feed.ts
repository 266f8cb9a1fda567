import type { TopicEngine } from '../classify/index.ts';
import type { TopicMatch } from '../classify/index.ts';
import type { Env } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { AlertMessage, NewsItem, PollMessage, StoryMember } from '../messages/schemas.ts';
import { redactUrlsIn } from '../outbound-http/index.ts';
import type { MessageQueue } from '../queue/ports.ts';
import { MessageDeferredError, NewsAlertsError } from '../core/errors.ts';
import type { FeedLease, FeedStore, ItemClaim, SeenItemStore, StoryStore } from '../store/ports.ts';
import type { FeedRecord, PollIntervalReason } from '../store/records.ts';
import type { assignStory, prefetchedStoryStore, prefetchStoryReads, StorySettings } from '../stories/index.ts';
import { FeedError, FeedHttpError } from './errors.ts';
import { FEED_FETCH_DEFAULTS, fetchFeed } from './fetch-feed.ts';
import type { FetchFeedOptions } from './fetch-feed.ts';
import { normalizeItems } from './normalize-item.ts';
import { readFeed } from './read-feed.ts';
import { cacheMaxAgeSeconds, healthyInterval, nextPollAfterFailure, nextPollAfterSuccess, type ScheduleHints } from './schedule.ts';

export interface PollFeedDeps {
  feeds: FeedStore;
  items: SeenItemStore;
  queue: Pick<MessageQueue, 'send'>;
  /**
   * The topic engine (only `classify` is used: any implementation of the port will do), asked
   * for once a poll has new items: a poll with none loads no classifier and reads no user topics.
   */
  engine: () => Promise<Pick<TopicEngine, 'classify'>>;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  log: Log;
  events: EventSink;
  env: Pick<Env, 'ITEM_RETENTION_DAYS' | 'ALLOW_PRIVATE_NETWORK' | 'PUBLIC_BASE_URL'> &
    Partial<Pick<Env, 'FEED_TIMEOUT_MS' | 'FEED_MAX_BYTES'>>;
  /** Overrides of the fetch limits (tests, the CLI); the env's, else the defaults, otherwise. */
  fetchOptions?: Pick<FetchFeedOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'dispatcher' | 'resolve'>;
  /** Source of the scheduling jitter (0 ≤ x < 1); Math.random by default. */
  random?: () => number;
  /** Stories: a classified item that joins a story already alerted for its topics sends no alert. */
  stories: StoryStore;
  /** Overrides of the story matcher's settings (tests); the measured defaults otherwise. */
  storySettings?: StorySettings;
  /** WebSub upkeep after each poll (shared/websub); without it feeds are only polled. */
  push?: PushSubscriptions;
}

/**
 * The push side of a feed (WebSub), told of each fetch: it discovers the hub in the document,
 * subscribes and renews, and says whether the feed is pushed now and, if so, when its next
 * (safety) poll is due.
 */
export interface PushSubscriptions {
  afterPoll(
    feed: FeedRecord,
    poll: {
      at: Date;
      /** The document fetched (absent after a 304: the stored hub and topic stand). */
      document?: { body: Uint8Array; linkHeader?: string; finalUrl: string };
      /** Items this poll handled that no earlier poll or push had. */
      newItems: number;
    },
  ): Promise<{ pushed: boolean; nextPollAt?: Date }>;
}

/** Where the document of a poll came from, recorded on its alerts (time-to-alert). */
interface Arrival {
  fetchedAt: string;
  fetchedBy: 'poll' | 'push';
}

export interface PollFeedResult {
  status: 'ok' | 'not-modified' | 'error' | 'unknown-feed';
  /** Items normalized from the feed (after the per-poll cap). */
  items: number;
  /** Items handled in this poll: new ones, and ones a crash had left pending. */
  new: number;
  /** Items already done. */
  duplicates: number;
  /** Alert messages queued. */
  alerts: number;
  /** Classified items that joined a story another item founded (set when stories are on). */
  joined?: number;
  /** Entries that could not be normalized, by reason. */
  skipped: Record<string, number>;
  error?: string;
}

/** Items handled per poll; a feed with more (a dump of its archive) gets the rest next time. */
export const MAX_ITEMS_PER_POLL = 500;
/** Keys per findSeen call, and items per claim → send → markDone round. */
const SEEN_BATCH = 100;
const SEND_BATCH = 10;
/**
 * How long a feed's items (its lease) or a claimed item belong to the poller that took them:
 * longer than one claim → send → mark-done round takes (a long poll renews the feed's lease at
 * half-time), shorter than the poll queue's visibility timeout, so a crashed poller's items are
 * taken over by the redelivery of its message and a live poller's are never doubled.
 */
export const CLAIM_LEASE_SECONDS = 120;

/**
 * Polls one feed: conditional fetch, decode, parse, normalize, dedup, classify, queue alerts,
 * record the feed's health.
 *
 * Nothing lost: an item is claimed ('pending') before its alert is queued and marked done only
 * after `queue.send` resolved. A crash in between leaves it pending; the next poll or the
 * redelivery of this message handles it again (deliveries downstream are idempotent).
 *
 * A feed's own failure (fetch, HTTP status, size, parse) is recorded on the feed with backoff,
 * and the call resolves: retrying the message would not help. Store and queue errors throw, so
 * the message is retried.
 */
export async function pollFeed(message: PollMessage, deps: PollFeedDeps): Promise<PollFeedResult> {
  const { feeds, log, events } = deps;
  const feed = await feeds.getFeed(message.feedId);
  if (!feed) {
    log.warn('poll for an unknown feed skipped', { feedId: message.feedId });
    return { status: 'unknown-feed', items: 0, new: 0, duplicates: 0, alerts: 0, skipped: {} };
  }
  const at = deps.clock.now();
  if (message.push) return handlePush(feed, message.push, at, deps);

  let content: Awaited<ReturnType<typeof fetchAndReadFeed>>;
  try {
    content = await fetchAndReadFeed(feed, deps);
  } catch (error) {
    return recordFailure(feed, error, at, deps);
  }

  if (content.status === 'not-modified') {
    // Nothing new to learn the publish rate from: the interval in use stands (or a new max-age).
    const next = scheduleHealthy(feed, at, { maxAgeSeconds: cacheMaxAgeSeconds(content.cacheControl) }, deps);
    const push = await deps.push?.afterPoll(feed, { at, newItems: 0 });
    await feeds.recordPollSuccess(feed.feedId, {
      at: at.toISOString(),
      etag: feed.etag,
      lastModified: feed.lastModified,
      ...withPushSchedule(next, push, at),
      newItems: 0,
    });
    events.emit({ type: 'feed-polled', feedId: feed.feedId, url: feed.url, status: 'not-modified', items: 0, new: 0, duplicates: 0 });
    return { status: 'not-modified', items: 0, new: 0, duplicates: 0, alerts: 0, skipped: {} };
  }

  const { items, skipped, etag, lastModified, title } = content;
  const counts = await handleItems(feed, items, at, deps, { fetchedAt: at.toISOString(), fetchedBy: 'poll' });
  // A pushed feed is polled at the safety interval; the healthy interval is what polling would use.
  const push = await deps.push?.afterPoll(feed, { at, document: content.document, newItems: counts.new });
  const next = scheduleHealthy(
    feed,
    at,
    { itemDates: content.itemDates, ttlMinutes: content.ttlMinutes, maxAgeSeconds: cacheMaxAgeSeconds(content.cacheControl) },
    deps,
  );
  // The operator's title wins; the feed's own title only fills in a feed configured without one.
  await feeds.recordPollSuccess(feed.feedId, {
    at: at.toISOString(),
    etag,
    lastModified,
    title: feed.title ? undefined : title,
    ...withPushSchedule(next, push, at),
    newItems: counts.new,
  });
  return reportHandled(feed, items.length, counts, skipped, events);
}

/** The next poll of a healthy feed: the interval in use, why, and when (jittered within the feed's bounds). */
function scheduleHealthy(
  feed: FeedRecord,
  at: Date,
  hints: Pick<ScheduleHints, 'itemDates' | 'ttlMinutes' | 'maxAgeSeconds'>,
  deps: Pick<PollFeedDeps, 'random'>,
): { nextPollAt: string; pollIntervalMinutes: number; pollIntervalReason: PollIntervalReason } {
  const settings = { configuredMinutes: feed.intervalMinutes, maxIntervalMinutes: feed.maxIntervalMinutes };
  const previous =
    feed.pollIntervalMinutes === undefined
      ? undefined
      : { minutes: feed.pollIntervalMinutes, reason: feed.pollIntervalReason ?? 'configured' };
  const interval = healthyInterval(at, { ...settings, ...hints, previous });
  return {
    nextPollAt: nextPollAfterSuccess(at, interval, settings, deps.random).toISOString(),
    pollIntervalMinutes: interval.minutes,
    pollIntervalReason: interval.reason,
  };
}

/**
 * A feed its WebSub hub pushes is polled at the slow safety interval the push subscription
 * chose, shown as such; otherwise the healthy schedule stands.
 */
function withPushSchedule(
  next: ReturnType<typeof scheduleHealthy>,
  push: { nextPollAt?: Date } | undefined,
  at: Date,
): ReturnType<typeof scheduleHealthy> {
  if (push?.nextPollAt === undefined) return next;
  return {
    nextPollAt: push.nextPollAt.toISOString(),
    pollIntervalMinutes: Math.max(1, Math.round((push.nextPollAt.getTime() - at.getTime()) / 60_000)),
    pollIntervalReason: 'websub',
  };
}

/** Fetch → decode → parse → normalize. Any error here is the feed's. */
async function fetchAndReadFeed(feed: FeedRecord, deps: PollFeedDeps) {
  const userAgent = deps.env.PUBLIC_BASE_URL
    ? `${FEED_FETCH_DEFAULTS.userAgent.replace(/\)$/, '')}; +${deps.env.PUBLIC_BASE_URL})`
    : FEED_FETCH_DEFAULTS.userAgent;
  const fetched = await fetchFeed(feed.url, {
    timeoutMs: deps.env.FEED_TIMEOUT_MS,
    maxBytes: deps.env.FEED_MAX_BYTES,
    ...deps.fetchOptions,
    etag: feed.etag,
    lastModified: feed.lastModified,
    fetch: deps.fetch,
    allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK,
    userAgent,
  });
  if (fetched.status === 'not-modified') return { status: 'not-modified' as const, cacheControl: fetched.cacheControl };
  return {
    ...(await readDocument(feed, fetched, deps)),
    etag: fetched.etag,
    lastModified: fetched.lastModified,
    cacheControl: fetched.cacheControl,
    document: { body: fetched.body, finalUrl: fetched.finalUrl, ...(fetched.link ? { linkHeader: fetched.link } : {}) },
  };
}

/** Decode → parse → normalize a document, fetched or pushed. Any error here is the feed's. */
async function readDocument(
  feed: FeedRecord,
  fetched: { body: Uint8Array; contentType: string | null; contentLocation?: string; finalUrl: string },
  deps: PollFeedDeps,
) {
  const document = await readFeed({
    body: fetched.body,
    contentType: fetched.contentType,
    contentLocation: fetched.contentLocation,
    feedUrl: fetched.finalUrl,
    maxBytes: deps.fetchOptions?.maxBytes ?? deps.env.FEED_MAX_BYTES,
  });
  const title = document.title;
  const source = feed.title || title || new URL(fetched.finalUrl).host;
  // The entries readFeed normalized, made NewsItems: no second normalization.
  const { items, skipped } = normalizeItems(document.entries, {
    feedId: feed.feedId,
    feedUrl: fetched.finalUrl,
    source,
    idPolicy: feed.idPolicy,
  });
  if (document.recovered.count > 0) {
    deps.log.info('feed XML was not well-formed; read what could be recovered', {
      feedId: feed.feedId,
      errors: document.recovered.count,
      first: document.recovered.samples[0],
    });
  }
  if (items.length > MAX_ITEMS_PER_POLL) {
    deps.log.warn('feed has more items than one poll handles; the rest wait for the next poll', {
      feedId: feed.feedId,
      items: items.length,
      handled: MAX_ITEMS_PER_POLL,
    });
  }
  return {
    status: 'ok' as const,
    items: items.slice(0, MAX_ITEMS_PER_POLL),
    skipped,
    title: title || undefined,
    ttlMinutes: document.ttlMinutes,
    itemDates: document.entries.map((entry) => entry.published ?? entry.updated),
  };
}

/**
 * A verified WebSub push: a poll that brought this document. Same dedup, stories and alerts; the
 * feed's validators and poll schedule stay as they are. A document that cannot be read is the
 * hub's fault, not the feed's: reported, and the feed's health and backoff are left alone.
 */
async function handlePush(feed: FeedRecord, push: NonNullable<PollMessage['push']>, at: Date, deps: PollFeedDeps): Promise<PollFeedResult> {
  let content: Awaited<ReturnType<typeof readDocument>>;
  try {
    content = await readDocument(
      feed,
      { body: Buffer.from(push.body, 'base64'), contentType: push.contentType ?? null, finalUrl: feed.url },
      deps,
    );
  } catch (error) {
    const message = `pushed document unreadable: ${error instanceof Error ? error.message : String(error)}`;
    return reportFailed(feed, message, deps.events, { via: 'push' });
  }
  const { items, skipped } = content;
  const counts = await handleItems(feed, items, at, deps, { fetchedAt: push.receivedAt, fetchedBy: 'push' });
  await deps.feeds.recordPollSuccess(feed.feedId, {
    at: at.toISOString(),
    etag: feed.etag,
    lastModified: feed.lastModified,
    title: feed.title ? undefined : content.title,
    newItems: counts.new,
  });
  return reportHandled(feed, items.length, counts, skipped, deps.events, 'push');
}

/** The `feed-polled` event of a document whose items were handled, and the poll's result. */
function reportHandled(
  feed: FeedRecord,
  items: number,
  counts: Awaited<ReturnType<typeof handleItems>>,
  skipped: PollFeedResult['skipped'],
  events: PollFeedDeps['events'],
  via?: 'push',
): PollFeedResult {
  events.emit({
    type: 'feed-polled',
    feedId: feed.feedId,
    url: feed.url,
    status: 'ok',
    items,
    new: counts.new,
    duplicates: counts.duplicates,
    alerts: counts.alerts,
    joined: counts.joined,
    ...(via ? { via } : {}),
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
  });
  return { status: 'ok', items, ...counts, skipped };
}

/** The `feed-polled` event of a document that could not be read or fetched, and the poll's result. */
function reportFailed(
  feed: FeedRecord,
  message: string,
  events: PollFeedDeps['events'],
  detail: { via: 'push' } | { consecutiveErrors: number; nextPollAt: string },
): PollFeedResult {
  events.emit({
    type: 'feed-polled',
    feedId: feed.feedId,
    url: feed.url,
    status: 'error',
    items: 0,
    new: 0,
    duplicates: 0,
    error: message,
    ...detail,
  });
  return { status: 'error', items: 0, new: 0, duplicates: 0, alerts: 0, skipped: {}, error: message };
}

/** Records the feed's failure with backoff; the poll message itself succeeds. */
async function recordFailure(feed: FeedRecord, error: unknown, at: Date, deps: PollFeedDeps): Promise<PollFeedResult> {
  const expected = error instanceof FeedError;
  // 410 Gone is the server saying the feed is gone for good: the one case polling stops.
  const gone = error instanceof FeedHttpError && error.status === 410;
  // Stored, shown to the operator and logged: URLs a server or library quoted lose their secrets.
  const message = redactUrlsIn(
    gone
      ? `${error.message}: the feed is disabled; add it again (news-alerts feeds add) to resume polling`
      : error instanceof Error
        ? error.message
        : String(error),
  );
  const consecutiveErrors = (feed.consecutiveErrors ?? 0) + 1;
  const retryAfter = error instanceof FeedHttpError ? error.retryAfterSeconds : undefined;
  // Backoff grows from the operator's interval, not from one a quiet feed stretched.
  const { nextPollAt, interval } = nextPollAfterFailure(at, feed.intervalMinutes, consecutiveErrors, retryAfter, deps.random);

  await deps.feeds.recordPollFailure(feed.feedId, {
    at: at.toISOString(),
    error: message,
    nextPollAt: nextPollAt.toISOString(),
    backoffMinutes: interval.minutes,
    pollIntervalReason: interval.reason === 'retry-after' ? 'retry-after' : 'backoff',
    disable: gone,
  });
  const result = reportFailed(feed, message, deps.events, { consecutiveErrors, nextPollAt: nextPollAt.toISOString() });
  // An error that is not a FeedError is a bug in our reading code: still the feed's failure
  // (other feeds go on), which the event reports; this line is the bug report, with its stack.
  if (!expected)
    deps.log.error('feed poll failed unexpectedly', {
      feedId: feed.feedId,
      stack: error instanceof Error ? redactUrlsIn(String(error.stack)) : message,
    });
  return result;
}

/** What polling takes of the story matcher (shared/stories), imported at the first poll with new items. */
interface StoryMatcher {
  assignStory: typeof assignStory;
  prefetchedStoryStore: typeof prefetchedStoryStore;
  prefetchStoryReads: typeof prefetchStoryReads;
}

/** Dedup, classify, alert, mark done. Store and queue errors propagate (the message is retried). */
async function handleItems(
  feed: FeedRecord,
  items: NewsItem[],
  at: Date,
  deps: PollFeedDeps,
  arrival: Arrival,
): Promise<{ new: number; duplicates: number; alerts: number; joined: number }> {
  const { items: seenStore, queue, events } = deps;

  const seen = new Map<string, 'done' | 'pending'>();
  for (let start = 0; start < items.length; start += SEEN_BATCH) {
    const found = await seenStore.findSeen(items.slice(start, start + SEEN_BATCH).map((item) => item.itemKey));
    for (const [key, status] of found) seen.set(key, status);
  }
  const candidates = items.filter((item) => seen.get(item.itemKey) !== 'done');
  let duplicates = items.length - candidates.length;
  let handled = 0;
  let alertCount = 0;
  let joined = 0;
  const expiresAt = Math.floor(at.getTime() / 1000) + deps.env.ITEM_RETENTION_DAYS * 24 * 60 * 60;
  if (candidates.length === 0) return { new: 0, duplicates, alerts: 0, joined: 0 };
  const engine = await deps.engine();
  // The story matcher, like the classifier, loads at the first poll with new items (a chunk of
  // its own in poll-feed's bundle): a poll with nothing new never needs it.
  const matcher: StoryMatcher = await import('../stories/index.ts');

  // One lease on the feed's items instead of a claim per item: item keys are per feed, so while
  // this poller holds it no other handles them. Another poller holding it is handling the same
  // feed now: a poll leaves it the items (as busy claims did); a pushed document, which no later
  // poll may bring again, is retried once the holder is done.
  let lease = await takeFeedLease(feed.feedId, arrival, deps);
  if (!lease) return { new: 0, duplicates: items.length, alerts: 0, joined: 0 };

  try {
    for (let start = 0; start < candidates.length; start += SEND_BATCH) {
      const group = candidates.slice(start, start + SEND_BATCH);
      const isLast = start + SEND_BATCH >= candidates.length;
      lease = await keepFeedLease(lease, deps);
      const claims = await claimUnderLease(group, expiresAt, deps);
      // 'done': another poller finished it since findSeen; 'busy': a poller that claimed it alone
      // is on it now (it sends the alert); 'pending': a crashed poller's, whose lease ran out, ours
      // to finish; 'new': not seen yet, ours under the feed lease.
      const claimed = group.filter((_, index) => claims[index] === 'new' || claims[index] === 'pending');
      duplicates += group.length - claimed.length;
      handled += claimed.length;

      const fresh = new Set(group.filter((_, index) => claims[index] === 'new').map((item) => item.itemKey));
      const classified = claimed.flatMap((item) => {
        const topics = engine.classify({ title: item.title, summary: item.summary });
        return topics.length > 0 ? [{ item, topics }] : [];
      });
      // The lookup rows and candidate stories of the group's classified items in batched reads,
      // not two reads per item; and the places of the items claimed new, which are then written
      // in one batch (a taken-over item may have been placed by the run that died: it is placed
      // by a conditional write, which finds that run's decision).
      const stories = matcher.prefetchedStoryStore(deps.stories, deps.clock.now());
      await Promise.all([
        matcher.prefetchStoryReads(
          classified.map(({ item }) => item),
          at,
          stories,
          deps.storySettings,
        ),
        stories.holdPlaces(classified.filter(({ item }) => fresh.has(item.itemKey)).map(({ item }) => item.itemKey)),
      ]);

      const alerts: AlertMessage[] = [];
      const alerted = new Map<string, Set<string>>();
      // One at a time: a near-duplicate later in this poll must find the story an earlier one founded.
      for (const { item, topics } of classified) {
        const placed = await placeInStory(item, topics, at, { ...deps, stories }, matcher.assignStory);
        if (placed.joined) joined += 1;
        if (placed.topics.length === 0) continue;
        alerts.push({
          version: 1,
          storyId: placed.storyId,
          item,
          topics: placed.topics,
          ...(placed.members.length > 0 ? { storyMembers: placed.members } : {}),
          publishedAt: publicationTime(item, at),
          ...arrival,
        });
        const set = alerted.get(placed.storyId) ?? new Set(placed.alertedTopics);
        for (const topic of placed.topics) set.add(topic.topic);
        alerted.set(placed.storyId, set);
      }
      try {
        // The group's decisions recorded before any of its alerts is queued, as placing one by one did.
        await stories.flush();
        if (alerts.length > 0) await queue.send('alert', alerts);
      } catch (error) {
        // Give the items and the feed back so the retry of this message takes them at once: the
        // items as released claims, which it takes over (and finds their places) one by one.
        await Promise.allSettled([
          seenStore.markReleased(
            claimed.filter((item) => fresh.has(item.itemKey)).map((item) => item.itemKey),
            expiresAt,
          ),
          ...claimed.filter((item) => !fresh.has(item.itemKey)).map((item) => seenStore.release(item.itemKey)),
        ]);
        throw error;
      }
      // Only now, with the alerts durably queued, may the stories record them and the items be
      // marked done (one batched write each); a crash before this is redone by the retry
      // (deliveries dedup per story).
      await deps.stories.markAlerted(
        [...alerted].map(([storyId, topicSet]) => ({ storyId, topics: [...topicSet].sort() })),
        expiresAt,
      );
      // The last group's done markers end the feed lease in the same write, while it surely holds.
      const releaseNow = isLast && heldFor(lease, deps) < CLAIM_LEASE_SECONDS / 2;
      await seenStore.markDone(
        claimed.map((item) => item.itemKey),
        expiresAt,
        releaseNow ? lease : undefined,
      );
      if (isLast && !releaseNow) await seenStore.releaseFeed(lease);

      alertCount += alerts.length;
      for (const alert of alerts) {
        events.emit({
          type: 'alert',
          storyId: alert.storyId,
          feedId: feed.feedId,
          title: alert.item.title,
          link: alert.item.link,
          topics: alert.topics.map((t) => ({ topic: t.topic, score: t.score, matched: t.matched.map((m) => m.phrase) })),
        });
      }
    }
  } catch (error) {
    // The feed back at once for the retry (store and queue errors), rather than when the lease runs out.
    await Promise.allSettled([seenStore.releaseFeed(lease)]);
    throw error;
  }
  return { new: handled, duplicates, alerts: alertCount, joined };
}

/** Attempts at a feed lease another poller holds, for a pushed document, and the pause between them. */
const PUSH_LEASE_ATTEMPTS = 10;
const PUSH_LEASE_PAUSE_MS = 200;

/**
 * The feed's item lease, or undefined while another poller holds it. A pushed document waits a
 * little for it, then is retried as a message (its items come in no later poll for sure).
 */
async function takeFeedLease(feedId: string, arrival: Arrival, deps: PollFeedDeps): Promise<FeedLease | undefined> {
  const attempts = arrival.fetchedBy === 'push' ? PUSH_LEASE_ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, PUSH_LEASE_PAUSE_MS));
    const lease = await deps.items.leaseFeed(feedId, CLAIM_LEASE_SECONDS);
    if (lease) return lease;
  }
  if (arrival.fetchedBy === 'poll') return undefined;
  throw new MessageDeferredError(`pushed document handed back: another poller holds the feed's items right now (${feedId})`);
}

/** Seconds since the lease was taken or renewed. */
function heldFor(lease: FeedLease, deps: PollFeedDeps): number {
  return Math.floor(deps.clock.now().getTime() / 1000) - lease.takenAt;
}

/** Renews the lease once half of it has run (a poll of hundreds of items); fails if it was lost. */
async function keepFeedLease(lease: FeedLease, deps: PollFeedDeps): Promise<FeedLease> {
  if (heldFor(lease, deps) < CLAIM_LEASE_SECONDS / 2) return lease;
  const renewed = await deps.items.leaseFeed(lease.feedId, CLAIM_LEASE_SECONDS, lease);
  if (renewed) return renewed;
  throw new NewsAlertsError(
    `polling a feed failed: its item lease ran out and another poller took it; the message is retried (${lease.feedId})`,
    {
      retryable: true,
    },
  );
}

/**
 * The claims of a group under the feed lease, from one consistent read of its markers: a key
 * with no marker is ours ('new') with no write; a pending one (a poller that claimed it alone,
 * or released it) goes through `claim`, which honours that claim's own lease.
 */
async function claimUnderLease(group: NewsItem[], expiresAt: number, deps: PollFeedDeps): Promise<ItemClaim[]> {
  const markers = await deps.items.readMarkers(group.map((item) => item.itemKey));
  return Promise.all(
    group.map(async (item): Promise<ItemClaim> => {
      const marker = markers.get(item.itemKey);
      if (!marker) return 'new';
      if (marker.status === 'done') return 'done';
      return deps.items.claim(item.itemKey, expiresAt, CLAIM_LEASE_SECONDS);
    }),
  );
}

/**
 * When the item came out, as far as we can tell: its feed's date, or when this poll saw it if the
 * feed gives none. A date after that is the feed's clock being wrong, so it is capped there.
 */
export function publicationTime(item: NewsItem, seenAt: Date): string {
  const published = item.published === null ? Number.NaN : Date.parse(item.published);
  return Number.isFinite(published) && published < seenAt.getTime() ? new Date(published).toISOString() : seenAt.toISOString();
}

/**
 * The story of a classified item and the topics it still has to alert: all of them when it
 * founds the story, those the story was not alerted for yet when it joins one. Only classified
 * items are clustered: an item no topic wants alerts nobody, so it is not worth the writes.
 */
async function placeInStory(
  item: NewsItem,
  topics: TopicMatch[],
  at: Date,
  deps: PollFeedDeps,
  assign: StoryMatcher['assignStory'],
): Promise<{ storyId: string; topics: TopicMatch[]; members: StoryMember[]; joined: boolean; alertedTopics: string[] }> {
  const placed = await assign(item, at, {
    stories: deps.stories,
    retentionSeconds: deps.env.ITEM_RETENTION_DAYS * 24 * 60 * 60,
    ...(deps.storySettings ? { settings: deps.storySettings } : {}),
  });
  const members = placed.story.members.filter((member) => member.itemKey !== item.itemKey).slice(0, 50);
  const alertedTopics = placed.story.alertedTopics;
  if (placed.role === 'founder') return { storyId: placed.storyId, topics, members, joined: false, alertedTopics };
  const alerted = new Set(placed.story.alertedTopics);
  if (!placed.resumed) {
    deps.log.info('item joined a story', { itemKey: item.itemKey, storyId: placed.storyId, score: placed.score });
  }
  return {
    storyId: placed.storyId,
    topics: topics.filter((t) => !alerted.has(t.topic)),
    members,
    joined: !placed.resumed,
    alertedTopics,
  };
}
