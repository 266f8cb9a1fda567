import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles, type RunningServer } from '../../cli/demo/fixture-servers.ts';
import { createEventCounter } from '../../cli/event-printer.ts';
import { makeAllFeedsDue } from '../../cli/poll-all-now.ts';
import { localCredentials, localRegion } from '../../infra/local/engines.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { builtinTopics } from '../../shared/classify/index.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { configFileSchema } from '../../shared/config/config-file.ts';
import { silentLog } from '../../shared/core/logger.ts';

/**
 * The whole pipeline in one process, over fixture feeds served on 127.0.0.1: the real handlers,
 * embedded DynamoDB and SQS, a real webhook receiver, the outbox folder.
 */

const secret = `whsec_${Buffer.from('end-to-end test signing secret').toString('base64')}`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver; `/flaky` answers 500 to the first request of each webhook-id. */
async function startReceiver(): Promise<RunningServer & { received: Received[] }> {
  const received: Received[] = [];
  const failedOnce = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      let status = 204;
      if (request.url === '/flaky' && !failedOnce.has(id)) {
        failedOnce.add(id);
        status = 500;
      }
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString(), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the pipeline end to end (one process)', () => {
  let dataDir: string;
  let feeds: RunningServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let runtime: LocalRuntime;
  const counter = createEventCounter();

  async function start(): Promise<LocalRuntime> {
    const started = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      log: silentLog,
      events: counter.sink,
      mailTransport: 'outbox',
      mailFrom: 'alerts@example.org',
      publicBaseUrl: 'http://localhost:3000',
      allowPrivateNetwork: true,
      schedules: false,
      // Short visibility timeout so retries and the DLQ happen within the test.
      visibilityTimeoutSeconds: 1,
    });
    const config = configFileSchema.parse({
      feeds: demoFeedFiles.map((file) => ({ id: file.replace('.xml', ''), url: `${feeds.url}/${file}` })),
      subscribers: [
        {
          id: 'analyst',
          email: 'analyst@example.org',
          webhooks: [{ url: `${receiver.url}/hooks` }],
          webhookSecret: secret,
          topics: ['un-meeting', 'talks', 'sanctions'],
        },
        { id: 'flaky-team', webhooks: [{ url: `${receiver.url}/flaky` }], webhookSecret: secret, topics: ['sanctions'] },
      ],
    });
    await applyConfig(
      config,
      started.deps,
      builtinTopics.map((t) => t.id),
    );
    return started;
  }

  async function pollEverything(): Promise<void> {
    await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
    await runtime.runSchedule('plan-polls');
    await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });
  }

  const outboxFiles = async () => (await readdir(join(dataDir, 'outbox')).catch(() => [] as string[])).sort();
  const hooks = () => receiver.received.filter((r) => r.path === '/hooks');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-e2e-'));
    feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
    receiver = await startReceiver();
    runtime = await start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await Promise.all([feeds?.close(), receiver?.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('polls every feed and alerts on the seed stories, not on the off-topic items', async () => {
    await pollEverything();
    const { counts } = counter;
    expect(counts.feeds.polled).toBe(3);
    expect(counts.feeds.errors).toEqual([]);
    expect(counts.items.new).toBe(12);
    const alerted = counts.alerts.titles.map((a) => a.title);
    expect(alerted).toContain('Russia Requests UN Security Council Meeting Over ‘European Threats to Peace’ in Ukraine');
    expect(alerted).toContain('Moscow Rejects Ukraine Proposal for UN-Mediated Peace Talks');
    expect(alerted).toContain('EU Adopts New Sanctions Package Against Russia Targeting Shadow Fleet Tankers');
    for (const offTopic of ['UEFA Sanctions', 'Merger Talks', 'Metro', 'Bolshoi', 'City Council', 'Model UN']) {
      expect(alerted.some((title) => title.includes(offTopic))).toBe(false);
    }
    const byTitle = new Map(counts.alerts.titles.map((a) => [a.title, a.topics]));
    expect(byTitle.get('Russia Requests UN Security Council Meeting Over ‘European Threats to Peace’ in Ukraine')).toContain('un-meeting');
    expect(byTitle.get('Russia and Ukraine Prepare for New Peace Talks Amid Growing Tensions')).toContain('talks');
  });

  it('delivers one signed webhook per alert, verifiable with the standardwebhooks library', () => {
    const alerts = counter.counts.alerts.total;
    expect(hooks()).toHaveLength(alerts);
    const verifier = new Webhook(secret);
    const ids = new Set<string>();
    for (const hook of hooks()) {
      const headers = {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      };
      const payload = verifier.verify(hook.body, headers) as { version: number; topics: unknown[] };
      expect(payload.version).toBe(1);
      expect(payload.topics.length).toBeGreaterThan(0);
      ids.add(headers['webhook-id']);
    }
    expect(ids.size).toBe(alerts);
  });

  it('writes one email per alert to the outbox, as .eml with a viewable .html', async () => {
    const files = await outboxFiles();
    const emls = files.filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(counter.counts.alerts.total);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(emls.length);
    const eml = await readFile(join(dataDir, 'outbox', emls[0]!), 'utf8');
    expect(eml).toMatch(/^To: analyst@example\.org$/m);
    expect(eml).toMatch(/Content-Type: text\/plain/);
    expect(eml).toMatch(/Content-Type: text\/html/);
  });

  it("retries a failed webhook delivery alone: the receiver's 500 is followed by one success", () => {
    const flaky = receiver.received.filter((r) => r.path === '/flaky');
    const sanctionsAlerts = counter.counts.alerts.titles.filter((a) => a.topics.includes('sanctions')).length;
    expect(sanctionsAlerts).toBeGreaterThan(0);
    expect(flaky.filter((r) => r.status === 500)).toHaveLength(sanctionsAlerts);
    expect(flaky.filter((r) => r.status === 204)).toHaveLength(sanctionsAlerts);
    // The healthy endpoint's deliveries were not retried along with the failed ones.
    expect(new Set(hooks().map((h) => h.headers['webhook-id'])).size).toBe(hooks().length);
  });

  it('delivers nothing on a second poll of the same feeds', async () => {
    const before = { hooks: receiver.received.length, files: (await outboxFiles()).length, alerts: counter.counts.alerts.total };
    await pollEverything();
    expect(counter.counts.alerts.total).toBe(before.alerts);
    expect(receiver.received.length).toBe(before.hooks);
    expect((await outboxFiles()).length).toBe(before.files);
    expect(counter.counts.items.duplicates).toBeGreaterThanOrEqual(12);
  });

  it('still delivers nothing after a restart on the same data folder', async () => {
    const before = { hooks: receiver.received.length, files: (await outboxFiles()).length };
    await runtime.stop();
    runtime = await start();
    await pollEverything();
    expect(receiver.received.length).toBe(before.hooks);
    expect((await outboxFiles()).length).toBe(before.files);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount, without blocking others', async () => {
    const queueUrl = runtime.env.QUEUE_WEBHOOK_URL;
    const sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"not":"a delivery"}' }));
    await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });
    const depths = await runtime.queueDepths();
    expect(depths.webhook.deadLetters.visible).toBe(1);
    expect(depths.webhook.visible + depths.webhook.notVisible).toBe(0);
    const [dead] = await runtime.receiveDlq('webhook');
    expect(dead?.body).toBe('{"not":"a delivery"}');
    sqs.destroy();
  });

  it('serves the HTTP API on localhost', async () => {
    const health = await fetch(`${runtime.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ feeds: { total: 3 } });
    const topics = (await (await fetch(`${runtime.apiUrl}/topics`)).json()) as { topics: { id: string }[] };
    expect(topics.topics.map((t) => t.id)).toEqual(expect.arrayContaining(['un-meeting', 'talks', 'sanctions']));
  });
});
