import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles, type RunningServer } from '../../cli/demo/fixture-servers.ts';
import { main } from '../../cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';

describe('news-alerts run --once and demo (the CLI over the real pipeline)', () => {
  let dir: string;
  let feeds: RunningServer;
  const previous = process.env.ALLOW_PRIVATE_NETWORK;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-cli-'));
    feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
    process.env.ALLOW_PRIVATE_NETWORK = 'true'; // the fixture feeds are on 127.0.0.1
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env.ALLOW_PRIVATE_NETWORK;
    else process.env.ALLOW_PRIVATE_NETWORK = previous;
    await feeds?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a line per feed poll and each alert, and reports an unreachable feed once', async () => {
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'feeds:',
        `  - { id: wire, url: "${feeds.url}/world-wire.xml" }`,
        '  - { id: gone, url: "http://127.0.0.1:9/feed.xml" }',
        'subscribers:',
        '  - { id: reader, email: reader@example.org, topics: [talks, sanctions] }',
      ].join('\n'),
    );
    const { io, out } = captureIo();
    const code = await main(['run', '--once', '--config', config, '--data-dir', join(dir, 'data'), '--port', '0'], io);
    expect(code).toBe(0);
    const text = out();
    expect(text).toMatch(/^poll {4}wire: 5 items, 5 new, 0 already seen$/m);
    expect(text.match(/^poll {4}gone: cannot poll: .*$/gm)).toHaveLength(1);
    expect(text).toMatch(/^ALERT {3}\[talks [0-9.]+\] Moscow Rejects Ukraine Proposal for UN-Mediated Peace Talks/m);
    expect(text).toMatch(/^ {8}matched talks: /m);
    expect(text).toMatch(/^sent {4}email to reader/m);
    expect(text).toMatch(/^done: 2 feeds polled \(1 failed\), 3 alerts$/m);
    expect(text).not.toMatch(/for a retry/);
  }, 90_000);

  it('says how many messages a failed delivery left waiting for their retry', async () => {
    // A webhook receiver that is down: each delivery fails retryably and waits out its visibility timeout.
    const receiver = createServer((_request, response) => response.writeHead(503).end('down'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const config = join(dir, 'config-down.yaml');
      await writeFile(
        config,
        [
          'feeds:',
          `  - { id: wire, url: "${feeds.url}/world-wire.xml" }`,
          'subscribers:',
          '  - id: desk',
          '    topics: [talks]',
          '    webhooks:',
          `      - url: http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
          '    webhookSecret: whsec_Wgz0XcshPQZPY2/V/ftgGOg99EV3IgaA',
        ].join('\n'),
      );
      const { io, out } = captureIo();
      const code = await main(['run', '--once', '--config', config, '--data-dir', join(dir, 'data-down'), '--port', '0'], io);
      expect(code).toBe(0);
      expect(out()).toMatch(
        /^ {2}2 messages wait for a retry after a failure \(kept in .*data-down: the next run, or npm start, takes them up\)$/m,
      );
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 90_000);

  it('demo prints its summary as JSON, and delivers nothing on a second run', async () => {
    const dataDir = join(dir, 'demo');
    const first = captureIo();
    expect(await main(['demo', '--json', '--data-dir', dataDir], first.io)).toBe(0);
    const summary = JSON.parse(first.out()) as {
      alerts: { total: number; byTopic: Record<string, number> };
      deliveries: { webhook: { delivered: number }; email: { delivered: number } };
    };
    expect(summary.alerts.total).toBeGreaterThanOrEqual(5);
    expect(Object.keys(summary.alerts.byTopic).sort()).toEqual(['sanctions', 'talks', 'un-meeting']);
    expect(summary.deliveries.webhook.delivered).toBe(summary.alerts.total);
    expect(summary.deliveries.email.delivered).toBe(summary.alerts.total);

    const second = captureIo();
    expect(await main(['demo', '--json', '--data-dir', dataDir], second.io)).toBe(0);
    const again = JSON.parse(second.out()) as typeof summary & { items: { new: number; duplicates: number } };
    expect(again.alerts.total).toBe(0);
    expect(again.items.new).toBe(0);
    expect(again.deliveries.webhook.delivered + again.deliveries.email.delivered).toBe(0);
  }, 90_000);
});
