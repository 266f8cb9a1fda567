import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: no browser download, ever. CHROMIUM_PATH picks
 * another binary (and only it); without one the browser tests skip and say why.
 */
export const chromiumPath: string | undefined = (
  process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']
).find((path) => existsSync(path));

export const missingChromiumMessage =
  'skipped: no Chromium found (looked at $CHROMIUM_PATH, else /usr/bin/chromium and /usr/bin/chromium-browser); install it with `apt-get install -y chromium`';

/** Headless, no sandbox (containers), nothing phoning home, a fresh profile that is removed on close. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data dir; `javaScriptEnabled: false` proves pages need no script. */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  if (!chromiumPath) throw new Error(missingChromiumMessage);
  const userDataDir = await mkdtemp(join(tmpdir(), 'news-alerts-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1024, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
