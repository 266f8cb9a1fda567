import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAllFeedsDue } from '../../cli/poll-all-now.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { builtinTopics } from '../../shared/classify/index.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { configFileSchema } from '../../shared/config/config-file.ts';
import type { PipelineEvent } from '../../shared/core/events.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { describeFeedDelivery } from '../../shared/websub/index.ts';
import { atomFeed, startTestHub, type TestHub } from '../helpers/websub-hub.ts';

/**
 * WebSub in one process: the local runtime (its API is the callback), a real test hub, a real
 * webhook receiver. A signed push reaches the receiver without any poll being planned.
 */

const secret = `whsec_${Buffer.from('websub end-to-end signing secret').toString('base64')}`;

describe('WebSub end to end (one process)', () => {
  let dataDir: string;
  let hub: TestHub;
  let runtime: LocalRuntime;
  const events: PipelineEvent[] = [];
  const received: { body: Record<string, unknown>; at: number }[] = [];
  let receiver: ReturnType<typeof createServer>;
  let receiverUrl: string;
  const feedId = 'embassy';
  let topic: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-websub-'));
    hub = await startTestHub();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>, at: Date.now() });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    topic = hub.feedUrl(feedId);
    hub.setFeed(
      feedId,
      atomFeed({
        self: topic,
        hub: hub.hubUrl,
        title: 'Embassy press releases',
        entries: [{ id: 'https://embassy.example/1', title: 'Embassy closed for the holiday', published: new Date().toISOString() }],
      }),
    );
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      log: silentLog,
      events: { emit: (event) => events.push(event) },
      mailTransport: 'outbox',
      mailFrom: 'alerts@example.org',
      allowPrivateNetwork: true,
      schedules: false,
    });
    const config = configFileSchema.parse({
      feeds: [{ id: feedId, url: topic }],
      subscribers: [{ id: 'desk', webhooks: [{ url: `${receiverUrl}/hooks` }], webhookSecret: secret, topics: ['talks', 'un-meeting'] }],
    });
    await applyConfig(
      config,
      runtime.deps,
      builtinTopics.map((t) => t.id),
    );
  });

  afterAll(async () => {
    await runtime?.stop();
    await hub?.close();
    await new Promise<void>((resolve) => {
      receiver?.closeAllConnections();
      receiver?.close(() => resolve());
    });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('subscribes on the first poll, with the local API as the callback', async () => {
    await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
    await runtime.runSchedule('plan-polls');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });
    const subscription = await hub.waitForVerified(topic);
    expect(subscription.callback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/websub\/embassy$/);
    const feed = await runtime.deps.feeds.getFeed(feedId);
    expect(describeFeedDelivery(feed!, new Date()).mode).toBe('push');
  });

  it('delivers a pushed item to the webhook within seconds, no poll planned', async () => {
    const published = new Date();
    const xml = atomFeed({
      self: topic,
      hub: hub.hubUrl,
      entries: [
        {
          id: 'https://embassy.example/2',
          title: 'Russia and Ukraine agree to resume peace talks in Istanbul next week',
          summary: 'Delegations will meet for a new round of negotiations on a ceasefire.',
          published: published.toISOString(),
        },
      ],
    });
    const [delivery] = await hub.publish(topic, xml);
    expect(delivery?.status).toBe(202);
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1);
    const payload = received[0]!.body;
    expect(payload).toMatchObject({ type: 'story.alert', fetchedBy: 'push' });
    expect(Date.parse(String(payload.publishedAt))).toBe(Math.floor(published.getTime() / 1000) * 1000);
    expect(events.some((e) => e.type === 'feed-polled' && e.via === 'push')).toBe(true);
  });

  it('refuses a forged push and alerts nobody', async () => {
    const xml = atomFeed({
      self: topic,
      hub: hub.hubUrl,
      entries: [
        {
          id: 'https://embassy.example/3',
          title: 'Forged: Security Council emergency meeting called',
          published: new Date().toISOString(),
        },
      ],
    });
    const [forged] = await hub.publish(topic, xml, { sign: 'wrong' });
    expect(forged?.status).toBe(403);
    await runtime.waitForIdle({ timeoutMs: 10_000, includeNotVisible: true });
    expect(received).toHaveLength(1);
    expect(events.filter((e) => e.type === 'websub' && e.action === 'push-refused')).toHaveLength(1);
  });
});
