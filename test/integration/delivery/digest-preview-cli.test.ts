/**
 * `news-alerts digest preview SUBSCRIBER` through `main` against a real data folder (dynalite on
 * LevelDB): the next digest rendered to files, nothing sent or marked — a real send-digests run
 * and compose-digest afterwards still queue every story (to fauxqs, read back from the queues).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalData } from '../../../cli/local-data.ts';
import { createConsoleLogger } from '../../../shared/core/logger.ts';
import { digestDueMessageSchema, digestMessageSchema } from '../../../shared/digest/digest-message.ts';
import { queueDueDigests, sendQueuedDigest } from '../../../shared/digest/send-digests.ts';
import { createQueueAdapters } from '../../../shared/queue/sqs/queue-adapters.ts';
import { createStores } from '../../../shared/runtime/store-factories.ts';
import { runCli } from '../../helpers/capture-io.ts';
import { deliveryMessage, subscriber } from '../../unit/delivery/fixtures.ts';

let dir: string;
let dataDir: string;
const dueAt = '2030-01-02T08:00:00.000Z';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'digest-preview-'));
  dataDir = join(dir, 'data');
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const data = await openLocalData(dataDir, { queues: false });
  try {
    const stores = createStores(data.documents, data.tables);
    await stores.subscriptions.putSubscriber(
      subscriber({
        subscriberId: 'alice',
        channels: [{ kind: 'email', channelId: 'email', address: 'alice@example.org' }],
        cadence: { email: 'daily' },
      }),
    );
    await stores.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'bob', channels: [{ kind: 'email', channelId: 'email', address: 'bob@example.org' }] }),
    );
    for (const [n, title] of [
      [1, 'Security Council <b>vote</b> on ceasefire'],
      [2, 'Sanctions extended for six months'],
    ] as const) {
      const base = deliveryMessage();
      await stores.digests.addEntry(
        {
          subscriberId: 'alice',
          channelId: 'email',
          storyId: `story-${n}`,
          addedAt: `2030-01-01T0${n}:00:00.000Z`,
          item: { ...base.item, itemKey: `f#${n}`, title, published: `2030-01-01T0${n}:00:00.000Z` },
          topics: [{ topic: 'un-meeting', label: 'UN meeting', score: 0.9, matched: [] }],
        },
        { cadence: 'daily', dueAt },
      );
    }
  } finally {
    await data.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('news-alerts digest preview', () => {
  it('writes the next digest as text and HTML to the outbox, and marks nothing: the real digest still holds the stories', async () => {
    const result = await runCli(['digest', 'preview', 'alice', '--data-dir', dataDir]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const outbox = join(dataDir, 'outbox');
    expect(result.out).toBe(
      `daily digest of alice (email), due ${dueAt}: 2 stories — "[news-alerts] Daily digest: 2 stories (UN meeting)"\n` +
        `  text  ${join(outbox, 'digest-preview-alice-email.txt')}\n` +
        `  html  ${join(outbox, 'digest-preview-alice-email.html')}\n` +
        'Nothing was sent or marked: the digest, when due, still holds these stories.\n',
    );
    const text = readFileSync(join(outbox, 'digest-preview-alice-email.txt'), 'utf8');
    expect(text).toContain('To: alice@example.org');
    expect(text).toContain('* Security Council <b>vote</b> on ceasefire');
    const html = readFileSync(join(outbox, 'digest-preview-alice-email.html'), 'utf8');
    expect(html).toContain('Security Council &lt;b&gt;vote&lt;/b&gt; on ceasefire');
    expect(html).toContain('Sanctions extended for six months');

    // Previewing twice is the same: nothing moved.
    expect((await runCli(['digest', 'preview', 'alice', '--data-dir', dataDir, '--json'])).code).toBe(0);

    // The real digest, when due, carries both stories.
    const data = await openLocalData(dataDir, { queues: true });
    try {
      const stores = createStores(data.documents, data.tables);
      const urls = Object.fromEntries(Object.entries(data.queues!.provisioned).map(([name, q]) => [name, q.url])) as never;
      const queue = createQueueAdapters(data.queues!.sqs, urls, { useMoveTask: false }).queue;
      const deps = {
        ...stores,
        queue,
        clock: { now: () => new Date('2030-01-02T08:00:01Z') },
        log: createConsoleLogger('test', 'ERROR'),
        events: { emit() {} },
      };
      expect(await queueDueDigests(deps, { budgetMs: 20_000 })).toMatchObject({ queued: 1 });
      const due = await data.queues!.sqs.call('ReceiveMessage', {
        QueueUrl: data.queues!.provisioned.digest.url,
        MaxNumberOfMessages: 10,
      });
      const dueMessage = digestDueMessageSchema.parse(JSON.parse(due.Messages![0]!.Body!));
      expect(await sendQueuedDigest(dueMessage, deps)).toEqual({ kind: 'queued', stories: 2 });
      const received = await data.queues!.sqs.call('ReceiveMessage', {
        QueueUrl: data.queues!.provisioned.email.url,
        MaxNumberOfMessages: 10,
      });
      const message = digestMessageSchema.parse(JSON.parse(received.Messages![0]!.Body!));
      expect(message.stories.map((story) => story.storyId).sort()).toEqual(['story-1', 'story-2']);
    } finally {
      await data.close();
    }
  });

  it('says why when there is nothing to preview', async () => {
    const bob = await runCli(['digest', 'preview', 'bob', '--data-dir', dataDir]);
    expect(bob).toMatchObject({ code: 1 });
    expect(bob.err).toBe(
      'news-alerts digest: digest preview failed: the subscriber gets instant alerts on every channel: there is no digest to preview (subscriber bob)\n',
    );
    const nobody = await runCli(['digest', 'preview', 'nobody', '--data-dir', dataDir]);
    expect(nobody.err).toBe('news-alerts digest: digest preview failed: no such subscriber (subscriber nobody)\n');
  });
});
