import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { chromiumPath, launchChromium, missingChromiumMessage, type Browser } from './chromium.ts';

/**
 * "Poll now" on the operator's /status page, in Chromium without script: the button of one feed
 * (and "Poll all now") posts the page's form (HTTP Basic, as the page, and its CSRF token),
 * comes back to the page with a notice, and the running pipeline fetches the feed.
 */
describe.skipIf(!chromiumPath)(
  `the status page's Poll now buttons${chromiumPath ? '' : ` (${missingChromiumMessage})`}`,
  { timeout: 120_000 },
  () => {
    let runtime: LocalRuntime;
    let browser: Browser;
    let page: Page;
    let feedServer: Server;
    const fetched: string[] = [];

    beforeAll(async () => {
      feedServer = createServer((request, response) => {
        fetched.push(request.url ?? '');
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        response.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Now</title><link>http://example.org/</link></channel></rss>');
      });
      await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
      runtime = await startLocalRuntime({
        dataDir: 'unused',
        inMemory: true,
        apiPort: 0,
        log: silentLog,
        schedules: false,
        envOverrides: { ALLOW_PRIVATE_NETWORK: 'true' }, // the feeds are on 127.0.0.1
      });
      // Polled a minute ago, next due in an hour: only the button can make them polled now.
      const now = runtime.deps.clock.now();
      for (const feedId of ['wire', 'desk']) {
        await runtime.deps.feeds.upsertFeed({ feedId, url: `${origin}/${feedId}.xml`, title: `The ${feedId}`, intervalMinutes: 60 }, now);
        await runtime.deps.feeds.claimPoll(feedId, now.toISOString(), new Date(now.getTime() + 3_600_000).toISOString());
      }
      browser = await launchChromium({ javaScriptEnabled: false });
      page = await browser.context.newPage();
      await page.setExtraHTTPHeaders({
        authorization: `Basic ${Buffer.from(`operator:${runtime.secrets.admin.current}`).toString('base64')}`,
      });
    });

    afterAll(async () => {
      await browser?.close();
      await runtime?.stop();
      await new Promise((resolve) => feedServer?.close(resolve));
    });

    it('polls one feed, then every feed, and says so on the page', async () => {
      await page.goto(`${runtime.apiUrl}/status`);
      fetched.length = 0;

      await page
        .getByRole('row', { name: /The wire/ })
        .getByRole('button', { name: 'Poll now' })
        .click();

      await page.waitForURL(/\/status\?polled=wire/);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Poll of wire queued');
      await runtime.waitForIdle();
      expect(fetched).toEqual(['/wire.xml']);
      expect((await runtime.deps.feeds.getFeed('wire'))?.lastSuccessAt).toBeDefined();

      await page.getByRole('button', { name: 'Poll all now' }).click();

      await page.waitForURL(/\/status\?polled=\*/);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Polls queued for every feed');
      await runtime.waitForIdle();
      expect(fetched.slice(1).sort()).toEqual(['/desk.xml', '/wire.xml']);
    });

    it("refuses a post without the page's form token, and one without the operator's credentials", async () => {
      const url = `${runtime.apiUrl}/status/poll`;
      const basic = `Basic ${Buffer.from(`operator:${runtime.secrets.admin.current}`).toString('base64')}`;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      fetched.length = 0;
      expect((await fetch(url, { method: 'POST', headers: { ...form, authorization: basic }, body: 'feed=wire' })).status).toBe(403);
      expect((await fetch(url, { method: 'POST', headers: form, body: 'feed=wire' })).status).toBe(401);
      await runtime.waitForIdle();
      expect(fetched).toEqual([]);
    });
  },
);
