import { PutCommand } from '../../../shared/store/dynamodb/commands.ts';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/fan-out/handler.ts';
import { fanOut } from '../../../shared/fanout/fan-out.ts';
import type { AlertMessage, Channel, DeliveryMessage } from '../../../shared/messages/schemas.ts';
import type { Subscriber } from '../../../shared/store/records.ts';
import { deliveryMessage, subscriber } from '../../unit/delivery/fixtures.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';

/**
 * 1,200 subscribers: 0–799 on `talks`, 400–1199 on `sanctions` (400 on both). Every one has a
 * webhook; every third also has email. Some are paused, and some ask for a score the `talks`
 * match (0.6) does not reach but the `sanctions` one (0.9) does.
 */
const TOTAL = 1200;

function population(): Subscriber[] {
  return Array.from({ length: TOTAL }, (_, n) => {
    const topics = n < 400 ? ['talks'] : n < 800 ? ['talks', 'sanctions'] : ['sanctions'];
    const channels: Channel[] = [{ kind: 'webhook', channelId: 'hook', url: `https://hooks.example.org/${n}`, format: 'json' }];
    if (n % 3 === 0) channels.push({ kind: 'email', channelId: 'mail', address: `reader${n}@example.org` });
    return subscriber({
      subscriberId: `s${String(n).padStart(4, '0')}`,
      topics,
      channels,
      state: n % 50 === 7 ? 'paused' : 'active',
      minScore: n % 10 === 3 ? 0.7 : 0,
    });
  });
}

/** Who should get the alert on which channels, worked out independently of fanOut. */
function expectedDeliveryKeys(subscribers: Subscriber[], storyId: string): string[] {
  const scores: Record<string, number> = { talks: 0.6, sanctions: 0.9 };
  return subscribers
    .filter((s) => s.state === 'active' && s.topics.some((t) => (scores[t] ?? 0) >= s.minScore))
    .flatMap((s) => s.channels.map((c) => `${s.subscriberId}#${storyId}#${c.channelId}`))
    .sort();
}

function alert(storyId: string): AlertMessage {
  const base = deliveryMessage();
  return {
    version: 1,
    storyId,
    item: base.item,
    topics: [
      { topic: 'talks', label: 'Talks', score: 0.6, matched: [] },
      { topic: 'sanctions', label: 'Sanctions', score: 0.9, matched: [] },
    ],
  };
}

async function putAll(engines: PipelineEngines, subscribers: Subscriber[]): Promise<void> {
  const pending = [...subscribers];
  const worker = async () => {
    for (let next = pending.shift(); next; next = pending.shift()) await engines.deps.subscriptions.putSubscriber(next);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

let engines: PipelineEngines;
let subscribers: Subscriber[];

beforeAll(async () => {
  engines = await startPipelineEngines();
  subscribers = population();
  await putAll(engines, subscribers);
});

afterAll(async () => {
  await engines?.stop();
});

describe('fanOut against dynalite and fauxqs', () => {
  it('queues one delivery per (subscriber, channel), continuing with parallel follow-up slices', async () => {
    // Prepare
    const storyId = 'story-fanout';
    const pending: AlertMessage[] = [alert(storyId)];
    const followUps: AlertMessage[] = [];

    // Act: play the alert queue's consumer until no follow-up is left.
    for (let invocation = 0; pending.length > 0 && invocation < 100; invocation++) {
      const summary = await fanOut(pending.shift()!, engines.deps, { pageSize: 250, maxPages: 2 });
      const queued = (await engines.drain('alert')) as AlertMessage[];
      expect(queued).toEqual(summary.followUps);
      followUps.push(...queued);
      pending.push(...queued);
    }
    const webhook = (await engines.drain('webhook')) as DeliveryMessage[];
    const email = (await engines.drain('email')) as DeliveryMessage[];

    // Assess
    expect(pending).toEqual([]);
    const keys = [...webhook, ...email].map((d) => d.deliveryKey).sort();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expectedDeliveryKeys(subscribers, storyId));
    expect(webhook.every((d) => d.channel.kind === 'webhook')).toBe(true);
    expect(email.every((d) => d.channel.kind === 'email')).toBe(true);
    // 800 + 800 subscription rows, 500 per invocation: the first hands every shard it did not
    // finish to its own slice, which continues on its own.
    const shards = engines.deps.subscriptions.topicShards;
    expect(shards).toBeGreaterThan(1);
    expect(new Set(followUps.map((f) => f.slice)).size).toBeGreaterThan(shards / 2);
    expect(followUps.some((f) => f.cursor?.exclusiveStartKey !== undefined || f.cursor?.topicIndex === 1)).toBe(true);
  });

  it('reads the rows written before topics were sharded (all under the bare topic id) with shard 0', async () => {
    // Prepare: a legacy row, as the table held it before sharding
    const legacy = subscriber({
      subscriberId: 'legacy-reader-1',
      topics: ['talks'],
      channels: [{ kind: 'webhook', channelId: 'hook', url: 'https://hooks.example.org/legacy', format: 'json' }],
    });
    const document = engines.dynalite.documents;
    await document.send(new PutCommand({ TableName: engines.tables.subscriptions, Item: { ...legacy, topicId: 'talks' } }));
    const story = { ...alert('story-legacy'), topics: [alert('story-legacy').topics[0]!] };

    // Act
    const pending: AlertMessage[] = [story];
    for (let message = pending.shift(); message; message = pending.shift()) {
      await fanOut(message, engines.deps, { pageSize: 1000, maxPages: 1 });
      pending.push(...((await engines.drain('alert')) as AlertMessage[]));
    }
    const webhook = (await engines.drain('webhook')) as DeliveryMessage[];
    await engines.drain('email');

    // Assess: found under the bare key; writing it again moves it to its shard, found once there
    expect(webhook.filter((d) => d.subscriberId === 'legacy-reader-1')).toHaveLength(1);
    await engines.deps.subscriptions.putSubscriber(legacy);
    const rows = [];
    for (let shard = 0; shard < engines.deps.subscriptions.topicShards; shard++) {
      const page = await engines.deps.subscriptions.pageByTopic('talks', { shard, limit: 1000 });
      rows.push(...page.subscribers.filter((s) => s.subscriberId === 'legacy-reader-1'));
    }
    expect(rows).toHaveLength(1);
    expect(await engines.deps.subscriptions.removeSubscriber('legacy-reader-1')).toBe(true);
  });

  it('carries only the topics that reach each subscriber', async () => {
    const storyId = 'story-topics';
    const pending: AlertMessage[] = [alert(storyId)];
    for (let message = pending.shift(); message; message = pending.shift()) {
      await fanOut(message, engines.deps, { pageSize: 1000, maxPages: 10 });
      pending.push(...((await engines.drain('alert')) as AlertMessage[]));
    }

    const webhook = (await engines.drain('webhook')) as DeliveryMessage[];
    await engines.drain('email');

    const bySubscriber = new Map(webhook.map((d) => [d.subscriberId, d.topics.map((t) => t.topic)]));
    expect(bySubscriber.get('s0000')).toEqual(['talks']);
    expect(bySubscriber.get('s0400')).toEqual(['talks', 'sanctions']);
    // s0403 asks for 0.7: talks (0.6) does not reach them, sanctions (0.9) does.
    expect(bySubscriber.get('s0403')).toEqual(['sanctions']);
    expect(bySubscriber.has('s0003')).toBe(false);
    expect(bySubscriber.get('s1199')).toEqual(['sanctions']);
  });

  it('runs through the handler: a redelivered alert queues the same delivery keys again (deliver-* dedups them)', async () => {
    const handler = createHandler(engines.deps);
    const body = JSON.stringify({ ...alert('story-handler'), topics: [alert('story-handler').topics[1]!] });
    const event = (id: string): SQSEvent =>
      ({ Records: [{ messageId: id, body, attributes: { ApproximateReceiveCount: '1' } }] }) as unknown as SQSEvent;

    const first = await handler(event('a'));
    const second = await handler(event('b'));
    const invalid = await handler({ Records: [{ messageId: 'c', body: '{"version":2}', attributes: {} }] } as unknown as SQSEvent);

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(invalid.batchItemFailures).toEqual([{ itemIdentifier: 'c' }]);
    // 800 sanctions rows in 500-row pages, two pages per invocation: no follow-up needed.
    expect(await engines.drain('alert')).toEqual([]);
    const webhook = (await engines.drain('webhook')) as DeliveryMessage[];
    await engines.drain('email');
    const keys = webhook.map((d) => d.deliveryKey);
    const distinct = new Set(keys);
    expect(keys.length).toBe(distinct.size * 2);
  });
});

describe('fanOut: filters, digests, channel statuses', () => {
  const meeting = (storyId: string, title: string): AlertMessage => ({
    ...alert(storyId),
    item: { ...alert(storyId).item, title, summary: 'Envoys met in New York.' },
    topics: [{ topic: 'un-meeting', label: 'UN meeting', score: 0.9, matched: [] }],
  });
  const hook = (n: string): Channel => ({ kind: 'webhook', channelId: 'hook', url: `https://hooks.example.org/${n}`, format: 'json' });

  beforeAll(async () => {
    const put = (s: Subscriber) => engines.deps.subscriptions.putSubscriber(s);
    await put(subscriber({ subscriberId: 'f-plain', topics: ['un-meeting'], channels: [hook('plain')] }));
    await put(subscriber({ subscriberId: 'f-iran', topics: ['un-meeting'], channels: [hook('iran')], filter: 'Iran OR Tehran' }));
    await put(subscriber({ subscriberId: 'f-not-title', topics: ['un-meeting'], channels: [hook('not')], filter: 'NOT title:Ukraine' }));
    await put(
      subscriber({
        subscriberId: 'f-digest',
        topics: ['un-meeting'],
        channels: [hook('d'), { kind: 'email', channelId: 'mail', address: 'd@example.org' }],
        cadence: { mail: 'daily' },
        timeZone: 'Asia/Tokyo',
      }),
    );
    await put(
      subscriber({
        subscriberId: 'f-paused',
        topics: ['un-meeting'],
        channels: [hook('p'), { kind: 'email', channelId: 'mail', address: 'p@example.org' }],
        channelStatus: { hook: { state: 'paused', reason: 'HTTP 410', at: '2025-02-24T10:00:00Z' } },
      }),
    );
  });

  it('applies each subscriber’s filter query to the story', async () => {
    const summary = await fanOut(meeting('story-filter-1', 'Security Council meets on Ukraine'), engines.deps);
    const delivered = ((await engines.drain('webhook')) as DeliveryMessage[]).map((d) => d.subscriberId).sort();
    await engines.drain('email');

    expect(delivered).toEqual(['f-digest', 'f-plain']);
    expect(summary.filteredOut).toBe(2);

    await fanOut(meeting('story-filter-2', 'Security Council meets on Iran sanctions'), engines.deps);
    const second = ((await engines.drain('webhook')) as DeliveryMessage[]).map((d) => d.subscriberId).sort();
    await engines.drain('email');
    expect(second).toEqual(['f-digest', 'f-iran', 'f-not-title', 'f-plain']);
  });

  it('skips, and reports, a subscriber whose stored filter no longer compiles, without failing the alert', async () => {
    // Written past validation (an older version, a hand edit): the store only checks its schema.
    await engines.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'f-broken', topics: ['un-meeting'], channels: [hook('b')], filter: 'Iran AND (' }),
    );
    engines.events.length = 0;

    const summary = await fanOut(meeting('story-filter-3', 'Security Council meets'), engines.deps);
    const delivered = ((await engines.drain('webhook')) as DeliveryMessage[]).map((d) => d.subscriberId);
    await engines.drain('email');
    await engines.deps.subscriptions.removeSubscriber('f-broken');

    expect(summary.invalidFilters).toBe(1);
    expect(delivered).not.toContain('f-broken');
    expect(delivered).toContain('f-plain');
    expect(engines.events).toContainEqual({
      type: 'subscriber-error',
      subscriberId: 'f-broken',
      error: expect.stringContaining('filter query is invalid'),
    });
  });

  it('adds digest channels’ stories to their digest, once, due at the next delivery hour in their zone', async () => {
    const story = meeting('story-digest', 'Security Council session');
    const first = await fanOut(story, engines.deps);
    const again = await fanOut(story, engines.deps);
    const email = (await engines.drain('email')) as DeliveryMessage[];
    await engines.drain('webhook');
    const head = await engines.deps.digests.getHead('f-digest', 'mail');
    const entries = await engines.deps.digests.listEntries('f-digest', 'mail', 100);

    expect(first.digestEntries).toBe(1);
    expect(again.digestEntries).toBe(0);
    expect(email.map((d) => d.subscriberId)).not.toContain('f-digest');
    expect(entries.filter((e) => e.storyId === 'story-digest')).toHaveLength(1);
    // 08:00 in Tokyo is 23:00 UTC.
    expect(head?.dueAt).toMatch(/T23:00:00\.000Z$/);
  });

  it('sends nothing to a paused channel, and the subscriber’s other channels still get it', async () => {
    await fanOut(meeting('story-paused', 'Security Council session'), engines.deps);
    const webhook = (await engines.drain('webhook')) as DeliveryMessage[];
    const email = (await engines.drain('email')) as DeliveryMessage[];

    expect(webhook.map((d) => d.subscriberId)).not.toContain('f-paused');
    expect(email.filter((d) => d.subscriberId === 'f-paused').map((d) => d.channel.channelId)).toEqual(['mail']);
  });
});
