import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/http-api/handler.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from '../../../infra/local/api-server.ts';
import { localCredentials, localRegion } from '../../../infra/local/engines.ts';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/runtime.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import { sendJson } from './api-harness.ts';
import { createStaticSecretSource } from '../../../shared/parameters/secret-source.ts';

/**
 * `POST /api/admin/redrive` against the one-process runtime: a poll message sitting in the poll
 * queue's DLQ goes back to the poll queue and is processed (the feed is fetched); and the
 * endpoint's refusals (unknown queue, bad token, no admin token).
 */
describe('POST /api/admin/redrive', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let sqs: SQSClient;
  let feedServer: Server;
  let feedUrl: string;
  const feedRequests: string[] = [];
  const extraServers: ApiServer[] = [];
  let admin: Record<string, string>;

  beforeAll(async () => {
    feedServer = createServer((request, response) => {
      feedRequests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      response.end(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Redriven</title><link>http://example.org/</link><description>d</description></channel></rss>',
      );
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.xml`;
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-redrive-'));
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      inMemory: true,
      log: silentLog,
      schedules: false,
      mailTransport: 'outbox',
      visibilityTimeoutSeconds: 2,
      envOverrides: { ALLOW_PRIVATE_NETWORK: 'true' },
    });
    sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });
    admin = { authorization: `Bearer ${runtime.secrets.admin.current}` };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(extraServers.map((server) => server.close()));
    await runtime?.stop();
    sqs?.destroy();
    await new Promise((resolve) => feedServer?.close(resolve));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function deadLetterCount(): Promise<number> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: runtime.queues.poll.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0);
  }

  it('moves a dead letter back to its queue, where it is processed', async () => {
    const now = new Date();
    await runtime.deps.feeds.upsertFeed({ feedId: 'redriven', url: feedUrl, intervalMinutes: 60 }, now);
    // A poll message dead-lettered earlier (while the feed's host was down, say).
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: runtime.queues.poll.dlqUrl,
        MessageBody: JSON.stringify({ feedId: 'redriven', plannedAt: now.toISOString() }),
      }),
    );
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });
    expect(feedRequests).toEqual([]);
    expect(await deadLetterCount()).toBe(1);

    const response = await sendJson(`${runtime.apiUrl}/api/admin/redrive`, 'POST', { queue: 'poll' }, admin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queue: 'poll', moved: 1, method: 'move-loop' });
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    expect(feedRequests).toEqual(['/feed.xml']);
    expect((await runtime.deps.feeds.getFeed('redriven'))?.lastSuccessAt).toBeDefined();
    expect(await deadLetterCount()).toBe(0);
  }, 60_000);

  it('answers moved 0 when the dead-letter queue is empty', async () => {
    const response = await sendJson(`${runtime.apiUrl}/api/admin/redrive`, 'POST', { queue: 'webhook' }, admin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queue: 'webhook', moved: 0, method: 'move-loop' });
  });

  it('refuses an unknown queue or a body without one: 400 problem+json', async () => {
    for (const body of [{ queue: 'nope' }, {}, { queue: 'poll', extra: 1 }]) {
      const response = await sendJson(`${runtime.apiUrl}/api/admin/redrive`, 'POST', body, admin);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:news-alerts:problem:unknown-queue');
      expect(problem.detail).toContain('poll, items, alert, webhook, email');
    }
    const badJson = await sendJson(`${runtime.apiUrl}/api/admin/redrive`, 'POST', '{"queue":', admin);
    expect(badJson.status).toBe(400);
  });

  it('needs the admin token: 401 without it or with a wrong one', async () => {
    expect((await sendJson(`${runtime.apiUrl}/api/admin/redrive`, 'POST', { queue: 'poll' })).status).toBe(401);
    const wrong = await sendJson(
      `${runtime.apiUrl}/api/admin/redrive`,
      'POST',
      { queue: 'poll' },
      { authorization: 'Bearer wrong-token-wrong-token-wrong' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('is off (404) when the deployment has no admin token', async () => {
    const { admin: _unused, ...others } = runtime.secrets;
    const handler = createHandler({ ...runtime.deps, secrets: createStaticSecretSource(others) }) as unknown as FunctionUrlHandler;
    const server = await startApiServer({ handler, log: silentLog, port: 0 });
    extraServers.push(server);
    const response = await sendJson(`${server.url}/api/admin/redrive`, 'POST', { queue: 'poll' }, admin);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toContain('ADMIN_TOKEN');
  });
});
