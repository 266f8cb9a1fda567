import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createPlanPollsHandler } from '../../../functions/plan-polls/handler.ts';
import { createHandler as createClassifyItemsHandler } from '../../../functions/classify-items/handler.ts';
import { createHandler as createPollFeedHandler } from '../../../functions/poll-feed/handler.ts';
import type { TopicEngine, TopicMatch } from '../../../shared/classify/index.ts';
import { NewsAlertsError } from '../../../shared/core/errors.ts';
import { normalizeEntries, normalizeItems } from '../../../shared/feeds/normalize-item.ts';
import { parseFeed } from '../../../shared/feeds/parse-feed.ts';
import { planPolls } from '../../../shared/feeds/plan-polls.ts';
import type { HandleItemsDeps } from '../../../shared/feeds/index.ts';
import { handleItems } from '../../../shared/feeds/index.ts';
import { pollFeed, type PollFeedDeps } from '../../../shared/feeds/poll-feed.ts';
import { queueMessageText } from '../../../shared/messages/queue-message-text.ts';
import { alertMessageSchema, itemsMessageSchema, pollMessageSchema, type AlertMessage } from '../../../shared/messages/schemas.ts';
import type { MessageQueue } from '../../../shared/queue/ports.ts';
import { defaultStorySettings } from '../../../shared/stories/index.ts';
import { listDueFeeds } from '../../helpers/due-feeds.ts';
import { handleQueuedItems } from '../../helpers/handle-queued-items.ts';
import { startFeedEngines, type FeedEngines } from './feed-engines.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from './feed-server.ts';

const rss = readFileSync(new URL('../../fixtures/feeds/world-desk.rss.xml', import.meta.url));
const html = readFileSync(new URL('../../fixtures/feeds/not-a-feed.html', import.meta.url));

/**
 * A tiny engine satisfying the TopicEngine port (the real classifier is tested on its own): a
 * title with "talks" is `talks`, one with "Security Council" is `un-meeting`.
 */
const keywordEngine: Pick<TopicEngine, 'classify'> = {
  classify(item) {
    const rules: [string, string][] = [
      ['talks', 'talks'],
      ['un-meeting', 'Security Council'],
    ];
    return rules.flatMap(([topic, phrase]): TopicMatch[] => {
      const position = item.title.indexOf(phrase);
      if (position < 0) return [];
      return [{ topic, label: topic, score: 0.9, matched: [{ phrase, text: phrase, field: 'title', position, rule: 'keyword' }] }];
    });
  },
};

let engines: FeedEngines;
let server: FeedServer;

beforeAll(async () => {
  [engines, server] = await Promise.all([startFeedEngines(), startFeedServer()]);
});
afterAll(async () => {
  await Promise.all([engines?.stop(), server?.stop()]);
});
// Items an earlier test's poll handed on are not the next test's.
beforeEach(async () => {
  await engines.drain('items');
});

/** No jitter (0.5 is the middle of the ±10 % range), so next-poll times are exact. */
const still = () => 0.5;

function pollDeps(overrides: Partial<PollFeedDeps> = {}): PollFeedDeps {
  return { ...engines.deps, random: still, ...overrides };
}

function handleDeps(overrides: Partial<HandleItemsDeps> = {}): HandleItemsDeps {
  // These feeds share one fixture, so story clustering would merge their items into one story
  // and alert once (test/integration/stories covers that); here no similarity is enough to join
  // a story, so each feed is on its own.
  return {
    ...engines.deps,
    engine: async () => keywordEngine,
    storySettings: { ...defaultStorySettings, threshold: 2, datedThreshold: 2, undatedThreshold: 2 },
    ...overrides,
  };
}

/** A poll, then what classify-items does with the items it handed on: the poll's result with the alerts queued. */
async function pollAndHandle(feedId: string) {
  const polled = await pollFeed(message(feedId), pollDeps());
  const handled = await handleQueuedItems(engines.drain, handleDeps());
  return { ...polled, alerts: handled.alerts, handled };
}

async function addFeed(feedId: string, path: string, intervalMinutes = 10) {
  await engines.deps.feeds.upsertFeed({ feedId, url: `${server.origin}${path}`, intervalMinutes }, engines.clock.now());
}

const message = (feedId: string) => ({ feedId, plannedAt: engines.clock.now().toISOString() });

async function itemStatuses(keys: string[]) {
  const seen = await engines.deps.items.findSeen(keys);
  return keys.map((key) => seen.get(key) ?? 'absent');
}

describe('pollFeed against dynalite and fauxqs', () => {
  it('queues an alert per classified new item, marks every item done, records the feed', async () => {
    server.routes.set('/world', conditionalRoute(rss, { etag: '"w1"' }));
    await addFeed('world', '/world');
    engines.events.length = 0;

    const result = await pollAndHandle('world');

    expect(result).toMatchObject({ status: 'ok', items: 3, new: 3, duplicates: 0, alerts: 2 });
    expect(result.handled).toMatchObject({ messages: 1, new: 3, duplicates: 0 });
    const alerts = (await engines.drain('alert')).map((body) => alertMessageSchema.parse(body));
    expect(alerts.map((a) => [a.item.title, a.topics.map((t) => t.topic)])).toEqual([
      ['Security Council schedules emergency session on the Black Sea grain corridor', ['un-meeting']],
      ['Envoys agree to a second round of ceasefire talks in Geneva', ['talks']],
    ]);
    for (const alert of alerts) {
      expect(alert.version).toBe(1);
      expect(alert.storyId).toBe(alert.item.itemKey);
      expect(alert.item).toMatchObject({ feedId: 'world', source: 'World Desk & Wire' });
    }
    expect(alerts[0]!.item.link).toBe(`${server.origin}/world/2025/un-council-session?ref=home`);

    const keys = await currentKeys('world');
    expect(await itemStatuses(keys)).toEqual(['done', 'done', 'done']);

    const feed = await engines.deps.feeds.getFeed('world');
    expect(feed).toMatchObject({
      etag: '"w1"',
      title: 'World Desk & Wire',
      consecutiveErrors: 0,
      lastSuccessAt: '2030-01-01T00:00:00.000Z',
      itemsSeen: 3,
      lastNewItemAt: '2030-01-01T00:00:00.000Z',
    });
    // The fixture's items are from 2025: a feed silent for years is still polled at the
    // operator's interval, which is a promise (only maxIntervalMinutes may stretch it).
    expect(feed).toMatchObject({ pollIntervalMinutes: 10, pollIntervalReason: 'configured', nextPollAt: '2030-01-01T00:10:00.000Z' });
    expect(engines.events.filter((e) => e.type === 'alert')).toHaveLength(2);
    expect(engines.events.find((e) => e.type === 'feed-polled')).toMatchObject({ status: 'ok', items: 3, new: 3, duplicates: 0 });
  });

  it('sends a conditional GET next time and records a 304 as success', async () => {
    engines.events.length = 0;
    const before = server.requests.length;
    const result = await pollFeed(message('world'), pollDeps());
    expect(result.status).toBe('not-modified');
    expect(server.requests[before]?.headers['if-none-match']).toBe('"w1"');
    expect(engines.events).toEqual([
      { type: 'feed-polled', feedId: 'world', url: `${server.origin}/world`, status: 'not-modified', items: 0, new: 0, duplicates: 0 },
    ]);
    expect(await engines.drain('alert')).toEqual([]);
  });

  it('counts items seen before as duplicates and queues nothing for them', async () => {
    server.routes.set('/world-again', conditionalRoute(rss));
    await addFeed('world-again', '/world-again');
    await pollAndHandle('world-again');
    expect(await engines.drain('alert')).toHaveLength(2);

    const second = await pollAndHandle('world-again');
    expect(second).toMatchObject({ status: 'ok', items: 3, new: 0, duplicates: 3, alerts: 0 });
    expect(second.handled.messages).toBe(0);
    expect(await engines.drain('alert')).toEqual([]);
  });

  it('hands items on only when a poll has new ones, in one message with where they came from', async () => {
    server.routes.set('/hand-off', conditionalRoute(rss));
    await addFeed('hand-off', '/hand-off');

    const first = await pollFeed(message('hand-off'), pollDeps());
    const handed = (await engines.drain('items')).map((body) => itemsMessageSchema.parse(body));
    const second = await pollFeed(message('hand-off'), pollDeps());

    expect(first).toMatchObject({ status: 'ok', new: 3, duplicates: 0 });
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({ version: 1, feedId: 'hand-off', fetchedAt: '2030-01-01T00:00:00.000Z', fetchedBy: 'poll' });
    expect(handed[0]!.items.map((item) => item.itemKey)).toEqual(await currentKeys('hand-off'));
    // Handed on, not done: until classify-items marks them, the next poll hands them on again.
    expect(second).toMatchObject({ status: 'ok', new: 3, duplicates: 0 });
    const again = (await engines.drain('items')).map((body) => itemsMessageSchema.parse(body));
    expect(again[0]!.items.map((item) => item.itemKey)).toEqual(handed[0]!.items.map((item) => item.itemKey));

    // Both messages handled: the second finds the items done and queues nothing.
    const results = [];
    for (const items of [...handed, ...again]) results.push(await handleItems(items, handleDeps()));
    expect(results).toEqual([
      { new: 3, duplicates: 0, alerts: 2, joined: 0 },
      { new: 0, duplicates: 3, alerts: 0, joined: 0 },
    ]);
    expect(await engines.drain('alert')).toHaveLength(2);
  });

  /**
   * A feed `feedId` of 150 items whose descriptions are `summary`, polled once: the poll's result,
   * the items messages it queued, and the guids they carry (in message order).
   */
  async function pollManyItems(feedId: string, summary: string) {
    const entries = Array.from(
      { length: 150 },
      (_, i) =>
        `<item><title>Item ${i}</title><guid>${feedId}-${i}</guid><link>https://example.org/${feedId}/${i}</link><description>${summary}</description></item>`,
    ).join('');
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>${feedId}</title>${entries}</channel></rss>`;
    server.routes.set(`/${feedId}`, conditionalRoute(Buffer.from(xml)));
    await addFeed(feedId, `/${feedId}`);
    const result = await pollFeed(message(feedId), pollDeps());
    const bodies = await engines.drain('items');
    const guids = bodies.flatMap((body) => itemsMessageSchema.parse(body).items.map((item) => item.guid));
    // Each item in exactly one message, whatever their order (SQS keeps none between messages).
    expect(guids.sort()).toEqual(Array.from({ length: 150 }, (_, i) => `${feedId}-${i}`).sort());
    return { result, bodies };
  }

  it("splits a large poll's items into messages of at most 200 KB, every item in exactly one", async () => {
    // 1,900-character summaries: about 300 KB of items in all
    const words = 'Envoys met in Geneva on Tuesday to discuss the next round of talks. '.repeat(28).slice(0, 1900);

    const { result, bodies } = await pollManyItems('big', words);

    expect(result).toMatchObject({ status: 'ok', items: 150, new: 150 });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(200_000 + 500);
  });

  it('sizes the messages as they are sent: items full of emoji (12 bytes each once escaped) still fit', async () => {
    // Summaries of 900 emoji: about 0.5 MB as UTF-8, 1.6 MB as the queue gets them
    const { result, bodies } = await pollManyItems('emoji', '\u{1F30D}'.repeat(900));

    expect(result).toMatchObject({ status: 'ok', items: 150, new: 150 });
    for (const body of bodies) expect(Buffer.byteLength(queueMessageText(body)!)).toBeLessThanOrEqual(256 * 1024);
  });

  it('records nothing of a poll whose items cannot be handed on, and hands them on at the retry', async () => {
    server.routes.set('/unsent', conditionalRoute(rss, { etag: '"u1"' }));
    await addFeed('unsent', '/unsent');
    const failingQueue: Pick<MessageQueue, 'send'> = {
      async send() {
        throw new NewsAlertsError('sending to queue items failed: injected fault (test)', { retryable: true });
      },
    };

    await expect(pollFeed(message('unsent'), pollDeps({ queue: failingQueue }))).rejects.toThrow('injected fault');
    // The validators are not kept: the retry fetches the whole document again, not a 304.
    expect(await engines.deps.feeds.getFeed('unsent')).not.toHaveProperty('etag');
    const retry = await pollFeed(message('unsent'), pollDeps());

    expect(retry).toMatchObject({ status: 'ok', new: 3 });
    expect(await engines.drain('items')).toHaveLength(1);
    expect(await engines.deps.feeds.getFeed('unsent')).toMatchObject({ etag: '"u1"' });
  });

  it('leaves items pending when the alert cannot be queued, and sends them at the retry', async () => {
    server.routes.set('/crashy', conditionalRoute(rss));
    await addFeed('crashy', '/crashy');
    const failingQueue: Pick<MessageQueue, 'send'> = {
      async send() {
        throw new NewsAlertsError('sending to queue alert failed: injected fault (test)', { retryable: true });
      },
    };
    await pollFeed(message('crashy'), pollDeps());
    const [handed] = (await engines.drain('items')).map((body) => itemsMessageSchema.parse(body));

    await expect(handleItems(handed!, handleDeps({ queue: failingQueue }))).rejects.toThrow('injected fault');
    const keys = await currentKeys('crashy');
    const statuses = await itemStatuses(keys);
    // Nothing was marked done before its alert was queued.
    expect(statuses).not.toContain('done');
    expect(statuses).toContain('pending');
    expect(await engines.drain('alert')).toEqual([]);

    const retry = await handleItems(handed!, handleDeps());
    expect(retry).toMatchObject({ alerts: 2, duplicates: 0 });
    const alerts = (await engines.drain('alert')) as AlertMessage[];
    expect(alerts.map((a) => a.item.guid).sort()).toEqual(['wd-1001', 'wd-1002']);
    expect(await itemStatuses(keys)).toEqual(['done', 'done', 'done']);
  });

  it('records a feed error with backoff and succeeds, for HTTP errors, HTML pages and refused URLs', async () => {
    server.routes.set('/broken', (_q, s) => s.writeHead(500).end());
    server.routes.set('/landing', (_q, s) => s.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await addFeed('broken', '/broken', 10);
    await addFeed('landing', '/landing', 10);
    await addFeed('private', '/anything', 10);
    engines.events.length = 0;

    const broken = await pollFeed(message('broken'), pollDeps());
    const landing = await pollFeed(message('landing'), pollDeps());
    const refused = await pollFeed(message('private'), pollDeps({ env: { ...engines.deps.env, ALLOW_PRIVATE_NETWORK: false } }));

    expect(broken).toMatchObject({ status: 'error', error: `feed fetch failed: HTTP 500 Internal Server Error (${server.origin}/broken)` });
    expect(landing.error).toBe(`feed parse failed: the body is an HTML page, not a feed (${server.origin}/landing)`);
    expect(refused.error).toBe(`feed URL refused: 127.0.0.1 is a loopback address (${server.origin}/anything)`);

    const feed = await engines.deps.feeds.getFeed('broken');
    expect(feed).toMatchObject({
      consecutiveErrors: 1,
      lastError: broken.error,
      lastErrorAt: '2030-01-01T00:00:00.000Z',
      nextPollAt: '2030-01-01T00:20:00.000Z',
      backoffMinutes: 20,
      pollIntervalReason: 'backoff',
    });
    await pollFeed(message('broken'), pollDeps());
    expect(await engines.deps.feeds.getFeed('broken')).toMatchObject({ consecutiveErrors: 2, nextPollAt: '2030-01-01T00:40:00.000Z' });
    expect(engines.events.filter((e) => e.type === 'feed-polled').map((e) => e.type === 'feed-polled' && e.status)).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
  });

  it('resets the error count once the feed recovers, keeping when it last failed', async () => {
    server.routes.set('/broken', conditionalRoute(rss));
    await pollFeed(message('broken'), pollDeps());
    const feed = await engines.deps.feeds.getFeed('broken');
    expect(feed?.consecutiveErrors).toBe(0);
    expect(feed?.lastError).toBeUndefined();
    expect(feed?.lastErrorAt).toBe('2030-01-01T00:00:00.000Z');
    await engines.drain('alert');
  });

  it('backs off to at most 24 hours and keeps trying, however long a feed fails', async () => {
    server.routes.set('/down', (_q, s) => s.writeHead(502).end());
    await addFeed('down', '/down', 10);
    for (let poll = 0; poll < 12; poll++) await pollFeed(message('down'), pollDeps());
    const feed = await engines.deps.feeds.getFeed('down');
    expect(feed).toMatchObject({ consecutiveErrors: 12, nextPollAt: '2030-01-02T00:00:00.000Z' });
    expect(feed?.disabled).toBeUndefined();
    await engines.deps.feeds.removeFeed('down');
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    server.routes.set('/limited', (_q, s) => s.writeHead(429, { 'retry-after': '7200' }).end());
    await addFeed('limited', '/limited', 10);
    const result = await pollFeed(message('limited'), pollDeps());
    expect(result.error).toBe(`feed fetch failed: HTTP 429 Too Many Requests, retry after 7200 s (${server.origin}/limited)`);
    // Two hours, and the planner's minute on top (it takes a feed up to a minute early).
    expect(await engines.deps.feeds.getFeed('limited')).toMatchObject({
      nextPollAt: '2030-01-01T02:01:00.000Z',
      backoffMinutes: 120,
      pollIntervalReason: 'retry-after',
    });
    await engines.deps.feeds.removeFeed('limited');
  });

  it('disables a feed on 410 Gone and says so, until an operator adds it again', async () => {
    server.routes.set('/gone', (_q, s) => s.writeHead(410).end());
    await addFeed('gone', '/gone', 10);
    const result = await pollFeed(message('gone'), pollDeps());
    expect(result.error).toBe(
      `feed fetch failed: HTTP 410 Gone (${server.origin}/gone): the feed is disabled; add it again (news-alerts feeds add) to resume polling`,
    );
    const feed = await engines.deps.feeds.getFeed('gone');
    expect(feed).toMatchObject({ disabled: true, disabledReason: result.error, consecutiveErrors: 1 });
    const farFuture = new Date('2031-01-01T00:00:00Z');
    expect((await listDueFeeds(engines.deps.feeds, farFuture, 1000)).map((f) => f.feedId)).not.toContain('gone');

    await engines.deps.feeds.upsertFeed({ feedId: 'gone', url: `${server.origin}/gone`, intervalMinutes: 10 }, engines.clock.now(), {
      reset: true,
    });
    const readded = await engines.deps.feeds.getFeed('gone');
    expect(readded).toMatchObject({ consecutiveErrors: 0, nextPollAt: engines.clock.now().toISOString() });
    expect(readded?.disabled).toBeUndefined();
    expect((await listDueFeeds(engines.deps.feeds, farFuture, 1000)).map((f) => f.feedId)).toContain('gone');
    await engines.deps.feeds.removeFeed('gone');
  });

  it('adapts the interval to the publish rate, and honours <ttl> and Cache-Control', async () => {
    const now = engines.clock.now().getTime();
    const items = (count: number, everyMinutes: number) =>
      Array.from(
        { length: count },
        (_, i) =>
          `<item><guid>every-${everyMinutes}-${i}</guid><title>Item ${i}</title><pubDate>${new Date(now - (i + 1) * everyMinutes * 60_000).toUTCString()}</pubDate></item>`,
      ).join('');
    const feedXml = (body: string, extra = '') => `<rss version="2.0"><channel><title>t</title>${extra}${body}</channel></rss>`;
    server.routes.set('/hourly', conditionalRoute(feedXml(items(24, 60))));
    server.routes.set('/ttl', conditionalRoute(feedXml(items(24, 10), '<ttl>90</ttl>')));
    server.routes.set('/max-age', (_q, s) => s.writeHead(200, { 'cache-control': 'public, max-age=2700' }).end(feedXml(items(30, 1))));
    server.routes.set('/daily', conditionalRoute(feedXml(items(5, 24 * 60))));
    server.routes.set('/daily-capped', conditionalRoute(feedXml(items(5, 24 * 60))));
    const ids = ['hourly', 'ttl', 'ttl-capped', 'max-age', 'daily', 'daily-capped'];
    for (const id of ['hourly', 'ttl', 'max-age', 'daily']) await addFeed(id, `/${id}`, 60);
    server.routes.set('/ttl-capped', conditionalRoute(feedXml(items(24, 10), '<ttl>90</ttl>')));
    // The operator lets these two wait longer than 60 minutes: up to 120 minutes.
    for (const id of ['ttl-capped', 'daily-capped']) {
      await engines.deps.feeds.upsertFeed(
        { feedId: id, url: `${server.origin}/${id}`, intervalMinutes: 60, maxIntervalMinutes: 120 },
        engines.clock.now(),
      );
    }

    for (const id of ids) await pollFeed(message(id), pollDeps());
    const intervals = await Promise.all(
      ids.map(async (id) => {
        const feed = await engines.deps.feeds.getFeed(id);
        return `${feed?.pollIntervalMinutes} ${feed?.pollIntervalReason}`;
      }),
    );
    // An item an hour → polled every 30 minutes; an item every 10 minutes → 5 (the floor), but
    // <ttl>90</ttl> asks for 90: honoured up to the promise (60) unless the operator raised the
    // cap (120); max-age=2700 s slows an item-a-minute feed to 45; a daily feed stays at 60
    // unless the operator let it stretch (to 120).
    expect(intervals).toEqual(['30 busy-feed', '60 configured', '90 feed-ttl', '45 server-max-age', '60 configured', '120 quiet-feed']);
    expect((await engines.deps.feeds.getFeed('hourly'))?.nextPollAt).toBe('2030-01-01T00:30:00.000Z');
    await engines.drain('alert');
    for (const id of ids) await engines.deps.feeds.removeFeed(id);
  });

  it('skips a poll for a feed that no longer exists', async () => {
    const result = await pollFeed(message('removed-feed'), pollDeps());
    expect(result.status).toBe('unknown-feed');
  });
});

describe('planPolls against dynalite and fauxqs', () => {
  it('enqueues each due feed once, even with two planners at the same time', async () => {
    await engines.drain('poll');
    await addFeed('plan-a', '/plan-a');
    await addFeed('plan-b', '/plan-b');
    engines.clock.advanceMinutes(60);
    const due = await listDueFeeds(engines.deps.feeds, engines.clock.now(), 1000);
    expect(due.map((f) => f.feedId)).toEqual(expect.arrayContaining(['plan-a', 'plan-b']));

    const deps = { feeds: engines.deps.feeds, queue: engines.deps.queue, clock: engines.clock, log: engines.deps.log };
    const [a, b] = await Promise.all([planPolls(deps, { budgetMs: 20_000 }), planPolls(deps, { budgetMs: 20_000 })]);

    expect(a.planned + b.planned).toBe(due.length);
    const messages = (await engines.drain('poll')).map((body) => pollMessageSchema.parse(body));
    expect(messages.map((m) => m.feedId).sort()).toEqual(due.map((f) => f.feedId).sort());
    // Claimed feeds are due again one interval later, not before.
    expect(await listDueFeeds(engines.deps.feeds, engines.clock.now(), 1000)).toEqual([]);
    const claimed = await engines.deps.feeds.getFeed('plan-a');
    expect(claimed?.nextPollAt).toBe(new Date(engines.clock.now().getTime() + 10 * 60_000).toISOString());
  });
});

describe("the operator's interval is a promise (planPolls and pollFeed on a fake clock)", () => {
  it('polls a healthy 5-minute feed never later than 5 minutes after the previous poll, jitter included', async () => {
    // A quiet feed (its one item is two months old) whose server asks for an hour twice over:
    // everything pushes the interval up; only the promise holds it.
    const old = new Date(engines.clock.now().getTime() - 60 * 24 * 3_600_000).toUTCString();
    const body = `<rss version="2.0"><channel><title>quiet</title><ttl>60</ttl><item><guid>q1</guid><title>Old news</title><pubDate>${old}</pubDate></item></channel></rss>`;
    server.routes.set('/promise', (_q, s) => s.writeHead(200, { 'cache-control': 'max-age=3600' }).end(body));
    await addFeed('promise', '/promise', 5);
    await engines.drain('poll');
    const random = seededRandom(2030);
    const planDeps = { feeds: engines.deps.feeds, queue: engines.deps.queue, clock: engines.clock, log: engines.deps.log };

    const polls: number[] = [];
    // The planner runs once a minute (the topology's schedule), for two hours of fake time.
    for (let tick = 0; tick < 120; tick++) {
      engines.clock.advanceMinutes(1);
      await planPolls(planDeps, { budgetMs: 20_000 });
      const messages = (await engines.drain('poll')).map((body) => pollMessageSchema.parse(body));
      for (const planned of messages.filter((m) => m.feedId === 'promise')) {
        await pollFeed(planned, pollDeps({ random }));
        polls.push(engines.clock.now().getTime());
      }
    }

    const gaps = polls.slice(1).map((at, i) => (at - polls[i]!) / 60_000);
    expect(gaps.length).toBeGreaterThan(20);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5);
    expect(await engines.deps.feeds.getFeed('promise')).toMatchObject({ pollIntervalMinutes: 5, pollIntervalReason: 'configured' });
    await engines.deps.feeds.removeFeed('promise');
    // 120 planner runs, each one Query per shard of the due index: generous for a loaded machine.
  }, 60_000);
});

/** A small seeded generator (mulberry32): the same jitter on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('handlers', () => {
  it('plan-polls handler returns its summary', async () => {
    engines.clock.advanceMinutes(60);
    const summary = await createPlanPollsHandler(engines.deps)({ source: 'aws.events' });
    expect(summary.planned).toBe(summary.due);
    expect(summary.due).toBeGreaterThan(0);
    expect(await engines.drain('poll')).toHaveLength(summary.planned);
  });

  it('poll-feed handler polls a valid message and fails only an invalid one', async () => {
    server.routes.set('/via-handler', conditionalRoute(rss));
    await addFeed('via-handler', '/via-handler');
    engines.events.length = 0;
    const record = (messageId: string, body: string) =>
      ({ messageId, body, attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSEvent['Records'][number];
    const event: SQSEvent = {
      Records: [record('m1', JSON.stringify(message('via-handler'))), record('m2', JSON.stringify({ feedId: '' }))],
    };

    const response = await createPollFeedHandler(engines.deps)(event);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(engines.events.find((e) => e.type === 'feed-polled')).toMatchObject({ feedId: 'via-handler', status: 'ok', items: 3, new: 3 });
    // classify-items' handler takes the items on (earlier tests' feeds carry the same stories:
    // these join them, so the alerts are not counted here).
    const handed = await engines.drain('items');
    expect(handed).toHaveLength(1);
    const handledResponse = await createClassifyItemsHandler(engines.deps)({
      Records: [record('i1', JSON.stringify(handed[0])), record('i2', JSON.stringify({ version: 1, feedId: 'via-handler', items: [] }))],
    });
    expect(handledResponse.batchItemFailures).toEqual([{ itemIdentifier: 'i2' }]);
    expect(await itemStatuses(await currentKeys('via-handler'))).toEqual(['done', 'done', 'done']);
    await engines.drain('alert');
  });
});

describe('classify-items handler', () => {
  it('hands a message back while another run holds its feed, and handles it when it comes back', async () => {
    // Prepare: a poll's items in the queue, received as Lambda's poller receives them; the feed held
    server.routes.set('/held', conditionalRoute(rss));
    await addFeed('held', '/held');
    await pollFeed(message('held'), pollDeps());
    const { Messages = [] } = await engines.fauxqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: engines.queues.items.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(Messages).toHaveLength(1);
    const record = {
      messageId: Messages[0]!.MessageId!,
      receiptHandle: Messages[0]!.ReceiptHandle!,
      body: Messages[0]!.Body!,
      attributes: { ApproximateReceiveCount: '1' },
    } as unknown as SQSEvent['Records'][number];
    const held = await engines.deps.items.leaseFeed('held', 120);
    const handler = createClassifyItemsHandler({ ...engines.deps });

    // Act: the holder keeps the feed; then it is done and the message comes back
    const busy = await handler({ Records: [record] });
    const handledWhileHeld = await itemStatuses(await currentKeys('held'));
    await engines.deps.items.releaseFeed(held!);
    const again = await handler({ Records: [record] });

    // Assess: failed (back to the queue) without touching an item; then handled
    expect(busy.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(handledWhileHeld).toEqual(['absent', 'absent', 'absent']);
    expect(again.batchItemFailures).toEqual([]);
    expect(await itemStatuses(await currentKeys('held'))).toEqual(['done', 'done', 'done']);
    await engines.drain('alert');
    await engines.drain('items');
  });
});

/** The itemKeys of the fixture's items for a feed, as the normalizer derives them. */
async function currentKeys(feedId: string): Promise<string[]> {
  const parsed = await parseFeed(rss.toString('utf8'), `${server.origin}/x`);
  const entries = normalizeEntries(parsed, `${server.origin}/x`);
  return normalizeItems(entries, { feedId, feedUrl: `${server.origin}/x`, source: 'x' }).items.map((i) => i.itemKey);
}
