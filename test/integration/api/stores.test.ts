import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '../../../shared/store/dynamodb/commands.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlinesOf } from '../../../shared/api/headlines.ts';
import { createSqsQueueInspector, deadLetterUrl } from '../../../shared/queue/sqs/sqs-queue-inspector.ts';
import { createDynamoDbHeadlineStore, createDynamoDbRateLimitStore } from '../../../shared/store/dynamodb/index.ts';
import { takeRateLimit } from '../../../shared/subscriptions/rate-limits.ts';
import {
  createQueues,
  createTables,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type ProvisionedQueues,
  type ProvisionedTables,
  type TestDynalite,
  type TestFauxqs,
} from '../../helpers/engines.ts';

/** The HTTP API's own adapters against the embedded engines. */
describe('rate-limit and headline stores (dynalite), queue inspector (fauxqs)', () => {
  let dynamo: TestDynalite;
  let sqs: TestFauxqs;
  let tables: ProvisionedTables;
  let queues: ProvisionedQueues;

  beforeAll(async () => {
    [dynamo, sqs] = await Promise.all([startDynalite(), startFauxqs()]);
    tables = await createTables(dynamo.documents, uniquePrefix('api'));
    queues = await createQueues(sqs.queues, { prefix: uniquePrefix('api') });
  });

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), sqs?.stop()]);
  });

  it('counts hits per key and window atomically, and sets the TTL after the window', async () => {
    const store = createDynamoDbRateLimitStore({ client: dynamo.documents, tableName: tables.ratelimits });
    const now = new Date('2026-03-01T10:15:00Z');
    const counts = await Promise.all(Array.from({ length: 8 }, () => store.hit('k1', 3600, now)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(counts[0]!.windowEndsAt.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect((await store.hit('k2', 3600, now)).count).toBe(1);
    expect((await store.hit('k1', 3600, new Date('2026-03-01T11:00:01Z'))).count).toBe(1);
  });

  it('allows up to the limit and then says how long to wait; stores no address in the clear', async () => {
    const store = createDynamoDbRateLimitStore({ client: dynamo.documents, tableName: tables.ratelimits });
    const rule = { name: 'test-rule', limit: 2, windowSeconds: 600 };
    const now = new Date('2026-03-01T10:05:00Z');
    const decisions = [];
    for (let i = 0; i < 3; i++)
      decisions.push(await takeRateLimit(store, rule, 'someone@example.org', 'a-secret-of-at-least-32-characters!!', now));
    expect(decisions).toEqual([{ allowed: true }, { allowed: true }, { allowed: false, retryAfterSeconds: 300 }]);
    const rows = await dynamo.documents.send(new ScanCommand({ TableName: tables.ratelimits }));
    expect(JSON.stringify(rows.Items)).not.toContain('someone@example.org');
    for (const row of rows.Items ?? []) expect(typeof row.expiresAt).toBe('number');
  });

  it('keeps recent headlines per topic, newest first, each story once', async () => {
    let clockNow = new Date('2026-03-01T10:00:00Z');
    const store = createDynamoDbHeadlineStore({
      client: dynamo.documents,
      tableName: tables.headlines,
      clock: { now: () => clockNow },
    });
    const alert = (storyId: string, title: string, topics: string[]) => ({
      version: 1 as const,
      storyId,
      item: {
        itemKey: `f#${storyId}`,
        feedId: 'f',
        source: 'Wire',
        guid: null,
        link: `https://news.example/${storyId}`,
        title,
        summary: '',
        published: null,
        author: null,
        categories: [],
      },
      topics: topics.map((topic) => ({ topic, label: topic, score: 0.8, matched: [] })),
    });
    for (const [i, id] of ['s1', 's2', 's3'].entries()) {
      clockNow = new Date(Date.UTC(2026, 2, 1, 10, i));
      await store.record(headlinesOf(alert(id, `Story ${id}`, id === 's2' ? ['talks', 'sanctions'] : ['talks']), clockNow));
    }
    // A redelivered alert writes its story again: still listed once.
    await store.record(headlinesOf(alert('s3', 'Story s3', ['talks']), new Date(Date.UTC(2026, 2, 1, 10, 5))));
    expect((await store.listRecent('talks', 10)).map((h) => h.storyId)).toEqual(['s3', 's2', 's1']);
    expect((await store.listRecent('talks', 2)).map((h) => h.storyId)).toEqual(['s3', 's2']);
    expect((await store.listRecent('sanctions', 10)).map((h) => h.title)).toEqual(['Story s2']);
    expect(await store.listRecent('un-meeting', 10)).toEqual([]);
  });

  it('reads queue and dead-letter depths through the redrive policy', async () => {
    const urls = Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as Record<keyof ProvisionedQueues, string>;
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queues.email.url, MessageBody: '{}' }));
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queues.webhook.dlqUrl, MessageBody: '{}' }));
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queues.webhook.dlqUrl, MessageBody: '{}' }));
    const depths = await createSqsQueueInspector(sqs.queues, urls).depths();
    expect(depths.email).toMatchObject({ visible: 1, deadLetters: { visible: 0 } });
    expect(depths.webhook).toMatchObject({ visible: 0, deadLetters: { visible: 2 } });
    expect(Object.keys(depths).sort()).toEqual(['alert', 'digest', 'email', 'items', 'poll', 'webhook']);
  });

  it('derives a DLQ URL from the queue URL and the redrive policy', () => {
    const policy = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:news-poll-dlq', maxReceiveCount: 5 });
    expect(deadLetterUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/news-poll', policy)).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/news-poll-dlq',
    );
    expect(deadLetterUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/news-poll', undefined)).toBeNull();
    expect(deadLetterUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/news-poll', 'not json')).toBeNull();
  });
});
