import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalData } from '../../../cli/local-data.ts';
import { main } from '../../../cli/main.ts';
import { deliveryMessage, webhookSecret } from '../../unit/delivery/fixtures.ts';
import { captureIo } from '../../helpers/capture-io.ts';

/**
 * `news-alerts subscribers` and `news-alerts dlq` against a one-process data folder (dynalite and
 * fauxqs persisted on disk), through the CLI's own entry point.
 */

let dataDir: string;

async function cli(...args: string[]) {
  const { io, out, err } = captureIo();
  const code = await main([...args, '--data-dir', dataDir], io);
  return { code, out: out(), err: err() };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-cli-'));
  // A data folder a pipeline has run in has its dynamodb folder.
  await mkdir(join(dataDir, 'dynamodb'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('news-alerts subscribers', () => {
  it('adds, lists (without secrets), resumes and removes subscribers', async () => {
    const added = await cli(
      'subscribers',
      'add',
      'desk',
      '--topic',
      'talks',
      '--topic',
      'sanctions',
      '--email',
      'desk@example.org',
      '--cadence',
      'daily',
      '--hour',
      '7',
      '--time-zone',
      'Europe/Kyiv',
      '--webhook',
      'https://hooks.example.org/desk',
      '--secret',
      webhookSecret(3),
      '--filter',
      'Russia AND NOT title:football',
    );
    const listed = await cli('subscribers', 'list', '--json');
    const byTopic = await cli('subscribers', 'list', '--topic', 'sanctions');

    expect(added.code).toBe(0);
    expect(added.out).toContain('email d***@example.org, daily at 7:00 Europe/Kyiv');
    const { subscribers } = JSON.parse(listed.out) as { subscribers: Record<string, unknown>[] };
    expect(subscribers).toHaveLength(1);
    expect(subscribers[0]).toMatchObject({
      subscriberId: 'desk',
      filter: 'Russia AND NOT title:football',
      webhookSecret: '(set)',
      cadence: { email: 'daily' },
    });
    expect(listed.out).not.toContain(webhookSecret(3));
    expect(byTopic.out).toContain('1 subscriber in data folder');

    // A channel paused after delivery failures comes back with resume.
    const data = await openLocalData(dataDir, { queues: false });
    const { createDynamoDbSubscriptionStore } = await import('../../../shared/store/dynamodb/index.ts');
    const store = createDynamoDbSubscriptionStore({ client: data.documents, tableName: data.tables.subscriptions });
    const hookId = (await store.getSubscriber('desk'))!.channels.find((c) => c.kind === 'webhook')!.channelId;
    await store.updateStatus('desk', { channelStatus: { [hookId]: { state: 'paused', reason: 'HTTP 410', at: '2025-02-24T10:00:00Z' } } });
    await data.close();
    const pausedList = await cli('subscribers', 'list');
    const resumed = await cli('subscribers', 'resume', 'desk');
    const removed = await cli('subscribers', 'remove', 'desk');
    const removedAgain = await cli('subscribers', 'remove', 'desk');

    expect(pausedList.out).toContain('paused: HTTP 410');
    expect(resumed.out).toBe(`resumed ${hookId} of desk\n`);
    expect(removed.code).toBe(0);
    expect(removedAgain.code).toBe(1);
  });

  it('refuses what the pipeline could not use, with exit code 2', async () => {
    const unknownTopic = await cli('subscribers', 'add', 'x', '--topic', 'football', '--email', 'x@example.org');
    const badFilter = await cli('subscribers', 'add', 'x', '--topic', 'talks', '--email', 'x@example.org', '--filter', 'a AND (');
    const unsigned = await cli('subscribers', 'add', 'x', '--topic', 'talks', '--webhook', 'https://hooks.example.org/x');

    expect([unknownTopic.code, badFilter.code, unsigned.code]).toEqual([2, 2, 2]);
    expect(unknownTopic.err).toContain('unknown topic "football"');
    expect(badFilter.err).toContain('filter query invalid');
    expect(unsigned.err).toContain('webhookSecret');
  });

  it('says so when a running pipeline holds the data folder', async () => {
    const running = await openLocalData(dataDir, { queues: false });
    try {
      const result = await cli('subscribers', 'list');
      expect(result.code).toBe(1);
      expect(result.err).toContain('data folder in use');
    } finally {
      await running.close();
    }
  });
});

describe('news-alerts dlq', () => {
  it('lists dead letters with what they were for and why, then redrives them to their queue', async () => {
    const message = deliveryMessage({ subscriberId: 'team', storyId: 'story-dead' });
    const data = await openLocalData(dataDir, { queues: true });
    const { createDynamoDbDeliveryStore } = await import('../../../shared/store/dynamodb/index.ts');
    const deliveries = createDynamoDbDeliveryStore({ client: data.documents, tableName: data.tables.deliveries });
    await deliveries.recordAttempt(message.deliveryKey, {
      at: '2025-02-24T10:00:00Z',
      error: 'webhook delivery failed: HTTP 503 (subscriber team)',
      attempt: 8,
    });
    const webhook = data.queues!.provisioned.webhook;
    await data.queues!.sqs.call('SendMessage', { QueueUrl: webhook.dlqUrl, MessageBody: JSON.stringify(message) });
    await data.queues!.sqs.call('SendMessage', { QueueUrl: webhook.dlqUrl, MessageBody: '{"not":"a delivery"}' });
    await data.close();

    const listed = await cli('dlq', 'list', '--json');
    const text = await cli('dlq', 'list', 'webhook');
    const redriven = await cli('dlq', 'redrive', 'webhook');
    const after = await cli('dlq', 'list', 'webhook', '--json');

    const { queues } = JSON.parse(listed.out) as {
      queues: { queue: string; messages: { what: string; why?: string; attempts?: number }[] }[];
    };
    const dead = queues.find((q) => q.queue === 'webhook')!.messages;
    expect(queues.filter((q) => q.queue !== 'webhook').every((q) => q.messages.length === 0)).toBe(true);
    expect(dead).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          what: expect.stringContaining('delivery to team → webhook hook-1, story story-dead'),
          why: expect.stringContaining('HTTP 503'),
          attempts: 8,
        }),
        expect.objectContaining({
          what: expect.stringContaining('invalid webhook message'),
          why: expect.stringContaining('fails its schema'),
        }),
      ]),
    );
    expect(text.out).toContain('webhook: 2 messages');
    expect(redriven.out).toBe('webhook: moved 2 messages back to the queue\n');
    expect((JSON.parse(after.out) as { queues: { messages: unknown[] }[] }).queues[0]!.messages).toEqual([]);
    const reopened = await openLocalData(dataDir, { queues: true });
    try {
      const { Attributes } = await reopened.queues!.sqs.call('GetQueueAttributes', {
        QueueUrl: reopened.queues!.provisioned.webhook.url,
        AttributeNames: ['ApproximateNumberOfMessages'],
      });
      expect(Attributes?.ApproximateNumberOfMessages).toBe('2');
    } finally {
      await reopened.close();
    }
  });

  it('refuses an unknown queue with exit code 2', async () => {
    const result = await cli('dlq', 'list', 'nope');
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown queue "nope"');
  });
});
