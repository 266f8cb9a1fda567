/**
 * The story store against a real engine (dynalite in-process, DynamoDB Local under Java): the
 * adapter's semantics (conditional creation, idempotent members, atomic postings, expiry, TTL
 * attributes), and the clustering over it giving exactly the in-memory result.
 */
import { strict as assert } from 'node:assert';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '../../../shared/store/dynamodb/commands.ts';
import type { DynamoDbClient } from '../../../shared/store/dynamodb/index.ts';
import type { AwsJsonObjectTransport } from '../../../shared/aws-http/index.ts';
import { storeClientFor } from '../../helpers/engines.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../../infra/local/engines.ts';
import { createTables, type ProvisionedTables } from '../../../infra/local/provision.ts';
import type { Clock } from '../../../shared/core/clock.ts';
import type { StoryMember } from '../../../shared/messages/schemas.ts';
import { createDynamoDbStoryStore } from '../../../shared/store/dynamodb/index.ts';
import { readStoryFixture } from '../../helpers/stories.ts';
import { assignStory, clusterStream, prefetchedStoryStore, prefetchStoryReads } from '../../../shared/stories/index.ts';
import { createMemoryStoryStore } from '../../../shared/stories/memory-story-store.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';

export interface StoryTestEngine {
  endpoint: string;
  /** Where the engine takes requests as objects in this process (dynalite): the stores' client then uses it. */
  directTransport?: AwsJsonObjectTransport;
  stop(): Promise<void>;
}

const start = '2030-03-04T12:00:00.000Z';
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function member(itemKey: string, addedAt = start): StoryMember {
  return {
    itemKey,
    feedId: itemKey.split('#')[0]!,
    source: `Feed ${itemKey}`,
    title: `Title ${itemKey}`,
    link: `https://example.org/${itemKey.replace('#', '/')}`,
    published: null,
    addedAt,
  };
}

const labelled = readStoryFixture('labelled-items');

export function describeStoryStoreSuite(
  engineName: string,
  startEngine: () => Promise<StoryTestEngine>,
  options: { skipReason?: string } = {},
): void {
  if (options.skipReason) console.warn(`[story store suite] SKIPPED on ${engineName}: ${options.skipReason}`);

  describe.skipIf(Boolean(options.skipReason))(`StoryStore on ${engineName}`, () => {
    let engine: StoryTestEngine | undefined;
    let raw: DynamoDBClient;
    let doc: DynamoDbClient;
    let tables: ProvisionedTables;
    let now = new Date(start);
    const clock: Clock = { now: () => new Date(now) };
    const store = () => createDynamoDbStoryStore({ client: doc, tableName: tables.stories, clock });
    const fingerprint = fingerprintItem({ title: 'Pilots ratify deal', summary: 'Pilots ratified a deal on Tuesday.' }, new Date(start));

    beforeAll(async () => {
      engine = await startEngine();
      raw = new DynamoDBClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
      doc = storeClientFor(engine);
      tables = await createTables(doc, `stories-${Date.now().toString(36)}`);
    });
    afterAll(async () => {
      raw?.destroy();
      doc?.destroy();
      await engine?.stop();
    });

    async function rawRow(storyKey: string) {
      return (await doc.send(new GetCommand({ TableName: tables.stories, Key: { storyKey }, ConsistentRead: true }))).Item;
    }

    it('creates a story once: a second creation (a retry) returns the stored one', async () => {
      const input = { storyId: 'a#1', member: member('a#1'), fingerprint, at: epoch(start), expiresAt: epoch(start) + 3600 };
      const first = await store().createStory(input);
      assert('story' in first);
      expect(first.created).toBe(true);
      expect(first.story).toMatchObject({ storyId: 'a#1', members: [member('a#1')], unlistedMembers: 0, alertedTopics: [] });
      expect(first.story.fingerprints).toEqual([{ itemKey: 'a#1', fingerprint }]);
      const again = await store().createStory({ ...input, member: member('a#1', '2030-03-04T13:00:00.000Z') });
      assert('story' in again);
      expect(again.created).toBe(false);
      expect(again.story.members).toEqual([member('a#1')]);
      // TTL attribute set, in epoch seconds.
      expect((await rawRow('story#a#1'))?.expiresAt).toBe(epoch(start) + 3600);
    });

    it('adds members idempotently, lists up to the caller cap and counts the rest', async () => {
      const s = store();
      const base = { lastAt: epoch(start), expiresAt: epoch(start) + 3600 };
      const b1 = (addedAt: string) => ({ members: [{ member: member('b#1', addedAt), fingerprint, list: true }], ...base });
      expect(await s.addMembers('a#1', b1('2030-03-04T12:01:00.000Z'))).toBe(true);
      expect(await s.addMembers('a#1', b1('2030-03-04T12:05:00.000Z'))).toBe(true);
      expect(await s.addMembers('a#1', { ...base, members: [{ member: member('c#1'), list: false }] })).toBe(true);
      const story = await s.getStory('a#1');
      expect(story?.members.map((m) => [m.itemKey, m.addedAt])).toEqual([
        ['a#1', start],
        ['b#1', '2030-03-04T12:01:00.000Z'],
      ]);
      expect(story?.unlistedMembers).toBe(1);
      expect(story?.fingerprints.map((f) => f.itemKey).sort()).toEqual(['a#1', 'b#1']);
      expect(story?.expiresAt).toBe(epoch(start) + 3600);
      expect(await s.listMembers('a#1')).toHaveLength(2);
      expect(await s.addMembers('missing', { ...base, members: [{ member: member('d#1'), list: true }] })).toBe(false);
    });

    it('adds several members of one story in one write: listed, counted and kept as one by one', async () => {
      const s = store();
      await s.createStory({ storyId: 'j#0', member: member('j#0'), fingerprint, at: epoch(start), expiresAt: epoch(start) + 3600 });
      expect(
        await s.addMembers('j#0', {
          members: [
            { member: member('j#1', '2030-03-04T12:01:00.000Z'), fingerprint, list: true },
            { member: member('j#2', '2030-03-04T12:02:00.000Z'), list: true },
            { member: member('j#3'), list: false },
            { member: member('j#4'), list: false },
            // Named twice (a retried item): one attribute, the first wins.
            { member: member('j#1', '2030-03-04T12:09:00.000Z'), fingerprint, list: true },
          ],
          lastAt: epoch(start) + 120,
          expiresAt: epoch(start) + 7200,
        }),
      ).toBe(true);
      const story = await s.getStory('j#0');
      expect(story?.members.map((m) => [m.itemKey, m.addedAt])).toEqual([
        ['j#0', start],
        ['j#1', '2030-03-04T12:01:00.000Z'],
        ['j#2', '2030-03-04T12:02:00.000Z'],
      ]);
      expect(story).toMatchObject({ unlistedMembers: 2, lastAt: epoch(start) + 120, expiresAt: epoch(start) + 7200 });
      expect(story?.fingerprints.map((f) => f.itemKey)).toEqual(['j#0', 'j#1']);
      // More than one update expression holds: written in several, all of them kept.
      const many = Array.from({ length: 45 }, (_, i) => ({ member: member(`k#${i}`), fingerprint, list: true }));
      expect(await s.addMembers('j#0', { members: many, lastAt: epoch(start) + 120, expiresAt: epoch(start) + 7200 })).toBe(true);
      expect((await s.getStory('j#0'))?.members).toHaveLength(3 + 45);
      const crowded = Array.from({ length: 90 }, (_, i) => ({ storyId: `c#${i}`, at: epoch(start) }));
      await s.index([{ key: 'crowd@2030-03-04', expiresAt: epoch(start) + 100, stories: crowded }]);
      expect((await s.readIndex(['crowd@2030-03-04'])).get('crowd@2030-03-04')).toHaveLength(90);
    });

    it('keeps concurrent joins: each member is its own attribute, so none is lost', async () => {
      const s = store();
      await s.createStory({ storyId: 'p#0', member: member('p#0'), fingerprint, at: epoch(start), expiresAt: epoch(start) + 3600 });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          s.addMembers('p#0', {
            members: [{ member: member(`p#${i + 1}`), fingerprint, list: true }],
            lastAt: epoch(start),
            expiresAt: epoch(start) + 3600,
          }),
        ),
      );
      expect((await s.listMembers('p#0')).map((m) => m.itemKey).sort()).toEqual([
        'p#0',
        'p#1',
        'p#2',
        'p#3',
        'p#4',
        'p#5',
        'p#6',
        'p#7',
        'p#8',
      ]);
    });

    it('lists stories under keys atomically, reads them in one batch, and ignores expired rows', async () => {
      const s = store();
      const expiresAt = epoch(start) + 100;
      await Promise.all([
        s.index([
          { key: 'pilot@2030-03-04', expiresAt, stories: [{ storyId: 'a#1', at: epoch(start) }] },
          { key: 'ratifi@2030-03-04', expiresAt, stories: [{ storyId: 'a#1', at: epoch(start) }] },
        ]),
        s.index([{ key: 'pilot@2030-03-04', expiresAt, stories: [{ storyId: 'p#0', at: epoch(start) + 5 }] }]),
        // Several stories under one key in one write, each its own attribute: none lost beside the others.
        s.index([
          {
            key: 'pilot@2030-03-04',
            expiresAt,
            stories: [
              { storyId: 'x#1', at: epoch(start) + 1 },
              { storyId: 'x#2', at: epoch(start) + 2 },
              { storyId: 'x#2', at: epoch(start) + 3 },
            ],
          },
        ]),
      ]);
      const postings = await s.readIndex(['pilot@2030-03-04', 'ratifi@2030-03-04', 'nothing@2030-03-04']);
      expect([...postings.keys()].sort()).toEqual(['pilot@2030-03-04', 'ratifi@2030-03-04']);
      expect(postings.get('pilot@2030-03-04')?.sort((a, b) => a.at - b.at)).toEqual([
        { storyId: 'a#1', at: epoch(start) },
        { storyId: 'x#1', at: epoch(start) + 1 },
        { storyId: 'x#2', at: epoch(start) + 3 },
        { storyId: 'p#0', at: epoch(start) + 5 },
      ]);
      expect((await rawRow('key#pilot@2030-03-04'))?.expiresAt).toBe(epoch(start) + 100);
      now = new Date((epoch(start) + 200) * 1000);
      expect((await s.readIndex(['pilot@2030-03-04'])).size).toBe(0);
      now = new Date(start);
    });

    it('records alerted topics of several stories in one batch and reads several stories in one batch', async () => {
      const s = store();
      const expiresAt = epoch(start) + 3600;
      await s.markAlerted([{ storyId: 'a#1', topics: ['un-meeting'] }], expiresAt);
      await s.markAlerted(
        [
          { storyId: 'a#1', topics: ['un-meeting', 'talks'] },
          { storyId: 'missing', topics: ['talks'] },
          { storyId: 'p#0', topics: [] },
        ],
        expiresAt,
      );
      const stories = await s.getStories(['a#1', 'p#0', 'missing']);
      expect(stories.map((x) => x.storyId).sort()).toEqual(['a#1', 'p#0']);
      expect(stories.find((x) => x.storyId === 'a#1')?.alertedTopics).toEqual(['talks', 'un-meeting']);
      expect(stories.find((x) => x.storyId === 'p#0')?.alertedTopics).toEqual([]);
      expect((await s.getStory('a#1'))?.alertedTopics).toEqual(['talks', 'un-meeting']);
    });

    it("records an item's place once: a founder stays a founder, a member keeps the first story it joined", async () => {
      const s = store();
      const expiresAt = epoch(start) + 3600;
      await s.createStory({ storyId: 'q#1', member: member('q#1'), fingerprint, at: epoch(start), expiresAt });
      expect(await s.placeItem('q#1', 'a#1', expiresAt)).toMatchObject({ storyId: 'q#1', role: 'founder', first: false });
      expect(await s.placeItem('q#2', 'a#1', expiresAt)).toEqual({ storyId: 'a#1', role: 'member', first: true });
      expect(await s.placeItem('q#2', 'p#0', expiresAt)).toEqual({ storyId: 'a#1', role: 'member', first: false });
      // A run that would found a story with an item placed elsewhere adopts the placement.
      expect(await s.createStory({ storyId: 'q#2', member: member('q#2'), fingerprint, at: epoch(start), expiresAt })).toEqual({
        created: false,
        memberOf: 'a#1',
      });
      expect(await s.getStory('q#2')).toBeUndefined();
      // Unless its story expired: then it founds its own in its place.
      const founded = await s.createStory({
        storyId: 'q#2',
        member: member('q#2'),
        fingerprint,
        at: epoch(start),
        expiresAt,
        replacePointer: true,
      });
      expect(founded).toMatchObject({ created: true });
      expect(await s.placeItem('q#2', 'a#1', expiresAt)).toMatchObject({ storyId: 'q#2', role: 'founder', first: false });
    });

    it('treats an expired story as gone: not read, not joined, and created afresh', async () => {
      const s = store();
      await s.createStory({ storyId: 'e#1', member: member('e#1'), fingerprint, at: epoch(start), expiresAt: epoch(start) + 10 });
      now = new Date((epoch(start) + 20) * 1000);
      expect(await s.getStory('e#1')).toBeUndefined();
      expect(
        await s.addMembers('e#1', {
          members: [{ member: member('f#1'), list: true }],
          lastAt: epoch(start),
          expiresAt: epoch(start) + 9999,
        }),
      ).toBe(false);
      const again = await s.createStory({
        storyId: 'e#1',
        member: member('e#1', '2030-03-04T12:00:20.000Z'),
        fingerprint,
        at: epoch(start),
        expiresAt: epoch(start) + 9999,
      });
      expect(again.created).toBe(true);
      now = new Date(start);
    });

    it('hands a kept fingerprint read before back as one object, and a story founded again with another fingerprint reads the new one', async () => {
      const s = store();
      await s.createStory({ storyId: 'r#1', member: member('r#1'), fingerprint, at: epoch(start), expiresAt: epoch(start) + 10 });
      const first = (await s.getStories(['r#1']))[0]?.fingerprints[0]?.fingerprint;
      const second = (await store().getStories(['r#1']))[0]?.fingerprints[0]?.fingerprint;
      expect(first).toEqual(fingerprint);
      expect(second).toBe(first);
      // Expired, then founded again by the same item, fingerprinted anew (another time, other words).
      now = new Date((epoch(start) + 20) * 1000);
      const later = fingerprintItem({ title: 'Pilots reject deal', summary: 'Pilots rejected the deal on Friday.' }, now);
      await s.createStory({
        storyId: 'r#1',
        member: member('r#1'),
        fingerprint: later,
        at: epoch(now.toISOString()),
        expiresAt: epoch(now.toISOString()) + 3600,
      });
      const reread = (await s.getStories(['r#1']))[0]?.fingerprints[0]?.fingerprint;
      expect(reread).toEqual(later);
      expect(reread).not.toEqual(fingerprint);
      now = new Date(start);
    });

    it('clusters the labelled items exactly as the in-memory store does (the CLI and the pipeline agree)', async () => {
      const seenAt = new Date('2030-03-15T00:00:00Z');
      now = seenAt;
      const dynamo = createDynamoDbStoryStore({ client: doc, tableName: tables.stories, clock });
      const viaDynamo = [];
      for await (const c of clusterStream(
        labelled.map((l) => ({ ...l, id: `lab-${l.id}` })),
        { seenAt, store: dynamo },
      ))
        viaDynamo.push([c.id, c.story]);
      const viaMemory = [];
      for await (const c of clusterStream(
        labelled.map((l) => ({ ...l, id: `lab-${l.id}` })),
        { seenAt, store: createMemoryStoryStore({ now: () => seenAt }) },
      ))
        viaMemory.push([c.id, c.story]);
      expect(viaDynamo).toEqual(viaMemory);
      expect(new Set(viaDynamo.map(([, story]) => story)).size).toBeLessThan(labelled.length);
      now = new Date(start);
    });

    it("writes a poll's places in one batch: stories with all their members, and pointers", async () => {
      now = new Date(start);
      const s = store();
      const expiresAt = epoch(start) + 3600;
      expect(await s.placedItems(['w#1', 'w#2', 'a#1', 'q#2'])).toEqual(new Set(['a#1', 'q#2']));
      await s.writePlaces([
        {
          story: {
            storyId: 'w#1',
            createdAt: start,
            lastAt: epoch(start) + 60,
            members: [member('w#1'), member('w#3', '2030-03-04T12:01:00.000Z')],
            unlistedMembers: 1,
            fingerprints: [{ itemKey: 'w#1', fingerprint }],
            alertedTopics: [],
            expiresAt,
          },
        },
        { itemKey: 'w#2', memberOf: 'a#1', expiresAt },
      ]);
      expect(await s.placedItems(['w#1', 'w#2', 'w#4'])).toEqual(new Set(['w#1', 'w#2']));
      const story = await s.getStory('w#1');
      expect(story).toMatchObject({ storyId: 'w#1', lastAt: epoch(start) + 60, unlistedMembers: 1, alertedTopics: [] });
      expect(story?.members.map((m) => m.itemKey)).toEqual(['w#1', 'w#3']);
      // A written pointer is a placement like any other: the first decision stands.
      expect(await s.placeItem('w#2', 'p#0', expiresAt)).toEqual({ storyId: 'a#1', role: 'member', first: false });
      expect((await rawRow('story#w#1'))?.expiresAt).toBe(expiresAt);
      await s.writePlaces([]);
    });

    it('places the labelled items ten at a time, each batch written at once, exactly as one by one in memory (the poll path)', async () => {
      // A year (52 weeks) after the labelled items above, so these find none of their stories.
      const shift = (iso: string | null | undefined) =>
        iso && Number.isFinite(Date.parse(iso)) ? new Date(Date.parse(iso) + 364 * 86_400_000).toISOString() : null;
      const later = labelled.map((l) => ({ ...l, id: `grp-${l.id}`, published: shift(l.published) }));
      const seenAt = new Date('2031-03-14T00:00:00Z');
      now = seenAt;
      const items = later.map((l) => ({
        itemKey: l.id,
        feedId: l.source || 'input',
        source: l.source ?? '',
        title: l.title,
        summary: l.summary ?? '',
        link: l.link && URL.canParse(l.link) ? l.link : null,
        published: l.published,
      }));
      const dynamo = createDynamoDbStoryStore({ client: doc, tableName: tables.stories, clock });
      const viaBatches: string[][] = [];
      for (let i = 0; i < items.length; i += 10) {
        const group = items.slice(i, i + 10);
        const batch = prefetchedStoryStore(dynamo, seenAt);
        await Promise.all([prefetchStoryReads(group, seenAt, batch), batch.holdPlaces(group.map((item) => item.itemKey))]);
        for (const item of group)
          viaBatches.push([item.itemKey, (await assignStory(item, seenAt, { stories: batch, retentionSeconds: 3600 })).storyId]);
        await batch.flush();
      }
      // What the batches wrote is the stories: each lists all its members.
      const sizes = new Map<string, number>();
      for (const [, story] of viaBatches) sizes.set(story!, (sizes.get(story!) ?? 0) + 1);
      const listed = new Map<string, number | undefined>();
      for (const storyId of sizes.keys()) listed.set(storyId, (await dynamo.getStory(storyId))?.members.length);
      now = new Date(start);
      expect(listed).toEqual(sizes);
      expect([...sizes.values()].some((size) => size > 1)).toBe(true);

      const viaMemory = [];
      for await (const c of clusterStream(later, { seenAt, store: createMemoryStoryStore({ now: () => seenAt }) }))
        viaMemory.push([c.id, c.story]);
      expect(viaBatches).toEqual(viaMemory);
    });

    it('places an item once even when two attempts race (a redelivery overlapping the first run)', async () => {
      const s = store();
      const item = {
        itemKey: 'race#1',
        feedId: 'race',
        source: 'Race',
        title: 'Kestrel pilots ratify pay deal',
        summary: 'Pilots at Kestrel ratified a deal on Tuesday.',
        link: null,
        published: null,
      };
      const results = await Promise.all([1, 2, 3].map(() => assignStory(item, new Date(start), { stories: s, retentionSeconds: 3600 })));
      // It matches stories made above; whichever it joins, every run agrees, and it is listed once.
      expect(new Set(results.map((r) => r.storyId)).size).toBe(1);
      expect(results.filter((r) => !r.resumed)).toHaveLength(1);
      const members = await s.listMembers(results[0]!.storyId);
      expect(members.filter((m) => m.itemKey === 'race#1')).toHaveLength(1);
    });
  });
}
