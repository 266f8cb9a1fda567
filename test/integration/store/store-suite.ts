/**
 * The DynamoDB store suite, run against every engine we support (dynalite in-process, DynamoDB
 * Local under Java) so the adapters are held to the same behaviour on each and any emulator
 * drift shows up as a failure on one engine only.
 */
import { createHttpTransport, type AwsJsonObjectTransport } from '../../../shared/aws-http/index.ts';
import { createServer, type AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '../../../shared/store/dynamodb/commands.ts';
import type { DynamoDbClient } from '../../../shared/store/dynamodb/index.ts';
import { listDueFeeds } from '../../helpers/due-feeds.ts';
import { createStoreClient, storeClientFor } from '../../helpers/engines.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../../infra/local/engines.ts';
import { createTables, type ProvisionedTables } from '../../../infra/local/provision.ts';
import type { Clock } from '../../../shared/core/clock.ts';
import { InvalidMessageError } from '../../../shared/core/errors.ts';
import {
  createDynamoDbDeliveryStore,
  createDynamoDbFeedStore,
  createDynamoDbSeenItemStore,
  createDynamoDbSubscriptionStore,
  createDynamoDbTopicStore,
  subscriptionPartitionOf,
} from '../../../shared/store/dynamodb/index.ts';
import { StoreError } from '../../../shared/store/dynamodb/store-error.ts';
import { createDocumentClient, dynamoDbService } from '../../../shared/store/dynamodb/index.ts';
import type { Subscriber } from '../../../shared/store/records.ts';

export interface DynamoDbTestEngine {
  endpoint: string;
  /** Where the engine takes requests as objects in this process (dynalite): the stores' client then uses it. */
  directTransport?: AwsJsonObjectTransport;
  stop(): Promise<void>;
}

/** A clock the test moves by hand. */
function createTestClock(start: string): Clock & { set(iso: string): void } {
  let current = new Date(start);
  return { now: () => new Date(current), set: (iso) => (current = new Date(iso)) };
}

const epoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

/** Runs the whole store suite against one engine; with `skipReason`, reports it skipped. */
export function describeStoreSuite(
  engineName: string,
  startEngine: () => Promise<DynamoDbTestEngine>,
  options: { skipReason?: string } = {},
): void {
  if (options.skipReason) {
    console.warn(`[store suite] SKIPPED on ${engineName}: ${options.skipReason}`);
  }

  describe.skipIf(Boolean(options.skipReason))(`DynamoDB stores on ${engineName}`, () => {
    let engine: DynamoDbTestEngine | undefined;
    let raw: DynamoDBClient;
    let doc: DynamoDbClient;
    let tables: ProvisionedTables;
    const clock = createTestClock('2030-01-01T00:00:00.000Z');

    beforeAll(async () => {
      engine = await startEngine();
      raw = new DynamoDBClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
      doc = storeClientFor(engine);
      tables = await createTables(doc, `suite-${Date.now().toString(36)}`);
    });

    afterAll(async () => {
      raw?.destroy();
      doc?.destroy();
      await engine?.stop();
    });

    const feedStore = (scanPageSize?: number) =>
      createDynamoDbFeedStore({ client: doc, tableName: tables.feeds, ...(scanPageSize ? { scanPageSize } : {}) });
    const itemStore = () => createDynamoDbSeenItemStore({ client: doc, tableName: tables.items, clock });
    const subscriptionStore = () => createDynamoDbSubscriptionStore({ client: doc, tableName: tables.subscriptions });
    const deliveryStore = () => createDynamoDbDeliveryStore({ client: doc, tableName: tables.deliveries, clock });
    const topicStore = () => createDynamoDbTopicStore({ client: doc, tableName: tables.topics, clock });

    async function rawRow(tableName: string, key: Record<string, string>) {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return Item;
    }

    describe('FeedStore', () => {
      it('creates a feed due at once, with no errors, and reads it back', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed(
          { feedId: 'f-create', url: 'https://example.org/rss', title: 'Example', intervalMinutes: 15 },
          new Date('2030-01-01T00:00:00Z'),
        );

        expect(await feeds.getFeed('f-create')).toEqual({
          feedId: 'f-create',
          url: 'https://example.org/rss',
          title: 'Example',
          intervalMinutes: 15,
          nextPollAt: '2030-01-01T00:00:00.000Z',
          consecutiveErrors: 0,
        });
        expect(await feeds.getFeed('f-missing')).toBeUndefined();
      });

      it('replaces a feed definition but keeps its poll state', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed(
          { feedId: 'f-upd', url: 'https://a.example/rss', title: 'A', intervalMinutes: 10 },
          new Date('2030-01-01T00:00:00Z'),
        );
        await feeds.recordPollFailure('f-upd', { at: '2030-01-01T00:01:00Z', error: 'HTTP 500', nextPollAt: '2030-01-01T00:30:00Z' });

        await feeds.upsertFeed({ feedId: 'f-upd', url: 'https://b.example/rss', intervalMinutes: 60 }, new Date('2030-02-01T00:00:00Z'));

        const feed = await feeds.getFeed('f-upd');
        expect(feed).toMatchObject({
          url: 'https://b.example/rss',
          intervalMinutes: 60,
          nextPollAt: '2030-01-01T00:30:00.000Z',
          consecutiveErrors: 1,
          lastError: 'HTTP 500',
        });
        expect(feed?.title).toBeUndefined();
      });

      it('lists and removes feeds', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed({ feedId: 'f-list-b', url: 'https://b.example/rss', intervalMinutes: 5 }, new Date('2030-01-01T00:00:00Z'));
        await feeds.upsertFeed({ feedId: 'f-list-a', url: 'https://a.example/rss', intervalMinutes: 5 }, new Date('2030-01-01T00:00:00Z'));

        const ids = (await feeds.listFeeds()).map((f) => f.feedId).filter((id) => id.startsWith('f-list-'));
        expect(ids).toEqual(['f-list-a', 'f-list-b']);

        await feeds.removeFeed('f-list-a');
        expect(await feeds.getFeed('f-list-a')).toBeUndefined();
        expect((await feeds.listFeeds()).map((f) => f.feedId)).not.toContain('f-list-a');
      });

      it('lists due feeds across scan pages, most overdue first, at most the limit', async () => {
        const feeds = feedStore(2);
        const dueTimes = [
          '2031-05-01T00:03:00Z',
          '2031-05-01T00:01:00Z',
          '2031-05-01T00:02:00Z',
          '2031-05-01T00:10:00Z',
          '2031-05-01T00:20:00Z',
        ];
        for (const [i, at] of dueTimes.entries()) {
          await feeds.upsertFeed({ feedId: `f-due-${i}`, url: `https://due${i}.example/rss`, intervalMinutes: 5 }, new Date(at));
        }
        // Everything else in the table (other tests' feeds) is due in 2030; move "now" so only
        // these count, by comparing against the 2031 window.
        const due = (await listDueFeeds(feeds, new Date('2031-05-01T00:05:00Z'), 100)).filter((f) => f.feedId.startsWith('f-due-'));
        expect(due.map((f) => f.feedId)).toEqual(['f-due-1', 'f-due-2', 'f-due-0']);

        const limited = await listDueFeeds(feeds, new Date('2031-05-01T00:05:00Z'), 2);
        expect(limited).toHaveLength(2);
        expect(await listDueFeeds(feeds, new Date('2031-05-01T00:05:00Z'), 0)).toEqual([]);
      });

      it('finds due feeds through the sharded due index: each in one shard, disabled ones leave it, older rows join it', async () => {
        // Prepare: six feeds due in 2032 (later than every other test's), one written as before the index
        const feeds = feedStore();
        const at = new Date('2032-03-01T00:00:00Z');
        for (let i = 0; i < 6; i++) {
          await feeds.upsertFeed({ feedId: `f-idx-${i}`, url: `https://idx${i}.example/rss`, intervalMinutes: 5 }, at);
        }
        await doc.send(
          new PutCommand({
            TableName: tables.feeds,
            Item: {
              feedId: 'f-idx-old',
              url: 'https://old.example/rss',
              intervalMinutes: 5,
              nextPollAt: at.toISOString(),
              consecutiveErrors: 0,
            },
          }),
        );
        const dueIn = async () => {
          const ids: string[] = [];
          for (let shard = 0; shard < feeds.dueShards; shard++) {
            let cursor: string | undefined;
            do {
              const page = await feeds.pageDueFeeds(shard, new Date('2032-03-01T00:01:00Z'), { limit: 2, ...(cursor ? { cursor } : {}) });
              ids.push(...page.feeds.map((f) => f.feedId).filter((id) => id.startsWith('f-idx-')));
              cursor = page.nextCursor;
            } while (cursor);
          }
          return ids.sort();
        };

        // Act / Assess: every feed listed once across the shards; the old row is not, until indexed
        expect(feeds.dueShards).toBeGreaterThan(1);
        expect(await dueIn()).toEqual(['f-idx-0', 'f-idx-1', 'f-idx-2', 'f-idx-3', 'f-idx-4', 'f-idx-5']);
        expect(await feeds.indexUnindexedFeeds()).toBeGreaterThanOrEqual(1);
        expect(await dueIn()).toContain('f-idx-old');
        await feeds.recordPollFailure('f-idx-2', { at: at.toISOString(), error: 'HTTP 410', nextPollAt: at.toISOString(), disable: true });
        expect(await dueIn()).not.toContain('f-idx-2');
        expect((await rawRow(tables.feeds, { feedId: 'f-idx-2' }))?.dueShard).toBeUndefined();
        // Re-added by an operator: back in the index.
        await feeds.upsertFeed({ feedId: 'f-idx-2', url: 'https://idx2.example/rss', intervalMinutes: 5 }, at, { reset: true });
        expect(await dueIn()).toContain('f-idx-2');
        await expect(feeds.pageDueFeeds(feeds.dueShards, at, { limit: 1 })).rejects.toThrow(/shard/);
        for (const id of [...(await dueIn())]) await feeds.removeFeed(id);
      });

      it('claims a poll only while nextPollAt is unchanged, once among concurrent planners', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed(
          { feedId: 'f-claim', url: 'https://claim.example/rss', intervalMinutes: 5 },
          new Date('2030-01-01T00:00:00Z'),
        );
        const expected = (await feeds.getFeed('f-claim'))!.nextPollAt;

        const results = await Promise.all(
          Array.from({ length: 5 }, () => feeds.claimPoll('f-claim', expected, '2030-01-01T00:05:00.000Z')),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await feeds.getFeed('f-claim'))?.nextPollAt).toBe('2030-01-01T00:05:00.000Z');

        expect(await feeds.claimPoll('f-claim', expected, '2030-01-01T00:10:00.000Z')).toBe(false);
        expect(await feeds.claimPoll('f-never-added', expected, '2030-01-01T00:10:00.000Z')).toBe(false);
        expect(await feeds.getFeed('f-never-added')).toBeUndefined();
      });

      it('records a success: validators kept, errors reset', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed({ feedId: 'f-ok', url: 'https://ok.example/rss', intervalMinutes: 5 }, new Date('2030-01-01T00:00:00Z'));
        await feeds.recordPollFailure('f-ok', { at: '2030-01-01T00:00:10Z', error: 'timeout', nextPollAt: '2030-01-01T00:10:00Z' });

        await feeds.recordPollSuccess('f-ok', {
          at: '2030-01-01T00:11:00Z',
          etag: '"abc"',
          lastModified: 'Wed, 01 Jan 2030 00:00:00 GMT',
          title: 'OK News',
        });

        const feed = await feeds.getFeed('f-ok');
        expect(feed).toMatchObject({
          etag: '"abc"',
          lastModified: 'Wed, 01 Jan 2030 00:00:00 GMT',
          title: 'OK News',
          consecutiveErrors: 0,
          lastSuccessAt: '2030-01-01T00:11:00.000Z',
          lastPolledAt: '2030-01-01T00:11:00.000Z',
        });
        expect(feed?.lastError).toBeUndefined();
      });

      it('records failures: counts them, stores nextPollAt in UTC, truncates the error', async () => {
        const feeds = feedStore();
        await feeds.upsertFeed({ feedId: 'f-err', url: 'https://err.example/rss', intervalMinutes: 5 }, new Date('2030-01-01T00:00:00Z'));

        await feeds.recordPollFailure('f-err', { at: '2030-01-01T00:00:10Z', error: 'first', nextPollAt: '2030-01-01T00:10:00Z' });
        await feeds.recordPollFailure('f-err', {
          at: '2030-01-01T00:10:10Z',
          error: 'x'.repeat(5000),
          nextPollAt: '2030-01-01T02:30:00+02:00',
        });

        const feed = await feeds.getFeed('f-err');
        expect(feed).toMatchObject({
          consecutiveErrors: 2,
          nextPollAt: '2030-01-01T00:30:00.000Z',
          lastPolledAt: '2030-01-01T00:10:10.000Z',
        });
        expect(feed?.lastError).toHaveLength(1000);
      });

      it('does not resurrect a removed feed when its poll outcome arrives late', async () => {
        const feeds = feedStore();
        await feeds.recordPollSuccess('f-gone', { at: '2030-01-01T00:00:00Z', etag: '"x"' });
        await feeds.recordPollFailure('f-gone', { at: '2030-01-01T00:00:00Z', error: 'boom', nextPollAt: '2030-01-01T00:10:00Z' });
        expect(await rawRow(tables.feeds, { feedId: 'f-gone' })).toBeUndefined();
      });

      it('refuses a stored row that fails its schema, naming the feed', async () => {
        await doc.send(
          new PutCommand({
            TableName: tables.feeds,
            Item: { feedId: 'f-corrupt', url: 'not a url', intervalMinutes: 5, nextPollAt: 'soon' },
          }),
        );

        const error = await feedStore()
          .getFeed('f-corrupt')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).retryable).toBe(false);
        expect((error as StoreError).message).toMatch(
          /getFeed on table .*feeds failed: stored row is invalid: .*url.*\(feedId=f-corrupt\)/,
        );
        expect((error as StoreError).message).not.toContain('not a url');
      });
    });

    describe('SeenItemStore', () => {
      const future = epoch('2030-02-01T00:00:00Z');
      const lease = 120;
      // The suite's other stores expect the clock where it started.
      afterEach(() => clock.set('2030-01-01T00:00:00.000Z'));

      it('claims a new key once; within its lease it is busy, released it is taken over, then done', async () => {
        clock.set('2030-01-01T00:00:00.000Z');
        const items = itemStore();
        expect(await items.claim('feed#item-1', future, lease)).toBe('new');
        expect(await items.claim('feed#item-1', future, lease)).toBe('busy');
        await items.release('feed#item-1');
        expect(await items.claim('feed#item-1', future, lease)).toBe('pending');
        await items.markDone(['feed#item-1'], future);
        expect(await items.claim('feed#item-1', future, lease)).toBe('done');
        expect(await rawRow(tables.items, { itemKey: 'feed#item-1' })).toEqual({
          itemKey: 'feed#item-1',
          status: 'done',
          expiresAt: future,
        });
      });

      it('takes over a pending key once its lease has run out (its poller died)', async () => {
        clock.set('2030-01-01T00:00:00.000Z');
        const items = itemStore();
        expect(await items.claim('feed#crashed', future, lease)).toBe('new');
        clock.set('2030-01-01T00:01:59.000Z');
        expect(await items.claim('feed#crashed', future, lease)).toBe('busy');
        clock.set('2030-01-01T00:02:01.000Z');
        expect(await items.claim('feed#crashed', future, lease)).toBe('pending');
        // The takeover renewed the lease: the next poller leaves it alone.
        expect(await items.claim('feed#crashed', future, lease)).toBe('busy');
      });

      it('gives exactly one of 10 concurrent claims of the same key "new", the others "busy"', async () => {
        const items = itemStore();
        const results = await Promise.all(Array.from({ length: 10 }, () => items.claim('feed#race', future, lease)));
        expect(results.filter((r) => r === 'new')).toHaveLength(1);
        expect(results.filter((r) => r === 'busy')).toHaveLength(9);
      });

      it('gives exactly one of 10 concurrent takeovers of a run-out lease "pending", the others "busy"', async () => {
        clock.set('2030-01-01T00:00:00.000Z');
        const items = itemStore();
        await items.claim('feed#race-takeover', future, lease);
        clock.set('2030-01-01T00:05:00.000Z');
        const results = await Promise.all(Array.from({ length: 10 }, () => items.claim('feed#race-takeover', future, lease)));
        expect(results.filter((r) => r === 'pending')).toHaveLength(1);
        expect(results.filter((r) => r === 'busy')).toHaveLength(9);
      });

      it('releases only a pending key: releasing a done or absent key changes nothing', async () => {
        const items = itemStore();
        await items.claim('feed#released', future, lease);
        await items.markDone(['feed#released'], future);
        await items.release('feed#released');
        await items.release('feed#absent');
        expect(await items.claim('feed#released', future, lease)).toBe('done');
        expect(await rawRow(tables.items, { itemKey: 'feed#absent' })).toBeUndefined();
      });

      it('finds seen keys in batches of 100 (250 keys, duplicates included)', async () => {
        const items = itemStore();
        const keys = Array.from({ length: 250 }, (_, i) => `batch#${i}`);
        for (const key of keys.filter((_, i) => i % 7 === 0)) await items.claim(key, future, lease);
        await items.markDone(
          keys.filter((_, i) => i % 14 === 0),
          future,
        );

        const seen = await items.findSeen([...keys, 'batch#0', 'batch#7']);

        const expected = new Map(keys.filter((_, i) => i % 7 === 0).map((key, j) => [key, j % 2 === 0 ? 'done' : 'pending'] as const));
        expect(seen).toEqual(expected);
        expect(await items.findSeen([])).toEqual(new Map());
      });

      it('treats a marker past its expiry as absent: not seen, and claimable again', async () => {
        const items = itemStore();
        await items.claim('feed#old', epoch('2029-12-31T00:00:00Z'), lease);
        expect(await items.findSeen(['feed#old'])).toEqual(new Map());
        expect(await items.claim('feed#old', future, lease)).toBe('new');
        expect(await items.findSeen(['feed#old'])).toEqual(new Map([['feed#old', 'pending']]));
      });

      it('marks 60 keys done in batched writes, each with its expiry', async () => {
        const items = itemStore();
        const keys = Array.from({ length: 60 }, (_, i) => `done#${i}`);
        for (const key of keys) await items.claim(key, future, lease);
        await items.markDone([...keys, 'done#0'], future);
        expect(await items.findSeen(keys)).toEqual(new Map(keys.map((key) => [key, 'done'])));
        expect(await rawRow(tables.items, { itemKey: 'done#59' })).toEqual({ itemKey: 'done#59', status: 'done', expiresAt: future });
        await items.markDone([], future);
      });

      it("leases a feed's items to exactly one of 10 concurrent pollers, until it is released or runs out", async () => {
        clock.set('2030-01-01T00:00:00.000Z');
        const items = itemStore();
        const leases = await Promise.all(Array.from({ length: 10 }, () => items.leaseFeed('leased', lease)));
        const held = leases.filter((l) => l !== undefined);
        expect(held).toHaveLength(1);
        // Another feed's items are not held by it.
        expect(await items.leaseFeed('other-feed', lease)).toBeDefined();
        await items.releaseFeed(held[0]!);
        const second = await items.leaseFeed('leased', lease);
        expect(second).toBeDefined();
        // The first holder's late release leaves the second's lease alone.
        await items.releaseFeed(held[0]!);
        expect(await items.leaseFeed('leased', lease)).toBeUndefined();
        clock.set('2030-01-01T00:02:01.000Z');
        const third = await items.leaseFeed('leased', lease);
        expect(third).toBeDefined();
        // A holder whose lease ran out and was taken cannot renew it; the taker can.
        expect(await items.leaseFeed('leased', lease, second)).toBeUndefined();
        expect(await items.leaseFeed('leased', lease, third)).toMatchObject({ token: third!.token });
      });

      it('ends a lease in the done-marker write, and reads markers consistently with their claim leases', async () => {
        clock.set('2030-01-01T00:00:00.000Z');
        const items = itemStore();
        const held = await items.leaseFeed('marked', lease);
        await items.claim('marked#claimed', future, lease);
        await items.markReleased(['marked#released'], future);
        await items.markDone(['marked#done'], future, held);
        expect(await items.readMarkers(['marked#claimed', 'marked#released', 'marked#done', 'marked#absent'])).toEqual(
          new Map([
            ['marked#claimed', { status: 'pending', claimedAt: epoch('2030-01-01T00:00:00Z') }],
            ['marked#released', { status: 'pending' }],
            ['marked#done', { status: 'done' }],
          ]),
        );
        // Released with the done markers: the next poller takes the feed at once.
        expect(await items.leaseFeed('marked', lease)).toBeDefined();
        // A released marker is taken over by a claim, as after `release`.
        expect(await items.claim('marked#released', future, lease)).toBe('pending');
      });
    });

    describe('SubscriptionStore', () => {
      const subscriber = (id: string, topics: string[], extra: Partial<Subscriber> = {}): Subscriber => ({
        subscriberId: id,
        name: `Subscriber ${id}`,
        topics,
        channels: [
          { kind: 'webhook', channelId: 'hook', url: 'https://hooks.example/in', format: 'json' },
          { kind: 'email', channelId: 'mail', address: `${id}@example.org` },
        ],
        webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        minScore: 0.4,
        state: 'active',
        ...extra,
      });

      it('writes a subscriber and reads the whole of it back', async () => {
        const subscriptions = subscriptionStore();
        const s = subscriber('s-round', ['talks', 'sanctions'], { state: 'paused' });
        await subscriptions.putSubscriber(s);
        expect(await subscriptions.getSubscriber('s-round')).toEqual(s);
        expect(await subscriptions.getSubscriber('s-nobody')).toBeUndefined();
      });

      it('moves a subscriber between topics: rows of topics it left are deleted', async () => {
        const subscriptions = subscriptionStore();
        await subscriptions.putSubscriber(subscriber('s-move', ['t-move-a', 't-move-b']));
        await subscriptions.putSubscriber(subscriber('s-move', ['t-move-b', 't-move-c'], { minScore: 0.9 }));

        expect((await subscriptions.pageByTopic('t-move-a', { limit: 10 })).subscribers).toEqual([]);
        const onB = await subscriptions.pageByTopic('t-move-b', { limit: 10 });
        expect(onB.subscribers).toEqual([subscriber('s-move', ['t-move-b', 't-move-c'], { minScore: 0.9 })]);
        expect((await subscriptions.pageByTopic('t-move-c', { limit: 10 })).subscribers).toHaveLength(1);
        expect(
          await rawRow(tables.subscriptions, { topicId: subscriptionPartitionOf('t-move-a', 's-move'), subscriberId: 's-move' }),
        ).toBeUndefined();
      });

      it('shards a topic by subscriber: one shard per subscriber on every topic, rows from before sharding read with shard 0', async () => {
        // Prepare: 40 subscribers on two topics, and one row as written before sharding
        const subscriptions = subscriptionStore();
        for (let i = 0; i < 40; i++) await subscriptions.putSubscriber(subscriber(`s-sh-${i}`, ['t-sh-a', 't-sh-b']));
        const old = subscriber('s-sh-old', ['t-sh-a']);
        await doc.send(new PutCommand({ TableName: tables.subscriptions, Item: { ...old, topicId: 't-sh-a' } }));

        // Act: read every shard of both topics
        const shardsOf = async (topic: string) => {
          const found = new Map<string, number>();
          for (let shard = 0; shard < subscriptions.topicShards; shard++) {
            const page = await subscriptions.pageByTopic(topic, { shard, limit: 100 });
            for (const s of page.subscribers) found.set(s.subscriberId, shard);
          }
          return found;
        };
        const onA = await shardsOf('t-sh-a');
        const onB = await shardsOf('t-sh-b');

        // Assess
        expect(onA.size).toBe(41);
        expect(new Set(onA.values()).size).toBeGreaterThan(1);
        for (const [id, shard] of onB) expect(onA.get(id)).toBe(shard);
        expect(onA.get('s-sh-old')).toBe(0);
        // Without a shard, a page walks every shard; the old row moves to its shard when written again.
        expect((await subscriptions.pageByTopic('t-sh-a', { limit: 1000 })).subscribers).toHaveLength(41);
        await subscriptions.putSubscriber(old);
        expect(await rawRow(tables.subscriptions, { topicId: 't-sh-a', subscriberId: 's-sh-old' })).toBeUndefined();
        expect((await shardsOf('t-sh-a')).size).toBe(41);
        await expect(subscriptions.pageByTopic('t-sh-a', { shard: subscriptions.topicShards, limit: 1 })).rejects.toBeInstanceOf(
          InvalidMessageError,
        );
      });

      it('removes a subscriber from every topic, and says whether it existed', async () => {
        const subscriptions = subscriptionStore();
        await subscriptions.putSubscriber(subscriber('s-rm', ['t-rm-1', 't-rm-2']));
        expect(await subscriptions.removeSubscriber('s-rm')).toBe(true);
        expect(await subscriptions.getSubscriber('s-rm')).toBeUndefined();
        expect((await subscriptions.pageByTopic('t-rm-1', { limit: 10 })).subscribers).toEqual([]);
        expect(await subscriptions.removeSubscriber('s-rm')).toBe(false);
      });

      it('lists each subscriber once, whatever its number of topics', async () => {
        const subscriptions = subscriptionStore();
        await subscriptions.putSubscriber(subscriber('s-list-1', ['t-l-1', 't-l-2', 't-l-3']));
        await subscriptions.putSubscriber(subscriber('s-list-2', ['t-l-1']));
        const listed = (await subscriptions.listSubscribers()).filter((s) => s.subscriberId.startsWith('s-list-'));
        expect(listed.map((s) => s.subscriberId)).toEqual(['s-list-1', 's-list-2']);
        expect(listed[0]?.topics).toEqual(['t-l-1', 't-l-2', 't-l-3']);
      });

      it('pages through a topic with an opaque cursor, returning every state', async () => {
        const subscriptions = subscriptionStore();
        const states = ['active', 'pending', 'paused', 'unsubscribed'] as const;
        for (let i = 0; i < 25; i++) {
          await subscriptions.putSubscriber(subscriber(`s-page-${String(i).padStart(2, '0')}`, ['t-page'], { state: states[i % 4]! }));
        }

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await subscriptions.pageByTopic('t-page', { limit: 10, ...(cursor ? { cursor } : {}) });
          expect(page.subscribers.length).toBeLessThanOrEqual(10);
          seen.push(...page.subscribers.map((s) => s.subscriberId));
          cursor = page.nextCursor;
          if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          pages++;
        } while (cursor && pages < 10);

        expect(cursor).toBeUndefined();
        expect(seen).toHaveLength(25);
        expect(new Set(seen).size).toBe(25);
        expect(pages).toBeGreaterThanOrEqual(3);
      });

      it('refuses a cursor that is not one, or belongs to another topic', async () => {
        const subscriptions = subscriptionStore();
        await subscriptions.putSubscriber(subscriber('s-cur-1', ['t-cur']));
        await subscriptions.putSubscriber(subscriber('s-cur-2', ['t-cur']));
        const { nextCursor } = await subscriptions.pageByTopic('t-cur', { limit: 1 });
        expect(nextCursor).toBeDefined();

        await expect(subscriptions.pageByTopic('t-cur', { limit: 1, cursor: '!!not-base64!!' })).rejects.toBeInstanceOf(
          InvalidMessageError,
        );
        await expect(
          subscriptions.pageByTopic('t-cur', { limit: 1, cursor: Buffer.from('{"evil":1}').toString('base64url') }),
        ).rejects.toThrow(/page cursor is not valid/);
        await expect(subscriptions.pageByTopic('t-other', { limit: 1, cursor: nextCursor! })).rejects.toThrow(/another topic/);
      });

      it("keeps a subscriber's access record beside its rows: a request taken once by its nonce, a token version, gone with the subscriber", async () => {
        const subscriptions = subscriptionStore();
        await subscriptions.putSubscriber(subscriber('s-access', ['t-access']));
        const request = {
          subscriber: subscriber('s-access', ['t-access-2'], { state: 'pending' }),
          nonce: 'n-1',
          expiresAt: 2_000_000_000,
        };
        expect(await subscriptions.getAccess('s-access')).toBeUndefined();
        await subscriptions.updateAccess('s-access', { request, expiresAt: request.expiresAt });
        await subscriptions.updateAccess('s-access', { request: { ...request, nonce: 'n-2' } });
        expect(await subscriptions.getAccess('s-access')).toEqual({ request: { ...request, nonce: 'n-2' } });

        // The request of an old nonce is not taken; the current one is, once.
        expect(await subscriptions.updateAccess('s-access', { request: null, tokenVersion: 'v1' }, { ifNonce: 'n-1' })).toBe(false);
        const taken = await Promise.all(
          [1, 2, 3].map((i) => subscriptions.updateAccess('s-access', { request: null, tokenVersion: `v${i}` }, { ifNonce: 'n-2' })),
        );
        expect(taken.filter(Boolean)).toHaveLength(1);
        expect((await subscriptions.getAccess('s-access'))?.request).toBeUndefined();
        await subscriptions.updateAccess('s-access', { tokenVersion: 'v9', expiresAt: null });
        expect(await subscriptions.getAccess('s-access')).toEqual({ tokenVersion: 'v9' });

        // Subscriber reads and lists do not see it; removing the subscriber removes it.
        expect(await subscriptions.getSubscriber('s-access')).toEqual(subscriber('s-access', ['t-access']));
        await subscriptions.updateStatus('s-access', { state: 'paused' });
        expect((await subscriptions.listSubscribers()).filter((s) => s.subscriberId === 's-access')).toHaveLength(1);
        expect(await subscriptions.removeSubscriber('s-access')).toBe(true);
        expect(await subscriptions.getAccess('s-access')).toBeUndefined();
        // A request for nobody leaves no subscriber.
        await subscriptions.updateAccess('s-nobody-yet', { request, expiresAt: request.expiresAt });
        expect(await subscriptions.getSubscriber('s-nobody-yet')).toBeUndefined();
        expect((await subscriptions.listSubscribers()).some((s) => s.subscriberId === 's-nobody-yet')).toBe(false);
      });

      it('refuses an invalid subscriber without writing anything', async () => {
        const bad = { ...subscriber('s-bad', ['t-bad']), channels: [] } as Subscriber;
        await expect(subscriptionStore().putSubscriber(bad)).rejects.toBeInstanceOf(InvalidMessageError);
        expect(await rawRow(tables.subscriptions, { topicId: 't-bad', subscriberId: 's-bad' })).toBeUndefined();
      });
    });

    describe('DeliveryStore', () => {
      const future = epoch('2030-02-01T00:00:00Z');
      const a = { owner: 'attempt-a', leaseMs: 10_000 };
      const b = { owner: 'attempt-b', leaseMs: 10_000 };
      const c = { owner: 'attempt-c', leaseMs: 10_000 };
      afterEach(() => clock.set('2030-01-01T00:00:00.000Z'));

      it('begins a delivery once; a second attempt finds it busy while the lease lasts, then sent', async () => {
        const deliveries = deliveryStore();
        expect(await deliveries.begin('s1#story#hook', future, a)).toEqual({ status: 'new' });
        expect(await deliveries.begin('s1#story#hook', future, b)).toEqual({
          status: 'busy',
          leaseEndsAt: new Date('2030-01-01T00:00:10.000Z'),
        });
        await deliveries.markSent('s1#story#hook', { at: '2030-01-01T00:00:05.000Z', status: 204 });
        expect(await deliveries.begin('s1#story#hook', future, b)).toEqual({ status: 'sent' });
        expect(await rawRow(tables.deliveries, { deliveryKey: 's1#story#hook' })).toMatchObject({
          status: 'sent',
          startedAt: '2030-01-01T00:00:00.000Z',
          sentAt: '2030-01-01T00:00:05.000Z',
          httpStatus: 204,
          expiresAt: future,
        });
      });

      it('takes over a marker whose lease ran out, keeping its attempts; the old holder cannot renew', async () => {
        const deliveries = deliveryStore();
        await deliveries.begin('s1#story#stale', future, a);
        await deliveries.recordAttempt('s1#story#stale', { at: '2030-01-01T00:00:01.000Z', error: 'HTTP 503', attempt: 1 });
        clock.set('2030-01-01T00:00:10.001Z');
        expect(await deliveries.begin('s1#story#stale', future, b)).toEqual({ status: 'taken-over' });
        expect(await rawRow(tables.deliveries, { deliveryKey: 's1#story#stale' })).toMatchObject({
          status: 'in-progress',
          leaseOwner: 'attempt-b',
          leaseUntil: new Date('2030-01-01T00:00:20.001Z').getTime(),
          attempts: 1,
        });
        expect(await deliveries.renewLease('s1#story#stale', { owner: 'attempt-a', leaseMs: 12_000 })).toBe(false);
        expect(await deliveries.renewLease('s1#story#stale', { owner: 'attempt-b', leaseMs: 12_000 })).toBe(true);
        expect(await deliveries.begin('s1#story#stale', future, c)).toEqual({
          status: 'busy',
          leaseEndsAt: new Date('2030-01-01T00:00:22.001Z'),
        });
      });

      it('lets exactly one of 10 concurrent takers have a stale lease', async () => {
        const deliveries = deliveryStore();
        await deliveries.begin('s1#story#takers', future, a);
        clock.set('2030-01-01T00:01:00.000Z');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => deliveries.begin('s1#story#takers', future, { owner: `taker-${i}`, leaseMs: 10_000 })),
        );
        expect(results.filter((r) => r.status === 'taken-over')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'busy')).toHaveLength(9);
      });

      it('takes over at once a marker its holder released, and one written without a lease', async () => {
        const deliveries = deliveryStore();
        await deliveries.begin('s1#story#released', future, a);
        await deliveries.releaseLease('s1#story#released', 'attempt-b');
        expect((await deliveries.begin('s1#story#released', future, c)).status).toBe('busy');
        await deliveries.releaseLease('s1#story#released', 'attempt-a');
        expect(await deliveries.begin('s1#story#released', future, b)).toEqual({ status: 'taken-over' });

        await doc.send(
          new PutCommand({
            TableName: tables.deliveries,
            Item: { deliveryKey: 's1#story#legacy', status: 'in-progress', startedAt: '2030-01-01T00:00:00.000Z', expiresAt: future },
          }),
        );
        expect(await deliveries.begin('s1#story#legacy', future, b)).toEqual({ status: 'taken-over' });
      });

      it('reports a permanently failed delivery as "sent" (do not send again), keeping the reason', async () => {
        const deliveries = deliveryStore();
        await deliveries.begin('s1#story#fail', future, a);
        await deliveries.markFailed('s1#story#fail', { at: '2030-01-01T00:00:01.000Z', error: 'HTTP 410 Gone' });
        expect(await deliveries.begin('s1#story#fail', future, b)).toEqual({ status: 'sent' });
        expect(await deliveries.renewLease('s1#story#fail', a)).toBe(false);
        expect(await rawRow(tables.deliveries, { deliveryKey: 's1#story#fail' })).toMatchObject({
          status: 'failed',
          error: 'HTTP 410 Gone',
        });
      });

      it('gives exactly one of 10 concurrent begins "new", the others "busy"', async () => {
        const deliveries = deliveryStore();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => deliveries.begin('s1#story#race', future, { owner: `racer-${i}`, leaseMs: 10_000 })),
        );
        expect(results.filter((r) => r.status === 'new')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'busy')).toHaveLength(9);
      });

      it('records an outcome even when the marker is missing, with an expiry', async () => {
        const deliveries = deliveryStore();
        await deliveries.markSent('s1#story#orphan', { at: '2030-01-01T00:00:00.000Z' });
        expect(await deliveries.begin('s1#story#orphan', future, a)).toEqual({ status: 'sent' });
        const row = await rawRow(tables.deliveries, { deliveryKey: 's1#story#orphan' });
        expect(row?.expiresAt).toBeGreaterThan(epoch('2030-01-01T00:00:00Z'));
      });

      it('treats a marker past its expiry as absent', async () => {
        const deliveries = deliveryStore();
        await deliveries.begin('s1#story#expired', epoch('2029-12-01T00:00:00Z'), a);
        expect(await deliveries.begin('s1#story#expired', future, b)).toEqual({ status: 'new' });
      });
    });

    describe('TopicStore', () => {
      it('stores user topics as given and lists them by id; a put replaces', async () => {
        const topics = topicStore();
        const ceasefire = {
          id: 'user-ceasefire',
          label: 'Ceasefire',
          rules: [{ phrases: [{ text: 'ceasefire', weight: 1 }] }],
          threshold: 0.5,
        };
        await topics.putUserTopic({ id: 'user-zeta', label: 'Zeta', rules: [] });
        await topics.putUserTopic({ ...ceasefire, threshold: 0.9 });
        await topics.putUserTopic(ceasefire);

        expect(await topics.listUserTopics()).toEqual([ceasefire, { id: 'user-zeta', label: 'Zeta', rules: [] }]);
      });

      it('refuses a topic without an id', async () => {
        await expect(topicStore().putUserTopic({ id: '' })).rejects.toBeInstanceOf(InvalidMessageError);
      });
    });

    describe('batch retries', () => {
      /**
       * Fault injection at the transport: a fresh client whose batch responses report some
       * keys or writes as unprocessed (as DynamoDB does under throttling), for the calls
       * `shouldDefer` picks. Reporting a processed key as unprocessed is harmless: it is read,
       * or written with the same row, again.
       */
      function deferringClient(shouldDefer: (call: number) => boolean) {
        const http = createHttpTransport(dynamoDbService, {
          endpoint: engine!.endpoint,
          region: localRegion,
          credentials: localCredentials,
        });
        let call = 0;
        const deferring = createDocumentClient({
          transport: {
            async send(operation, body) {
              const answer = await http.send(operation, body);
              if (!operation.startsWith('Batch') || !shouldDefer(++call)) return answer;
              // Request and answer in wire form: keys `{ itemKey: { S: … } }`.
              const input = JSON.parse(body) as { RequestItems: Record<string, { Keys?: unknown[] } | unknown[]> };
              const output = JSON.parse(answer.body) as {
                Responses?: Record<string, Record<string, unknown>[]>;
                UnprocessedKeys?: Record<string, { Keys: unknown[] }>;
                UnprocessedItems?: Record<string, unknown[]>;
              };
              for (const [table, request] of Object.entries(input.RequestItems)) {
                if (Array.isArray(request)) {
                  output.UnprocessedItems = { [table]: request.slice(0, Math.ceil(request.length / 2)) };
                } else if (request.Keys) {
                  const deferred = request.Keys.slice(0, Math.ceil(request.Keys.length / 2));
                  const deferredIds = new Set(deferred.map((k) => JSON.stringify(k)));
                  output.Responses = {
                    [table]: (output.Responses?.[table] ?? []).filter((row) => !deferredIds.has(JSON.stringify({ itemKey: row.itemKey }))),
                  };
                  output.UnprocessedKeys = { [table]: { Keys: deferred } };
                }
              }
              return { ...answer, body: JSON.stringify(output) };
            },
          },
        });
        return { deferring, calls: () => call, destroy: () => http.close?.() };
      }

      it('reads back keys DynamoDB left unprocessed', async () => {
        const future = epoch('2030-02-01T00:00:00Z');
        const keys = Array.from({ length: 120 }, (_, i) => `unproc#${i}`);
        for (const key of keys.filter((_, i) => i % 3 === 0)) await itemStore().claim(key, future, 120);
        const { deferring, calls, destroy } = deferringClient((call) => call <= 2);

        const seen = await createDynamoDbSeenItemStore({ client: deferring, tableName: tables.items, clock }).findSeen(keys);
        destroy();

        expect([...seen.keys()].sort()).toEqual(keys.filter((_, i) => i % 3 === 0).sort());
        expect(calls()).toBeGreaterThan(2);
      });

      it('gives up on keys that stay unprocessed, with a retryable StoreError', async () => {
        const { deferring, calls, destroy } = deferringClient(() => true);
        const error = await createDynamoDbSeenItemStore({ client: deferring, tableName: tables.items, clock })
          .findSeen(['stuck#1', 'stuck#2'])
          .catch((e: unknown) => e);
        destroy();

        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).retryable).toBe(true);
        expect((error as StoreError).message).toMatch(/findSeen on table .* failed: 1 requests still unprocessed after 5 attempts/);
        expect(calls()).toBe(5);
      });

      it('rewrites writes DynamoDB left unprocessed (a subscriber on 30 topics)', async () => {
        const { deferring, destroy } = deferringClient((call) => call <= 3);
        const topics = Array.from({ length: 30 }, (_, i) => `t-wide-${i}`);
        await createDynamoDbSubscriptionStore({ client: deferring, tableName: tables.subscriptions }).putSubscriber({
          subscriberId: 's-wide',
          topics,
          channels: [{ kind: 'email', channelId: 'mail', address: 'wide@example.org' }],
          minScore: 0,
          state: 'active',
        });
        destroy();

        for (const topicId of topics) {
          expect(await rawRow(tables.subscriptions, { topicId, subscriberId: 's-wide' })).toBeDefined();
        }
      });
    });

    describe('errors', () => {
      it('wraps a network failure in a retryable StoreError naming the table and key', async () => {
        const closedPort = await new Promise<number>((resolve) => {
          const server = createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as AddressInfo;
            server.close(() => resolve(port));
          });
        });
        const unreachable = createStoreClient(`http://127.0.0.1:${closedPort}`, { maxAttempts: 1 });
        const items = createDynamoDbSeenItemStore({ client: unreachable, tableName: 'items-table', clock });

        const error = await items.claim('feed#net', epoch('2030-02-01T00:00:00Z'), 120).catch((e: unknown) => e);
        unreachable.destroy();

        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).retryable).toBe(true);
        expect((error as StoreError).message).toMatch(/^claim on table items-table failed: .+ \(itemKey=feed#net\)$/);
      });

      it('reports a missing table as a retryable StoreError naming it', async () => {
        const feeds = createDynamoDbFeedStore({ client: doc, tableName: 'no-such-table' });
        const error = await feeds.getFeed('f-1').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).retryable).toBe(true);
        expect((error as StoreError).message).toMatch(/getFeed on table no-such-table failed: ResourceNotFoundException/);
      });

      it('reports a request DynamoDB refuses as a permanent StoreError', async () => {
        // An empty string is not a valid key value.
        const error = await feedStore()
          .getFeed('')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).retryable).toBe(false);
        expect((error as StoreError).message).toMatch(/ValidationException/);
      });
    });
  });
}
