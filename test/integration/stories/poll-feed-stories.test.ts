/**
 * Exact dedup and stories in the pipeline, against the real engines (dynalite, fauxqs) and a
 * real HTTP server on 127.0.0.1: poll-feed hands the new items on through the items queue and
 * classify-items' `handleItems` takes them. Copies of one story on several feeds alert once per
 * topic, concurrent pollers and redeliveries alert each item once, a failed send loses nothing,
 * and the markers carry their TTL.
 */
import { createHttpTransport } from '../../../shared/aws-http/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../../infra/local/engines.ts';
import type { TopicEngine, TopicMatch } from '../../../shared/classify/index.ts';
import { MessageDeferredError, NewsAlertsError } from '../../../shared/core/errors.ts';
import { handleItems, type HandleItemsDeps } from '../../../shared/feeds/index.ts';
import { pollFeed, type PollFeedDeps } from '../../../shared/feeds/poll-feed.ts';
import {
  alertMessageSchema,
  itemsMessageSchema,
  type AlertMessage,
  type ItemsMessage,
  type PollMessage,
} from '../../../shared/messages/schemas.ts';
import type { MessageQueue } from '../../../shared/queue/ports.ts';
import {
  createDocumentClient,
  dynamoDbService,
  createDynamoDbFeedStore,
  createDynamoDbSeenItemStore,
  createDynamoDbStoryStore,
} from '../../../shared/store/dynamodb/index.ts';
import { handleQueuedItems } from '../../helpers/handle-queued-items.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from '../feeds/feed-server.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';

/** A title with "Security Council" is `un-meeting`, one with "talks" is `talks`. */
const keywordEngine: Pick<TopicEngine, 'classify'> = {
  classify(item) {
    const rules: [string, string][] = [
      ['un-meeting', 'Security Council'],
      ['talks', 'talks'],
    ];
    return rules.flatMap(([topic, phrase]): TopicMatch[] => {
      const position = item.title.indexOf(phrase);
      if (position < 0) return [];
      return [{ topic, label: topic, score: 0.9, matched: [{ phrase, text: phrase, field: 'title', position, rule: 'keyword' }] }];
    });
  },
};

interface FeedEntry {
  guid: string;
  title: string;
  summary: string;
  published?: string;
}

function rss(title: string, entries: FeedEntry[]): string {
  const items = entries
    .map(
      (e) =>
        `<item><title>${e.title}</title><link>https://example.org/${e.guid}</link><guid isPermaLink="false">${e.guid}</guid>` +
        `${e.published ? `<pubDate>${new Date(e.published).toUTCString()}</pubDate>` : ''}<description>${e.summary}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link><description>d</description>${items}</channel></rss>`;
}

const meeting: FeedEntry = {
  guid: 'gw-1',
  title: 'Security Council to meet on Black Sea shipping attacks',
  summary:
    'UNITED NATIONS (Global Wire) - The U.N. Security Council will hold an emergency meeting on Tuesday on attacks against merchant ships in the Black Sea, diplomats said.',
  published: '2030-01-01T08:00:00Z',
};
const meetingCopy: FeedEntry = {
  guid: 'ht-7',
  title: 'UN Security Council to meet over Black Sea ship attacks | Harbour Times',
  summary:
    'The UN Security Council will hold an emergency meeting on Tuesday on attacks against merchant ships in the Black Sea, diplomats said.',
  published: '2030-01-01T09:00:00Z',
};
const meetingWithTalks: FeedEntry = {
  guid: 'dl-3',
  title: 'Security Council to meet on Black Sea attacks as ceasefire talks stall',
  summary:
    'Diplomats said the U.N. Security Council would hold an emergency meeting on Tuesday on attacks against merchant ships in the Black Sea.',
  published: '2030-01-01T09:30:00Z',
};

let engines: PipelineEngines;
let server: FeedServer;

beforeAll(async () => {
  [engines, server] = await Promise.all([startPipelineEngines(), startFeedServer()]);
});
afterAll(async () => {
  await Promise.all([engines?.stop(), server?.stop()]);
});

/** The stores and queue of both steps; a test may put counted or failing ones in. */
type StepOverrides = Partial<Pick<PollFeedDeps & HandleItemsDeps, 'feeds' | 'items' | 'stories' | 'queue'>>;

function handleDeps(overrides: StepOverrides = {}): HandleItemsDeps {
  return { ...engines.deps, engine: async () => keywordEngine, ...overrides };
}

/**
 * A poll (poll-feed), then classify-items' handling of every message it queued, with the same
 * stores: the poll's outcome with the items' counts (new, duplicates, alerts, joined).
 */
async function pollAndHandle(poll: PollMessage, overrides: StepOverrides = {}) {
  const polled = await pollFeed(poll, { ...engines.deps, ...overrides, queue: engines.deps.queue });
  const handled = await handleQueuedItems(engines.drain, handleDeps(overrides));
  return {
    status: polled.status,
    items: polled.items,
    new: handled.new,
    duplicates: polled.duplicates + handled.duplicates,
    alerts: handled.alerts,
    joined: handled.joined,
  };
}

/** The items messages in the queue now. */
const handedOn = async () => (await engines.drain('items')).map((body) => itemsMessageSchema.parse(body));

/** classify-items' redelivery of a message whose feed was busy: handled again until it is not. */
async function handleUntilFree(items: ItemsMessage) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handleItems(items, handleDeps());
    } catch (error) {
      if (!(error instanceof MessageDeferredError) || attempt === 5) throw error;
    }
  }
}

async function addFeed(feedId: string, title: string, entries: FeedEntry[]) {
  server.routes.set(`/${feedId}`, conditionalRoute(rss(title, entries)));
  await engines.deps.feeds.upsertFeed({ feedId, url: `${server.origin}/${feedId}`, intervalMinutes: 10 }, engines.clock.now());
}

const message = (feedId: string) => ({ feedId, plannedAt: engines.clock.now().toISOString() });
const alertsIn = async () => (await engines.drain('alert')).map((body) => alertMessageSchema.parse(body));

/**
 * The stores on a client as shipped whose requests are counted at the transport: by operation,
 * and the story table's member writes (`addMembers`) and listings (`index`) apart.
 */
function countedStores() {
  const byOperation: Record<string, number> = {};
  const storyWrites = { addMembers: 0, listings: 0 };
  const http = createHttpTransport(dynamoDbService, {
    endpoint: engines.dynamodbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  const client = createDocumentClient({
    transport: {
      send(operation, body) {
        byOperation[operation] = (byOperation[operation] ?? 0) + 1;
        if (operation === 'UpdateItem' && body.includes('"#lastAt"')) storyWrites.addMembers += 1;
        if (operation === 'UpdateItem' && body.includes('"#s0"')) storyWrites.listings += 1;
        return http.send(operation, body);
      },
    },
  });
  const clock = engines.clock;
  return {
    byOperation,
    storyWrites,
    stores: {
      feeds: createDynamoDbFeedStore({ client, tableName: engines.tables.feeds }),
      items: createDynamoDbSeenItemStore({ client, tableName: engines.tables.items, clock }),
      stories: createDynamoDbStoryStore({ client, tableName: engines.tables.stories, clock }),
    },
    close: () => http.close?.(),
  };
}

describe('stories in poll-feed (dynalite + fauxqs)', () => {
  it('alerts a story once: a copy on a second feed joins it silently, and a third copy alerts only its new topic', async () => {
    await addFeed('wire', 'Global Wire', [meeting]);
    await addFeed('harbour', 'Harbour Times', [meetingCopy]);
    await addFeed('ledger', 'Daily Ledger', [meetingWithTalks]);

    const first = await pollAndHandle(message('wire'));
    expect(first).toMatchObject({ status: 'ok', new: 1, alerts: 1, joined: 0 });
    const [founded] = await alertsIn();
    expect(founded).toMatchObject({ storyId: founded!.item.itemKey, topics: [{ topic: 'un-meeting' }] });
    expect(founded!.storyMembers).toBeUndefined();

    engines.clock.advanceMinutes(1);
    const second = await pollAndHandle(message('harbour'));
    expect(second).toMatchObject({ status: 'ok', new: 1, alerts: 0, joined: 1 });
    expect(await alertsIn()).toEqual([]);

    engines.clock.advanceMinutes(1);
    const third = await pollAndHandle(message('ledger'));
    expect(third).toMatchObject({ new: 1, alerts: 1, joined: 1 });
    const [talks] = await alertsIn();
    // Same story id (deliveries dedup per story), only the topic not alerted before, with members.
    expect(talks).toMatchObject({ storyId: founded!.storyId, topics: [{ topic: 'talks' }] });
    expect(talks!.storyMembers?.map((m) => m.source)).toEqual(['Global Wire', 'Harbour Times']);

    const members = await engines.deps.stories!.listMembers(founded!.storyId);
    expect(members.map((m) => [m.source, m.link])).toEqual([
      ['Global Wire', 'https://example.org/gw-1'],
      ['Harbour Times', 'https://example.org/ht-7'],
      ['Daily Ledger', 'https://example.org/dl-3'],
    ]);
    const story = await engines.deps.stories!.getStory(founded!.storyId);
    expect(story?.alertedTopics).toEqual(['talks', 'un-meeting']);
  });

  it('keeps a meeting a week later apart: it alerts as its own story', async () => {
    await addFeed('wire-later', 'Global Wire', [
      { ...meeting, guid: 'gw-2', published: '2030-01-08T08:00:00Z', title: 'Security Council meets again on Black Sea shipping attacks' },
    ]);
    const result = await pollAndHandle(message('wire-later'));
    expect(result).toMatchObject({ alerts: 1, joined: 0 });
    const [alert] = await alertsIn();
    expect(alert!.storyId).toBe(alert!.item.itemKey);
  });

  it('alerts each item once when pollers of one feed run in parallel, and again not at all on redelivery', async () => {
    const entries: FeedEntry[] = [
      {
        guid: 'p-1',
        title: 'Security Council adopts resolution on Sahel peacekeeping',
        summary: 'The council voted 15-0 on Monday to extend the mission.',
        published: '2030-01-01T10:00:00Z',
      },
      {
        guid: 'p-2',
        title: 'Envoys open ceasefire talks in Geneva',
        summary: 'Negotiators from both sides met for the first time on Monday.',
        published: '2030-01-01T10:05:00Z',
      },
      {
        guid: 'p-3',
        title: 'Bakery wins bread award',
        summary: 'The sourdough was praised by the judges.',
        published: '2030-01-01T10:10:00Z',
      },
    ];
    await addFeed('parallel', 'Parallel Post', entries);

    // Five polls at once hand the same items on five times; their messages are handled at once.
    await Promise.all(Array.from({ length: 5 }, () => pollFeed(message('parallel'), engines.deps)));
    const handed = await handedOn();
    expect(handed).toHaveLength(5);
    const results = await Promise.all(handed.map((items) => handleUntilFree(items)));
    const alerts = await alertsIn();
    expect(alerts.map((a) => a.item.guid).sort()).toEqual(['p-1', 'p-2']);
    expect(results.reduce((n, r) => n + r.alerts, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.new, 0)).toBe(3);

    // A redelivered items message, and a later poll: nothing new.
    expect(await handleItems(handed[0]!, handleDeps())).toMatchObject({ new: 0, duplicates: 3, alerts: 0 });
    expect(await pollAndHandle(message('parallel'))).toMatchObject({ new: 0, duplicates: 3, alerts: 0 });
    expect(await alertsIn()).toEqual([]);
  });

  it('loses nothing when the send fails after the seen write: the retry sends, and the story is recorded once', async () => {
    const entry: FeedEntry = {
      guid: 'c-1',
      title: 'Security Council condemns attack on aid convoy',
      summary: 'The council met in emergency session on Wednesday.',
      published: '2030-01-01T11:00:00Z',
    };
    await addFeed('crash', 'Crash Courier', [entry]);
    const failing: Pick<MessageQueue, 'send'> = {
      async send() {
        throw new NewsAlertsError('sending to queue alert failed: injected fault (test)', { retryable: true });
      },
    };

    await pollFeed(message('crash'), engines.deps);
    const [handed] = await handedOn();
    await expect(handleItems(handed!, handleDeps({ queue: failing }))).rejects.toThrow('injected fault');
    expect(await alertsIn()).toEqual([]);

    const retry = await handleItems(handed!, handleDeps());
    expect(retry).toMatchObject({ alerts: 1, duplicates: 0 });
    const [alert] = await alertsIn();
    expect(alert!.item.guid).toBe('c-1');
    expect(await engines.deps.items.findSeen([alert!.item.itemKey])).toEqual(new Map([[alert!.item.itemKey, 'done']]));
    expect((await engines.deps.stories!.listMembers(alert!.storyId)).map((m) => m.itemKey)).toEqual([alert!.item.itemKey]);
  });

  it('finishes an item whose poller died after the seen write (no release), once its lease runs out', async () => {
    const entry: FeedEntry = {
      guid: 'd-1',
      title: 'Security Council hears briefing on Sudan',
      summary: 'Council members met on Thursday.',
      published: '2030-01-01T12:00:00Z',
    };
    await addFeed('dead', 'Dead Drop', [entry]);
    // What a poller that died right after its claim leaves behind: a pending marker with a lease.
    const { normalizeEntries, normalizeItems } = await import('../../../shared/feeds/normalize-item.ts');
    const { parseFeed } = await import('../../../shared/feeds/parse-feed.ts');
    const parsed = await parseFeed(rss('Dead Drop', [entry]), `${server.origin}/dead`);
    const entries = normalizeEntries(parsed, `${server.origin}/dead`);
    const [item] = normalizeItems(entries, { feedId: 'dead', feedUrl: `${server.origin}/dead`, source: 'Dead Drop' }).items;
    const expiresAt = Math.floor(engines.clock.now().getTime() / 1000) + 30 * 86400;
    expect(await engines.deps.items.claim(item!.itemKey, expiresAt, 120)).toBe('new');

    // Within the lease another run leaves it alone (no double alert) …
    expect(await pollAndHandle(message('dead'))).toMatchObject({ alerts: 0 });
    expect(await alertsIn()).toEqual([]);
    // … after it, the redelivery takes it over and sends.
    engines.clock.advanceMinutes(3);
    expect(await pollAndHandle(message('dead'))).toMatchObject({ alerts: 1 });
    expect((await alertsIn()).map((a: AlertMessage) => a.item.guid)).toEqual(['d-1']);
  });

  it("handles a poll's new items with batched writes: one lease for the feed, its stories in one write, no write per item but its listings", async () => {
    const places = ['Sahel', 'Haiti', 'Sudan', 'Yemen', 'Kosovo', 'Cyprus', 'Libya', 'Somalia', 'Myanmar', 'Lebanon'];
    const entries: FeedEntry[] = places.map((place, i) => ({
      guid: `b-${i}`,
      title: `Security Council weighs ${place} mandate ${i + 2040}`,
      summary: `Envoys on the ${place} file met with ${i + 3} ministers.`,
      published: `2030-01-02T0${i}:00:00Z`,
    }));
    await addFeed('batched', 'Batch Bulletin', entries);
    const counted = countedStores();
    const byOperation = counted.byOperation;
    try {
      const result = await pollAndHandle(message('batched'), counted.stores);
      expect(result).toMatchObject({ new: 10, alerts: 10 });
      expect((await alertsIn()).map((a) => a.item.guid).sort()).toEqual(entries.map((e) => e.guid).sort());
    } finally {
      counted.close();
    }
    // The feed's lease is the one conditional put: no claim, no story founded, one by one.
    expect(byOperation.PutItem).toBe(1);
    // The stories and pointers, the alerted topics, the done markers (which end the lease).
    expect(byOperation.BatchWriteItem).toBe(3);
    // At most 4 listings an item, and the feed's record.
    expect(byOperation.UpdateItem).toBeLessThanOrEqual(41);
    const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(60);
    // Done, and the lease gone with the done markers: the next poll takes the feed at once.
    expect(await engines.row(engines.tables.items, { itemKey: '#lease#batched' })).toBeUndefined();
    expect(await pollAndHandle(message('batched'))).toMatchObject({ new: 0, duplicates: 10 });
  });

  it("adds a poll's members of a stored story in one write after their places, and lists them once a key", async () => {
    const spill: FeedEntry = {
      guid: 'spill-0',
      title: 'Security Council to meet on Kestrel Island oil spill',
      summary: 'The U.N. Security Council will hold an emergency meeting on the Kestrel Island oil spill, diplomats said.',
      published: '2030-01-01T10:00:00Z',
    };
    await addFeed('spill-wire', 'Spill Wire', [spill]);
    expect(await pollAndHandle(message('spill-wire'))).toMatchObject({ new: 1, alerts: 1 });
    const [founded] = await alertsIn();
    engines.clock.advanceMinutes(1);
    const copies = [1, 2, 3].map((i) => ({ ...spill, guid: `spill-${i}`, published: `2030-01-01T10:0${i}:00Z` }));
    await addFeed('spill-desk', 'Spill Desk', copies);
    const counted = countedStores();
    try {
      expect(await pollAndHandle(message('spill-desk'), counted.stores)).toMatchObject({ new: 3, joined: 3, alerts: 0 });
    } finally {
      counted.close();
    }
    // One write for the three members (not one each), one per key row for their listings.
    expect(counted.storyWrites.addMembers).toBe(1);
    expect(counted.storyWrites.listings).toBeLessThanOrEqual(4);
    expect((await engines.deps.stories!.listMembers(founded!.storyId)).map((m) => m.link).sort()).toEqual(
      [spill, ...copies].map((e) => `https://example.org/${e.guid}`),
    );
    expect((await engines.deps.stories!.getStory(founded!.storyId))?.lastAt).toBe(Date.parse('2030-01-01T10:03:00Z') / 1000);
  });

  it("hands a pushed document's items back while another run holds its feed, and handles them once that run is done", async () => {
    await addFeed('pushed', 'Push Post', [
      {
        guid: 'pp-1',
        title: 'Security Council extends Libya panel',
        summary: 'The vote was unanimous.',
        published: '2030-01-02T10:00:00Z',
      },
    ]);
    const held = await engines.deps.items.leaseFeed('pushed', 120);
    expect(held).toBeDefined();
    const push = {
      ...message('pushed'),
      push: {
        body: Buffer.from(
          rss('Push Post', [
            { guid: 'pp-2', title: 'Security Council meets on Libya talks', summary: 'Envoys met.', published: '2030-01-02T11:00:00Z' },
          ]),
        ).toString('base64'),
        contentType: 'application/rss+xml',
        receivedAt: engines.clock.now().toISOString(),
      },
    };
    expect(await pollFeed(push, engines.deps)).toMatchObject({ status: 'ok', new: 1 });
    const [pushed] = await handedOn();
    expect(pushed).toMatchObject({ fetchedBy: 'push', fetchedAt: push.push.receivedAt });
    const error = await handleItems(pushed!, handleDeps()).catch((e: unknown) => e);
    // Handed back to the queue (retried later), logged as such, not as a failure.
    expect(error).toBeInstanceOf(MessageDeferredError);
    expect(error).toMatchObject({ retryable: true, retryInSeconds: 30 });
    expect(await alertsIn()).toEqual([]);
    await engines.deps.items.releaseFeed(held!);
    // The redelivery handles them; a poll meanwhile brought the feed's own item, handled after.
    expect(await handleItems(pushed!, handleDeps())).toMatchObject({ new: 1, alerts: 1 });
    expect((await alertsIn()).map((a) => a.item.guid)).toEqual(['pp-2']);
    expect(await pollAndHandle(message('pushed'))).toMatchObject({ new: 1, alerts: 1 });
    expect((await alertsIn()).map((a) => a.item.guid)).toEqual(['pp-1']);
  });

  it('sets TTL attributes on item markers and story rows', async () => {
    const now = Math.floor(engines.clock.now().getTime() / 1000);
    const [alertItemKey] = (await engines.deps.stories!.listMembers('wire#unknown')).map((m) => m.itemKey);
    expect(alertItemKey).toBeUndefined();
    await addFeed('ttl', 'TTL Times', [
      {
        guid: 't-1',
        title: 'Security Council schedules vote on Haiti mission',
        summary: 'The vote is set for Friday.',
        published: '2030-01-01T12:00:00Z',
      },
    ]);
    await pollAndHandle(message('ttl'));
    const [alert] = await alertsIn();
    const thirtyDays = 30 * 24 * 60 * 60;
    const item = await engines.row(engines.tables.items, { itemKey: alert!.item.itemKey });
    expect(item).toMatchObject({ status: 'done' });
    expect(item!.expiresAt).toBeGreaterThanOrEqual(now + thirtyDays);
    // The founder's place is its story row.
    const story = await engines.row(engines.tables.stories, { storyKey: `story#${alert!.item.itemKey}` });
    expect(story).toMatchObject({ storyId: alert!.storyId, role: 'founder' });
    expect(story!.expiresAt).toBeGreaterThanOrEqual(now + thirtyDays);
    const alerted = await engines.row(engines.tables.stories, { storyKey: `alerted#${alert!.storyId}` });
    expect(alerted).toMatchObject({ topics: new Set(['un-meeting']) });
    expect(alerted!.expiresAt).toBeGreaterThanOrEqual(now + thirtyDays);
  });
});
