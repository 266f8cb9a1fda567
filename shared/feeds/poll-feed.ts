import type { Env } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import { queueMessageText } from '../messages/queue-message-text.ts';
import { type ItemsMessage, MAX_ITEMS_PER_POLL, type NewsItem, type PollMessage } from '../messages/schemas.ts';
import { redactUrlsIn } from '../outbound-http/index.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore, SeenItemStore } from '../store/ports.ts';
import type { FeedRecord, PollIntervalReason } from '../store/records.ts';
import { FeedError, FeedHttpError } from './errors.ts';
import { FEED_FETCH_DEFAULTS, fetchFeed } from './fetch-feed.ts';
import type { FetchFeedOptions } from './fetch-feed.ts';
import { normalizeItems } from './normalize-item.ts';
import { readFeed } from './read-feed.ts';
import { cacheMaxAgeSeconds, healthyInterval, nextPollAfterFailure, nextPollAfterSuccess, type ScheduleHints } from './schedule.ts';

export interface PollFeedDeps {
  feeds: FeedStore;
  /** Read only: which items are done (classify-items marks them). */
  items: Pick<SeenItemStore, 'findSeen'>;
  /** New items go to the `items` queue (classify-items). */
  queue: Pick<MessageQueue, 'send'>;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  log: Log;
  events: EventSink;
  env: Pick<Env, 'ALLOW_PRIVATE_NETWORK' | 'PUBLIC_BASE_URL'> & Partial<Pick<Env, 'FEED_TIMEOUT_MS' | 'FEED_MAX_BYTES'>>;
  /** Overrides of the fetch limits (tests, the CLI); the env's, else the defaults, otherwise. */
  fetchOptions?: Pick<FetchFeedOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'dispatcher' | 'resolve'>;
  /** Source of the scheduling jitter (0 ≤ x < 1); Math.random by default. */
  random?: () => number;
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
      /**
       * When each item this poll handed on (none done yet) was published: an item dated after the
       * hub's last push is one it did not push. A count alone would not do: items a push brought
       * may still wait in the items queue when a safety poll runs.
       */
      newItems: readonly Pick<NewsItem, 'published'>[];
    },
  ): Promise<{ pushed: boolean; nextPollAt?: Date }>;
}

export interface PollFeedResult {
  status: 'ok' | 'not-modified' | 'error' | 'unknown-feed';
  /** Items normalized from the feed (after the per-poll cap). */
  items: number;
  /** Items handed to classify-items: new ones, and ones no earlier run finished. */
  new: number;
  /** Items already done. */
  duplicates: number;
  /** Entries that could not be normalized, by reason. */
  skipped: Record<string, number>;
  error?: string;
}

/** Keys per findSeen call. */
const SEEN_BATCH = 100;

/**
 * Polls one feed: conditional fetch, decode, parse, normalize, exact dedup, the new items handed
 * to classify-items (`handleItems`: stories, classify, alerts), record the feed's health.
 *
 * Nothing lost: the feed's new validators (ETag, Last-Modified) are recorded only after its new
 * items are durably queued, so a crash in between refetches the document and hands them on again.
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
    return { status: 'unknown-feed', items: 0, new: 0, duplicates: 0, skipped: {} };
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
    const push = await deps.push?.afterPoll(feed, { at, newItems: [] });
    await feeds.recordPollSuccess(feed.feedId, {
      at: at.toISOString(),
      etag: feed.etag,
      lastModified: feed.lastModified,
      ...withPushSchedule(next, push, at),
      newItems: 0,
    });
    events.emit({ type: 'feed-polled', feedId: feed.feedId, url: feed.url, status: 'not-modified', items: 0, new: 0, duplicates: 0 });
    return { status: 'not-modified', items: 0, new: 0, duplicates: 0, skipped: {} };
  }

  const { items, skipped, etag, lastModified, title } = content;
  const { candidates, ...counts } = await handOffItems(feed, items, deps, { fetchedAt: at.toISOString(), fetchedBy: 'poll' });
  // A pushed feed is polled at the safety interval; the healthy interval is what polling would use.
  const push = await deps.push?.afterPoll(feed, { at, document: content.document, newItems: candidates });
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
  const counts = await handOffItems(feed, items, deps, { fetchedAt: push.receivedAt, fetchedBy: 'push' });
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
  counts: { new: number; duplicates: number },
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
    ...(via ? { via } : {}),
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
  });
  return { status: 'ok', items, new: counts.new, duplicates: counts.duplicates, skipped };
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
  return { status: 'error', items: 0, new: 0, duplicates: 0, skipped: {}, error: message };
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

/**
 * Most bytes of items one message carries, as the queue adapter sends them (`queueMessageText`):
 * under its 256 KiB per message, with room for the envelope.
 */
const ITEMS_MESSAGE_BYTES = 200_000;

/**
 * Exact dedup, then the items no earlier poll finished handed to classify-items (the `items`
 * queue), in messages of at most {@link ITEMS_MESSAGE_BYTES}. Nothing lost: the poll message
 * (and the feed's new validators, recorded after this) succeed only once the items are durably
 * queued; an item is marked done only by classify-items, so one handed on twice (a poll before
 * the first message was handled) is found done, or waits for the run that holds it.
 */
async function handOffItems(
  feed: FeedRecord,
  items: NewsItem[],
  deps: PollFeedDeps,
  arrival: Pick<ItemsMessage, 'fetchedAt' | 'fetchedBy'>,
): Promise<{ new: number; duplicates: number; candidates: NewsItem[] }> {
  const seen = new Map<string, 'done' | 'pending'>();
  for (let start = 0; start < items.length; start += SEEN_BATCH) {
    const found = await deps.items.findSeen(items.slice(start, start + SEEN_BATCH).map((item) => item.itemKey));
    for (const [key, status] of found) seen.set(key, status);
  }
  const candidates = items.filter((item) => seen.get(item.itemKey) !== 'done');
  if (candidates.length > 0) {
    const messages: ItemsMessage[] = itemGroups(candidates).map((group) => ({ version: 1, feedId: feed.feedId, items: group, ...arrival }));
    await deps.queue.send('items', messages);
  }
  return { new: candidates.length, duplicates: items.length - candidates.length, candidates };
}

/** Consecutive runs of items of at most {@link ITEMS_MESSAGE_BYTES} as sent. */
function itemGroups(items: NewsItem[]): NewsItem[][] {
  const groups: NewsItem[][] = [];
  let group: NewsItem[] = [];
  let bytes = 0;
  for (const item of items) {
    // As the queue adapter sends it: an emoji counts 12 bytes there (two escapes), not 4.
    const size = Buffer.byteLength(queueMessageText(item) ?? '');
    if (group.length > 0 && bytes + size > ITEMS_MESSAGE_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size + 1;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
