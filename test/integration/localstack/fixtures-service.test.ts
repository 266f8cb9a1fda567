import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookIntent } from '../../../shared/subscriptions/webhook-challenge.ts';
import { demoFeedsDir } from '../../../cli/demo/fixture-servers.ts';
import { parseFeed } from '../../../shared/feeds/parse-feed.ts';

/**
 * The fixture service compose.yaml runs for the LocalStack smoke test
 * (`scripts/localstack-fixtures.mjs`), run here as compose runs it: plain Node, the demo feeds
 * as FEEDS_DIR. Our own feed parser and webhook intent verification talk to it.
 */

const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'localstack-fixtures.mjs');

let child: ChildProcess;
let base: string;

beforeAll(async () => {
  child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FEEDS_DIR: demoFeedsDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  base = /listening on (http:\/\/\S+)/.exec(line)![1]!;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

beforeEach(async () => {
  await fetch(`${base}/received`, { method: 'DELETE' });
});

interface Received {
  feeds: Record<string, number>;
  hooks: Record<string, { headers: Record<string, string>; body: string }[]>;
  challenges: number;
  publishedAt?: string;
}

async function received(): Promise<Received> {
  return (await (await fetch(`${base}/received`)).json()) as Received;
}

describe('LocalStack fixture service', () => {
  it('serves the demo feeds, counted, and adds the late item once published', async () => {
    // Act
    const before = await parseFeed(await (await fetch(`${base}/feeds/world-wire.xml`)).text(), `${base}/feeds/world-wire.xml`);
    const publish = (await (await fetch(`${base}/control/publish`, { method: 'POST' })).json()) as { title: string };
    const after = await parseFeed(await (await fetch(`${base}/feeds/world-wire.xml`)).text(), `${base}/feeds/world-wire.xml`);
    const missing = await fetch(`${base}/feeds/../package.json`);

    // Assess
    expect(before.entries.length).toBeGreaterThan(3);
    expect(after.entries).toHaveLength(before.entries.length + 1);
    expect(after.entries.map((entry) => entry.title)).toContain(publish.title);
    expect(missing.status).toBe(404);
    expect((await received()).feeds).toEqual({ 'world-wire.xml': 2 });
  });

  it('passes our webhook intent verification and keeps the posts that follow, with their signature headers', async () => {
    // Act
    await verifyWebhookIntent(`${base}/hooks/desk`, { fetch: globalThis.fetch, allowPrivateNetwork: true });
    const post = await fetch(`${base}/hooks/desk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': '1700000000',
        'webhook-signature': 'v1,abc',
      },
      body: '{"version":1,"type":"story.alert"}',
    });

    // Assess
    expect(post.status).toBe(204);
    const state = await received();
    expect(state.challenges).toBe(1);
    expect(state.hooks.desk).toEqual([
      {
        headers: expect.objectContaining({
          'content-type': 'application/json',
          'webhook-id': 'msg_1',
          'webhook-timestamp': '1700000000',
          'webhook-signature': 'v1,abc',
        }),
        body: '{"version":1,"type":"story.alert"}',
        receivedAt: expect.any(String),
      },
    ]);
  });

  it('forgets everything, the late item included, on DELETE /received', async () => {
    await fetch(`${base}/control/publish`, { method: 'POST' });
    await fetch(`${base}/hooks/desk`, { method: 'POST', body: '{}' });

    await fetch(`${base}/received`, { method: 'DELETE' });

    expect(await received()).toEqual({ feeds: {}, hooks: {}, challenges: 0 });
  });
});
