import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { chromiumPath, launchChromium, missingChromiumMessage, type Browser } from './chromium.ts';

/**
 * The operator's /status page at a laptop's width (1200 px): the feeds table, with the shipped
 * config's real feed URLs and a long error, fits inside its card, so the Next poll and Errors
 * columns are on screen rather than cut off.
 */
describe.skipIf(!chromiumPath)(
  `the status page at 1200 px${chromiumPath ? '' : ` (${missingChromiumMessage})`}`,
  { timeout: 120_000 },
  () => {
    let runtime: LocalRuntime;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      runtime = await startLocalRuntime({ dataDir: 'unused', inMemory: true, apiPort: 0, log: silentLog, schedules: false });
      const config = parse(await readFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'), 'utf8')) as {
        feeds: { id: string; url: string; title?: string }[];
      };
      const now = runtime.deps.clock.now();
      for (const feed of config.feeds) {
        await runtime.deps.feeds.upsertFeed({ feedId: feed.id, url: feed.url, title: feed.title, intervalMinutes: 10 }, now);
      }
      const first = config.feeds[0]!;
      await runtime.deps.feeds.recordPollFailure(first.id, {
        at: now.toISOString(),
        error: `feed fetch failed: getaddrinfo EAI_AGAIN news.un.org while resolving the host of the feed (${first.url})`,
        nextPollAt: new Date(now.getTime() + 600_000).toISOString(),
      });
      browser = await launchChromium({ javaScriptEnabled: false });
      page = await browser.context.newPage();
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.setExtraHTTPHeaders({
        authorization: `Basic ${Buffer.from(`operator:${runtime.secrets.admin.current}`).toString('base64')}`,
      });
    });

    afterAll(async () => {
      await browser?.close();
      await runtime?.stop();
    });

    it('keeps every column of the feeds table inside its card', async () => {
      const response = await page.goto(`${runtime.apiUrl}/status`);
      expect(response?.status()).toBe(200);

      const boxes = await page.evaluate(() => {
        const table = document.querySelector('table[aria-labelledby="feeds"]') as HTMLElement;
        const card = table.closest('.card') as HTMLElement;
        const style = getComputedStyle(card);
        const cardBox = card.getBoundingClientRect();
        const headers = [...table.querySelectorAll('thead th')].map((th) => ({
          text: th.textContent,
          right: th.getBoundingClientRect().right,
        }));
        return {
          contentRight: cardBox.right - Number.parseFloat(style.borderRightWidth) - Number.parseFloat(style.paddingRight) + 0.5,
          tableRight: table.getBoundingClientRect().right,
          scrolls: card.scrollWidth > card.clientWidth,
          headers,
        };
      });

      expect(boxes.headers.map((h) => h.text)).toEqual(['Feed', 'Health', 'Last success', 'Interval', 'Next poll', 'Errors', 'Poll']);
      expect(boxes.scrolls).toBe(false);
      expect(boxes.tableRight).toBeLessThanOrEqual(boxes.contentRight);
      for (const header of boxes.headers) expect(header.right, header.text ?? '').toBeLessThanOrEqual(boxes.contentRight);
    });
  },
);
