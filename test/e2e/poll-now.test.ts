/**
 * "Poll now": `news-alerts feeds poll ID|--all --api URL` on a running one-process pipeline,
 * through `POST /api/admin/feeds/{id}/poll` with the operator's token read from its data folder;
 * and on a stopped data folder, the feed made due at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { runCli } from '../helpers/capture-io.ts';

describe('news-alerts feeds poll', () => {
  let dir: string;
  let feedServer: Server;
  let feedOrigin: string;
  const fetched: string[] = [];
  let runtime: LocalRuntime | undefined;
  const previousAllow = process.env.ALLOW_PRIVATE_NETWORK;

  beforeAll(async () => {
    process.env.ALLOW_PRIVATE_NETWORK = 'true'; // the feeds are on 127.0.0.1
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-poll-now-'));
    feedServer = createServer((request, response) => {
      fetched.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      response.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Now</title><link>http://example.org/</link></channel></rss>');
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    feedOrigin = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (previousAllow === undefined) delete process.env.ALLOW_PRIVATE_NETWORK;
    else process.env.ALLOW_PRIVATE_NETWORK = previousAllow;
    await runtime?.stop();
    await new Promise((resolve) => feedServer?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('on a stopped data folder makes the feed due at once', async () => {
    const dataDir = join(dir, 'data');
    expect((await runCli(['feeds', 'add', 'wire', `${feedOrigin}/wire.xml`, '--data-dir', dataDir])).code).toBe(0);
    expect((await runCli(['feeds', 'add', 'desk', `${feedOrigin}/desk.xml`, '--interval', '60', '--data-dir', dataDir])).code).toBe(0);
    const polled = await runCli(['feeds', 'poll', 'wire', '--data-dir', dataDir, '--json']);
    expect(polled).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(polled.out)).toEqual({ due: ['wire'], target: `data folder ${dataDir}` });
    expect(await runCli(['feeds', 'poll', 'nope', '--data-dir', dataDir])).toMatchObject({ code: 1 });
    expect((await runCli(['feeds', 'poll', '--data-dir', dataDir])).code).toBe(2);
  });

  it('on a running pipeline polls the feed now through the admin API, and --all every feed', async () => {
    const dataDir = join(dir, 'data');
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      log: silentLog,
      schedules: false,
      mailTransport: 'outbox',
      envOverrides: { ALLOW_PRIVATE_NETWORK: 'true' },
    });
    fetched.length = 0;

    const one = await runCli(['feeds', 'poll', 'wire', '--api', runtime.apiUrl, '--data-dir', dataDir]);
    expect(one, one.err).toMatchObject({ code: 0, err: '' });
    expect(one.out).toContain(`poll queued now for wire on ${runtime.apiUrl}`);
    await runtime.waitForIdle();
    expect(fetched).toEqual(['/wire.xml']);
    expect((await runtime.deps.feeds.getFeed('wire'))?.lastSuccessAt).toBeDefined();

    const all = await runCli(['feeds', 'poll', '--all', '--api', runtime.apiUrl, '--data-dir', dataDir, '--json']);
    expect(JSON.parse(all.out)).toEqual({ queued: ['desk', 'wire'], api: runtime.apiUrl.replace(/\/+$/, '') });
    await runtime.waitForIdle();
    expect(fetched.slice(1).sort()).toEqual(['/desk.xml', '/wire.xml']);

    const unknown = await runCli(['feeds', 'poll', 'nope', '--api', runtime.apiUrl, '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('the pipeline refused: HTTP 404, no feed "nope"');
    const previous = process.env.NEWS_ALERTS_ADMIN_TOKEN;
    process.env.NEWS_ALERTS_ADMIN_TOKEN = 'wrong';
    try {
      const refused = await runCli(['feeds', 'poll', 'wire', '--api', runtime.apiUrl]);
      expect(refused.err).toContain('the pipeline refused: HTTP 401');
    } finally {
      if (previous === undefined) delete process.env.NEWS_ALERTS_ADMIN_TOKEN;
      else process.env.NEWS_ALERTS_ADMIN_TOKEN = previous;
    }
  });
});
