/**
 * `news-alerts parse` and `news-alerts feeds` through `main`, as an operator runs them: parse
 * against a real HTTP server on 127.0.0.1 and files; feeds against a real data folder (dynalite
 * on LevelDB), a folder held by a running pipeline, and a deployed stack (dynalite behind a
 * CloudFormation stand-in that answers DescribeStacks in the documented awsQuery XML).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openLocalData } from '../../../cli/local-data.ts';
import { tableNameOutputKey } from '../../../infra/aws/stack-outputs.ts';
import { createDynamoDbFeedStore } from '../../../shared/store/dynamodb/index.ts';
import { createTables, localCredentials, localRegion, startDynalite, uniquePrefix, type TestDynalite } from '../../helpers/engines.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from './feed-server.ts';
import { runCli } from '../../helpers/capture-io.ts';

const rss1251 = Buffer.concat([
  Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>'),
  Buffer.from([0xcc, 0xe8, 0xf0]), // "Мир" in windows-1251, undeclared: only --content-type tells
  Buffer.from(
    '</title><link>/</link><item><guid>g1</guid><title>One</title><link>/news/1</link><pubDate>Tue, 04 Mar 2025 09:30:00 +0100</pubDate><author>desk@example.org (Desk)</author></item></channel></rss>',
  ),
]);

let server: FeedServer;
let dir: string;

beforeAll(async () => {
  server = await startFeedServer();
  dir = mkdtempSync(join(tmpdir(), 'feeds-cli-'));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.unstubAllEnvs());

describe('news-alerts parse', () => {
  it('fetches a URL and prints the normalized items as JSON', async () => {
    server.routes.set('/moved', (_q, s) => s.writeHead(301, { location: '/feed' }).end());
    server.routes.set('/feed', conditionalRoute(rss1251, { contentType: 'text/xml; charset=windows-1251' }));
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');

    const { code, out, err } = await runCli(['parse', `${server.origin}/moved`, '--json']);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      feed: { title: 'Мир', link: `${server.origin}/` },
      items: [
        {
          id: 'g1',
          title: 'One',
          link: `${server.origin}/news/1`,
          published: '2025-03-04T08:30:00.000Z',
          updated: null,
          summary: '',
          author: 'Desk',
        },
      ],
    });
  });

  it('refuses a loopback URL unless the private network is allowed, as an error JSON with exit 1', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'false');
    const { code, out } = await runCli(['parse', `${server.origin}/feed`]);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      error: { code: 'url-refused', message: `feed URL refused: 127.0.0.1 is a loopback address (${server.origin}/feed)` },
    });
  });

  it('reads a file with --content-type and --base-url, and prints a table without --json', async () => {
    const file = join(dir, 'feed.xml');
    writeFileSync(file, rss1251);
    const { code, out } = await runCli([
      'parse',
      file,
      '--content-type',
      'text/xml; charset=windows-1251',
      '--base-url',
      'https://mir.example/rss',
    ]);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 2)).toEqual(['Мир — https://mir.example/', 'rss2, windows-1251 (from content-type), 1 item']);
    expect(out).toMatch(/2025-03-04 08:30Z\s+One\s+https:\/\/mir\.example\/news\/1/);
  });

  it('names what it got instead of a feed, with a stable code', async () => {
    const file = join(dir, 'page.html');
    writeFileSync(file, '<!doctype html><html><body>Sign in</body></html>');
    const { code, out } = await runCli(['parse', file, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      error: { code: 'not-a-feed:html', message: `feed parse failed: the body is an HTML page, not a feed (${file})` },
    });
    expect(JSON.parse((await runCli(['parse', join(dir, 'missing.xml')])).out).error.code).toBe('file-not-found');
  });

  it('is a usage error (exit 2) without a source or with a relative --base-url', async () => {
    expect((await runCli(['parse'])).code).toBe(2);
    expect((await runCli(['parse', 'x.xml', '--base-url', '/relative'])).code).toBe(2);
  });
});

describe('news-alerts feeds on a data folder', () => {
  it('adds, lists, shows health and removes feeds', async () => {
    const dataDir = join(dir, 'data');
    const added = await runCli([
      'feeds',
      'add',
      'un-news',
      'https://news.un.org/feed/rss.xml',
      '--title',
      'UN News',
      '--data-dir',
      dataDir,
    ]);
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain(`added feed un-news (https://news.un.org/feed/rss.xml) in data folder ${dataDir}`);
    expect(
      (
        await runCli([
          'feeds',
          'add',
          'tass',
          'https://tass.com/rss/v2.xml',
          '--interval',
          '30',
          '--max-interval',
          '120',
          '--id-policy',
          'link',
          '--data-dir',
          dataDir,
        ])
      ).code,
    ).toBe(0);

    // A poll failed meanwhile (recorded as the pipeline would).
    const data = await openLocalData(dataDir, { queues: false });
    const store = createDynamoDbFeedStore({ client: data.documents, tableName: data.tables.feeds });
    await store.recordPollFailure('tass', {
      at: '2030-01-01T00:00:00.000Z',
      error: 'feed fetch failed: HTTP 503 (https://tass.com/rss/v2.xml)',
      nextPollAt: '2030-01-01T01:00:00.000Z',
      backoffMinutes: 60,
      pollIntervalReason: 'backoff',
    });
    await data.close();

    const list = await runCli(['feeds', 'list', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(list.out)).toEqual([
      { feedId: 'tass', url: 'https://tass.com/rss/v2.xml', intervalMinutes: 30, state: 'failing' },
      { feedId: 'un-news', url: 'https://news.un.org/feed/rss.xml', title: 'UN News', intervalMinutes: 10, state: 'never-polled' },
    ]);

    const status = await runCli(['feeds', 'status', 'tass', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(status.out)).toEqual([
      expect.objectContaining({
        feedId: 'tass',
        state: 'failing',
        consecutiveErrors: 1,
        lastError: 'feed fetch failed: HTTP 503 (https://tass.com/rss/v2.xml)',
        lastErrorAt: '2030-01-01T00:00:00.000Z',
        idPolicy: 'link',
        maxIntervalMinutes: 120,
        intervalInUse: { minutes: 60, reason: 'backoff', configuredMinutes: 30, maxIntervalMinutes: 120 },
      }),
    ]);
    const table = await runCli(['feeds', 'status', '--data-dir', dataDir]);
    expect(table.out).toMatch(/^FEED\s+STATE\s+LAST SUCCESS\s+LAST ERROR\s+ITEMS\s+INTERVAL \(WHY\)\s+NEXT POLL/);
    expect(table.out).toMatch(/tass\s+failing×1\s+never\s+2030-01-01 00:00Z \(.*\)\s+0\s+60m backoff\s+2030-01-01 01:00Z/);
    expect(table.out).toMatch(/un-news\s+never-polled\s+never\s+-\s+0\s+10m configured\s/);
    expect(table.out).toContain('  tass: feed fetch failed: HTTP 503 (https://tass.com/rss/v2.xml)');

    // Adding it again resets its health.
    await runCli(['feeds', 'add', 'tass', 'https://tass.com/rss/v2.xml', '--data-dir', dataDir]);
    expect(JSON.parse((await runCli(['feeds', 'status', 'tass', '--data-dir', dataDir, '--json'])).out)[0]).toMatchObject({
      state: 'never-polled',
      consecutiveErrors: 0,
    });

    expect((await runCli(['feeds', 'remove', 'tass', '--data-dir', dataDir])).code).toBe(0);
    const missing = await runCli(['feeds', 'remove', 'tass', '--data-dir', dataDir]);
    expect(missing).toMatchObject({ code: 1, err: `news-alerts feeds remove: feed not found: no feed "tass" in data folder ${dataDir}\n` });
  });

  it('says clearly when a running pipeline holds the data folder', async () => {
    const dataDir = join(dir, 'busy');
    await runCli(['feeds', 'add', 'x', 'https://x.example/rss', '--data-dir', dataDir]);
    // What `news-alerts run` does to the folder: LevelDB's lock, held by another open handle.
    const held = new Level(join(dataDir, 'dynamodb'));
    await held.open();
    try {
      const result = await runCli(['feeds', 'status', '--data-dir', dataDir]);
      expect(result.code).toBe(1);
      expect(result.err).toContain('data folder in use by another process (a running "news-alerts run" or "demo"): stop it first');
    } finally {
      await held.close();
    }
  });

  it('refuses a folder that does not exist rather than show no feeds, and bad input with exit 2', async () => {
    expect((await runCli(['feeds', 'list', '--data-dir', join(dir, 'typo')])).err).toContain('data folder not found');
    expect((await runCli(['feeds', 'add', 'x', 'https://x.example/rss', '--interval', '0', '--data-dir', dir])).code).toBe(2);
    const shorter = await runCli([
      'feeds',
      'add',
      'x',
      'https://x.example/rss',
      '--interval',
      '30',
      '--max-interval',
      '20',
      '--data-dir',
      dir,
    ]);
    expect(shorter.code).not.toBe(0);
    expect(shorter.err).toContain('maxIntervalMinutes: must be at least intervalMinutes');
    expect((await runCli(['feeds', 'add', 'x', 'https://x.example/rss', '--id-policy', 'random', '--data-dir', dir])).code).toBe(2);
    expect((await runCli(['feeds', 'list', '--data-dir', dir, '--stack', 'S'])).code).toBe(2);
    expect((await runCli(['feeds'])).code).toBe(2);
  });
});

describe('news-alerts feeds on a deployed stack', () => {
  let dynamo: TestDynalite;
  let standIn: Server;

  beforeAll(async () => {
    dynamo = await startDynalite();
    const tables = await createTables(dynamo.documents, uniquePrefix('feedscli'));
    standIn = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        response.setHeader('content-type', 'text/xml');
        response.end(
          '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
            `<StackName>${form.get('StackName')}</StackName><StackId>arn:aws:cloudformation:${localRegion}:000000000000:stack/x/1</StackId>` +
            '<CreationTime>2030-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>' +
            `<member><OutputKey>${tableNameOutputKey('feeds')}</OutputKey><OutputValue>${tables.feeds}</OutputValue></member>` +
            '</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
    await dynamo.stop();
  });

  it('adds a feed and shows its status through the stack outputs', async () => {
    for (const name of ['AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_REGION', localRegion);
    vi.stubEnv('AWS_ACCESS_KEY_ID', localCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', localCredentials.secretAccessKey);
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDFORMATION', `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

    const added = await runCli(['feeds', 'add', 'meduza', 'https://meduza.io/rss/en/all', '--stack', 'NewsAlerts']);
    expect(added.err).toBe('');
    expect(added.out).toMatch(/^added feed meduza \(https:\/\/meduza\.io\/rss\/en\/all\) in stack NewsAlerts; due at once/);
    const status = await runCli(['feeds', 'status', '--stack', 'NewsAlerts', '--json']);
    expect(JSON.parse(status.out)).toEqual([expect.objectContaining({ feedId: 'meduza', state: 'never-polled', consecutiveErrors: 0 })]);
  });
});
