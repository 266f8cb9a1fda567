import type { TopicEngine } from '../classify/index.ts';
import type { Env } from '../config/env.ts';
import type { AlertMessage, NewsItem, PollMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EventSink } from '../runtime/events.ts';
import type { Log } from '../runtime/logger.ts';
import type { FeedStore, SeenItemStore } from '../store/ports.ts';
import type { FeedRecord } from '../store/records.ts';
import { nextPollAfterFailure } from './backoff.ts';
import { decodeFeed } from './decode-feed.ts';
import { FeedError, FeedHttpError } from './errors.ts';
import { FEED_FETCH_DEFAULTS, fetchFeed } from './fetch-feed.ts';
import type { FetchFeedOptions } from './fetch-feed.ts';
import { normalizeItems } from './normalize-item.ts';
import { parseFeed } from './parse-feed.ts';
import { toPlainText } from './plain-text.ts';

export interface PollFeedDeps {
  feeds: FeedStore;
  items: SeenItemStore;
  queue: MessageQueue;
  /** Only `classify` is used: any implementation of the port will do. */
  engine: Pick<TopicEngine, 'classify'>;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  log: Log;
  events: EventSink;
  env: Pick<Env, 'ITEM_RETENTION_DAYS' | 'ALLOW_PRIVATE_NETWORK' | 'PUBLIC_BASE_URL'>;
  /** Overrides of the fetch limits (tests, the CLI); the defaults otherwise. */
  fetchOptions?: Pick<FetchFeedOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'dispatcher' | 'resolve'>;
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

  let content: Awaited<ReturnType<typeof readFeed>>;
  try {
    content = await readFeed(feed, deps);
  } catch (error) {
    return recordFailure(feed, error, at, deps);
  }

  if (content.status === 'not-modified') {
    await feeds.recordPollSuccess(feed.feedId, { at: at.toISOString(), etag: feed.etag, lastModified: feed.lastModified });
    events.emit({ type: 'feed-polled', feedId: feed.feedId, url: feed.url, status: 'not-modified', items: 0, new: 0, duplicates: 0 });
    log.info('feed not modified', { feedId: feed.feedId });
    return { status: 'not-modified', items: 0, new: 0, duplicates: 0, alerts: 0, skipped: {} };
  }

  const { items, skipped, etag, lastModified, title } = content;
  const counts = await handleItems(feed, items, at, deps);
  // The operator's title wins; the feed's own title only fills in a feed configured without one.
  await feeds.recordPollSuccess(feed.feedId, { at: at.toISOString(), etag, lastModified, title: feed.title ? undefined : title });
  events.emit({
    type: 'feed-polled',
    feedId: feed.feedId,
    url: feed.url,
    status: 'ok',
    items: items.length,
    new: counts.new,
    duplicates: counts.duplicates,
  });
  log.info('feed polled', { feedId: feed.feedId, items: items.length, ...counts, skipped });
  return { status: 'ok', items: items.length, ...counts, skipped };
}

/** Fetch → decode → parse → normalize. Any error here is the feed's. */
async function readFeed(feed: FeedRecord, deps: PollFeedDeps) {
  const userAgent = deps.env.PUBLIC_BASE_URL
    ? `${FEED_FETCH_DEFAULTS.userAgent.replace(/\)$/, '')}; +${deps.env.PUBLIC_BASE_URL})`
    : FEED_FETCH_DEFAULTS.userAgent;
  const fetched = await fetchFeed(feed.url, {
    ...deps.fetchOptions,
    etag: feed.etag,
    lastModified: feed.lastModified,
    fetch: deps.fetch,
    allowPrivateNetwork: deps.env.ALLOW_PRIVATE_NETWORK,
    userAgent,
  });
  if (fetched.status === 'not-modified') return { status: 'not-modified' as const };

  const { text } = decodeFeed(fetched.body, fetched.contentType);
  const parsed = await parseFeed(text, fetched.finalUrl);
  const title = parsed.title ? toPlainText(parsed.title) : '';
  const source = feed.title || title || new URL(fetched.finalUrl).host;
  const { items, skipped } = normalizeItems(parsed.entries, { feedId: feed.feedId, feedUrl: fetched.finalUrl, source });
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
    etag: fetched.etag,
    lastModified: fetched.lastModified,
    title: title || undefined,
  };
}

/** Records the feed's failure with backoff; the poll message itself succeeds. */
async function recordFailure(feed: FeedRecord, error: unknown, at: Date, deps: PollFeedDeps): Promise<PollFeedResult> {
  const expected = error instanceof FeedError;
  const message = error instanceof Error ? error.message : String(error);
  const consecutiveErrors = (feed.consecutiveErrors ?? 0) + 1;
  const retryAfter = error instanceof FeedHttpError ? error.retryAfterSeconds : undefined;
  const nextPollAt = nextPollAfterFailure(at, feed.intervalMinutes, consecutiveErrors, retryAfter);

  await deps.feeds.recordPollFailure(feed.feedId, { at: at.toISOString(), error: message, nextPollAt: nextPollAt.toISOString() });
  deps.events.emit({
    type: 'feed-polled',
    feedId: feed.feedId,
    url: feed.url,
    status: 'error',
    items: 0,
    new: 0,
    duplicates: 0,
    error: message,
  });
  // An error that is not a FeedError is a bug in our reading code: still the feed's failure
  // (other feeds go on), but loud.
  const fields = { feedId: feed.feedId, error: message, consecutiveErrors, nextPollAt: nextPollAt.toISOString() };
  if (expected) deps.log.warn('feed poll failed', fields);
  else deps.log.error('feed poll failed unexpectedly', { ...fields, stack: error instanceof Error ? error.stack : undefined });
  return { status: 'error', items: 0, new: 0, duplicates: 0, alerts: 0, skipped: {}, error: message };
}

/** Dedup, classify, alert, mark done. Store and queue errors propagate (the message is retried). */
async function handleItems(
  feed: FeedRecord,
  items: NewsItem[],
  at: Date,
  deps: PollFeedDeps,
): Promise<{ new: number; duplicates: number; alerts: number }> {
  const { items: seenStore, queue, engine, events } = deps;

  const seen = new Map<string, 'done' | 'pending'>();
  for (let start = 0; start < items.length; start += SEEN_BATCH) {
    const found = await seenStore.findSeen(items.slice(start, start + SEEN_BATCH).map((item) => item.itemKey));
    for (const [key, status] of found) seen.set(key, status);
  }
  const candidates = items.filter((item) => seen.get(item.itemKey) !== 'done');
  let duplicates = items.length - candidates.length;
  let handled = 0;
  let alertCount = 0;
  const expiresAt = Math.floor(at.getTime() / 1000) + deps.env.ITEM_RETENTION_DAYS * 24 * 60 * 60;

  for (let start = 0; start < candidates.length; start += SEND_BATCH) {
    const group = candidates.slice(start, start + SEND_BATCH);
    const claims = await Promise.all(group.map((item) => seenStore.claim(item.itemKey, expiresAt)));
    // 'done' here means another poller finished it since findSeen; 'pending' is ours to finish.
    const claimed = group.filter((_, index) => claims[index] !== 'done');
    duplicates += group.length - claimed.length;
    handled += claimed.length;

    const alerts: AlertMessage[] = [];
    for (const item of claimed) {
      const topics = engine.classify({ title: item.title, summary: item.summary });
      if (topics.length > 0) alerts.push({ version: 1, storyId: item.itemKey, item, topics });
    }
    if (alerts.length > 0) await queue.send('alert', alerts);
    // Only now, with the alerts durably queued, may the items be marked done.
    await Promise.all(claimed.map((item) => seenStore.markDone(item.itemKey)));

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
  return { new: handled, duplicates, alerts: alertCount };
}
