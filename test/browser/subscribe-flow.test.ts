import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles, type RunningServer } from '../../cli/demo/fixture-servers.ts';
import { createEventCounter } from '../../cli/event-printer.ts';
import { makeAllFeedsDue } from '../../cli/poll-all-now.ts';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { builtinTopics } from '../../shared/classify/index.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { configFileSchema } from '../../shared/config/config-file.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { linkTo, readOutbox, type OutboxEmail } from '../integration/api/outbox.ts';
import { chromiumPath, launchChromium, missingChromiumMessage, type Browser } from './chromium.ts';

/**
 * A person subscribes in a real browser (Debian's Chromium, JavaScript off), follows the link of
 * the captured confirmation email, changes topics on the manage page, receives an alert from the
 * pipeline, and unsubscribes from that email's link. Every page is saved as a screenshot in
 * test-artifacts/screenshots/.
 */

const screenshots = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');
const address = 'maria@example.org';

if (!chromiumPath) console.warn(`browser tests ${missingChromiumMessage}`);

// A real browser and the whole pipeline: generous per-test time on a busy machine (nothing asserts timings).
describe.skipIf(!chromiumPath)(
  `subscribing in a browser${chromiumPath ? '' : ` (${missingChromiumMessage})`}`,
  { timeout: 120_000 },
  () => {
    let dataDir: string;
    let feeds: RunningServer;
    let runtime: LocalRuntime;
    let browser: Browser;
    let page: Page;
    const counter = createEventCounter();
    /** What went wrong loading pages: CSP violations, failed or missing subresources. */
    const loadProblems: string[] = [];

    const outbox = () => readOutbox(join(dataDir, 'outbox'));
    const mailTo = async (subject: RegExp): Promise<OutboxEmail[]> =>
      (await outbox()).filter((m) => m.to === address && subject.test(m.subject));

    async function shoot(name: string, target: Page = page): Promise<void> {
      await target.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    }

    /** The pages' stylesheet applied (served, and allowed by the CSP). */
    async function expectStyled(target: Page = page): Promise<void> {
      expect(await target.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 249)');
    }

    beforeAll(async () => {
      await mkdir(screenshots, { recursive: true });
      dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-browser-'));
      feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
      runtime = await startLocalRuntime({
        dataDir,
        apiPort: 0,
        log: silentLog,
        events: counter.sink,
        mailTransport: 'outbox',
        mailFrom: 'News Alerts <alerts@example.org>',
        allowPrivateNetwork: true,
        schedules: false,
      });
      const config = configFileSchema.parse({
        feeds: demoFeedFiles.map((file) => ({ id: file.replace('.xml', ''), url: `${feeds.url}/${file}` })),
      });
      await applyConfig(
        config,
        runtime.deps,
        builtinTopics.map((t) => t.id),
      );
      // No script on any page: the whole flow runs with JavaScript off (page.evaluate still works).
      browser = await launchChromium({ javaScriptEnabled: false });
      // A step that cannot happen fails within seconds, naming the locator, instead of hanging.
      browser.context.setDefaultTimeout(10_000);
      page = await browser.context.newPage();
      browser.context.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) loadProblems.push(message.text());
      });
      browser.context.on('requestfailed', (request) => loadProblems.push(`${request.url()}: ${request.failure()?.errorText}`));
      browser.context.on('response', (response) => {
        // Pages may answer 4xx on purpose (a form with errors); their stylesheet and icons must not.
        if (response.request().resourceType() !== 'document' && response.status() >= 400)
          loadProblems.push(`${response.url()}: HTTP ${response.status()}`);
      });
    });

    afterAll(async () => {
      await browser?.close();
      await runtime?.stop();
      await feeds?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('subscribes from the form, by keyboard, after fixing what the form points out', async () => {
      await page.goto(`${runtime.apiUrl}/`);
      await expectStyled();
      await expect(page.title()).resolves.toBe('Subscribe · News Alerts');
      await shoot('01-subscribe');

      const phone = await browser.context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${runtime.apiUrl}/`);
      // Readable on a phone: nothing wider than the screen.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shoot('01-subscribe-phone', phone);
      // The system's dark scheme gets the dark palette.
      await phone.emulateMedia({ colorScheme: 'dark' });
      expect(await phone.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 19, 23)');
      await shoot('01-subscribe-phone-dark', phone);
      await phone.close();

      // The email field is reached with Tab (after the skip link and the header link) and filled by typing.
      for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
      await page.keyboard.type(address);
      // Sent without a topic: the form says so, next to the field, and keeps the address.
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await expect(page.title()).resolves.toBe('Error: Subscribe · News Alerts');
      expect(await page.getByRole('alert').textContent()).toContain('Choose at least one topic');
      expect(await page.getByLabel('Email address').inputValue()).toBe(address);
      await shoot('02-subscribe-errors');

      // Topics are checkboxes with labels; Space toggles the focused one.
      await page.getByLabel('Sanctions').focus();
      await page.keyboard.press('Space');
      expect(await page.getByLabel('Sanctions').isChecked()).toBe(true);
      await page.getByLabel('Daily').check();
      await page.getByLabel('Hour', { exact: true }).selectOption('7');
      await page.getByLabel('Time zone').selectOption('Europe/Kyiv');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await expect(page.title()).resolves.toBe('Check your inbox · News Alerts');
      expect(page.url()).toBe(`${runtime.apiUrl}/check-inbox`);
      await shoot('03-check-inbox');
    });

    it('confirms from the link in the captured email', async () => {
      const [confirmation] = await mailTo(/^Confirm your news alerts subscription$/);
      expect(confirmation).toBeDefined();
      expect(confirmation!.html).toContain('Sanctions');
      expect(confirmation!.html).toContain('a daily digest at 07:00 (Europe/Kyiv)');
      await page.goto(pathToFileURL(confirmation!.file.replace(/\.eml$/, '.html')).href);
      await shoot('04-confirmation-email');

      // Opening the link changes nothing (mail scanners open links); the button confirms.
      await page.goto(linkTo(confirmation!, '/confirm'));
      await expectStyled();
      expect(await page.locator('dl.summary').textContent()).toContain(address);
      // Nothing is subscribed yet: the request waits beside the subscriptions until confirmed.
      expect(
        (await runtime.deps.subscriptions.listSubscribers()).find((s) =>
          s.channels.some((c) => c.kind === 'email' && c.address === address),
        ),
      ).toBeUndefined();
      await shoot('05-confirm');
      await page.getByRole('button', { name: 'Confirm subscription' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('You are subscribed');
      await shoot('06-confirmed');
      expect(
        (await runtime.deps.subscriptions.listSubscribers()).find((s) =>
          s.channels.some((c) => c.kind === 'email' && c.address === address),
        )?.state,
      ).toBe('active');
    });

    it('changes topics and cadence on the manage page', async () => {
      await page.getByRole('link', { name: 'Manage your subscription' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Manage your subscription');
      expect(await page.getByLabel('Sanctions').isChecked()).toBe(true);
      expect(await page.getByLabel('Daily').isChecked()).toBe(true);
      await shoot('07-manage');

      await page.getByLabel('Sanctions').uncheck();
      await page.getByLabel('Diplomatic talks').check();
      await page.getByLabel('UN meeting').check();
      await page.getByLabel('Instant').check();
      await page.getByRole('button', { name: 'Save changes' }).click();
      expect(await page.getByRole('status').textContent()).toContain('Your changes are saved.');
      expect(await page.getByLabel('Sanctions').isChecked()).toBe(false);
      expect(await page.getByLabel('Diplomatic talks').isChecked()).toBe(true);
      expect(await page.getByLabel('Instant').isChecked()).toBe(true);
      await shoot('08-manage-saved');
    });

    it('receives an alert on the chosen topics only', async () => {
      await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
      await runtime.runSchedule('plan-polls');
      await runtime.waitForIdle({ timeoutMs: 60_000 });

      const wanted = counter.counts.alerts.titles.filter((a) => a.topics.includes('talks') || a.topics.includes('un-meeting'));
      expect(wanted.length).toBeGreaterThan(0);
      const alerts = (await outbox()).filter((m) => m.to === address && m.subject.startsWith('[news-alerts]'));
      expect(alerts).toHaveLength(wanted.length);
      const sanctionsOnly = counter.counts.alerts.titles.filter((a) => a.topics.length === 1 && a.topics[0] === 'sanctions');
      expect(sanctionsOnly.length).toBeGreaterThan(0);
      for (const alert of sanctionsOnly) expect(alerts.some((m) => m.html.includes(alert.title))).toBe(false);

      // Every email carries a "manage" link that asks for a fresh manage link by email (alerts
      // get forwarded); the emailed link opens this subscriber's manage page.
      for (const alert of alerts) linkTo(alert, '/manage/link');
      await page.goto(pathToFileURL(alerts[0]!.file.replace(/\.eml$/, '.html')).href);
      await shoot('09-alert-email');
      await page.goto(linkTo(alerts[0]!, '/manage/link'));
      await expectStyled();
      await shoot('09b-manage-link');
      await page.getByRole('button', { name: 'Email me a manage link' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Check your inbox');
      const [fresh] = await mailTo(/^Your link to manage news alerts$/);
      await page.goto(linkTo(fresh!, '/manage'));
      expect(await page.getByLabel('Diplomatic talks').isChecked()).toBe(true);
    });

    it('unsubscribes from the link in the alert email', async () => {
      const [alert] = (await outbox()).filter((m) => m.to === address && m.subject.startsWith('[news-alerts]'));
      await page.goto(linkTo(alert!, '/unsubscribe'));
      await expectStyled();
      await shoot('10-unsubscribe');
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('You are unsubscribed');
      await shoot('11-unsubscribed');

      const subscriber = (await runtime.deps.subscriptions.listSubscribers()).find((s) =>
        s.channels.some((c) => c.kind === 'email' && c.address === address),
      );
      expect(subscriber?.channelStatus?.email?.state ?? subscriber?.state).toBe('unsubscribed');
      // The unsubscribe revoked the emailed manage link: it no longer opens the manage page.
      const [fresh] = await mailTo(/^Your link to manage news alerts$/);
      await page.goto(linkTo(fresh!, '/manage'));
      await expect(page.locator('h1').textContent()).resolves.toBe('This link is not valid');
      await shoot('12-manage-after-unsubscribe');
    });

    it('shows the operator the status page behind the admin token', async () => {
      const status = await browser.context.newPage();
      // Without the token the page answers 401 with a Basic challenge (see test/integration/api/pages.test.ts).
      await status.setExtraHTTPHeaders({
        authorization: `Basic ${Buffer.from(`operator:${runtime.secrets.admin.current}`).toString('base64')}`,
      });
      const response = await status.goto(`${runtime.apiUrl}/status`);
      expect(response?.status()).toBe(200);
      await expectStyled(status);
      expect(await status.locator('#feeds ~ .card').first().locator('table tbody tr').count()).toBe(demoFeedFiles.length);
      expect(await status.locator('.stories li').count()).toBeGreaterThan(0);
      await shoot('13-status', status);
      await status.close();
    });

    it('loaded every page whole: no CSP violation, no failed or missing subresource', () => {
      expect(loadProblems).toEqual([]);
    });
  },
);
