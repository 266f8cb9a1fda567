import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventPrinter } from '../../cli/event-printer.ts';
import { main } from '../../cli/main.ts';
import { makeAllFeedsDue } from '../../cli/poll-all-now.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { combineEventSinks } from '../../shared/core/events.ts';
import { createLogEventSink } from '../../shared/runtime/log-event-sink.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { createCapturingLog } from '../helpers/capturing-log.ts';
import { type FeedServer, startFeedServer } from '../integration/feeds/feed-server.ts';

/**
 * Issue 16, finding 3: what anonymous callers learn from the health endpoints, and that a feed
 * URL's secrets (an API key in its query, credentials in its userinfo) are never shown — not to
 * anonymous callers, and not to the operator either (health details, status page, admin API,
 * `feeds` CLI, logs). The one-process runtime over a real feed server on 127.0.0.1: feeds that
 * fail for real (HTTP 503; HTTP 401 to credentials in the URL) and one whose stored error text quotes its URL
 * whole (as an older version or a library's message may have written it).
 */

const SECRET = 'S3CRET-KEY-42';
const PASSWORD = 'hunter2-pw';

let feeds: FeedServer;
let dataDir: string;
let runtime: LocalRuntime;
let admin: string;
const log = createCapturingLog();
const printed: string[] = [];

function get(path: string, authorization?: string): Promise<Response> {
  return fetch(`${runtime.apiUrl}${path}`, authorization ? { headers: { authorization } } : {});
}
const bearer = () => `Bearer ${admin}`;
const basic = () => `Basic ${Buffer.from(`operator:${admin}`).toString('base64')}`;

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.routes.set('/ok.xml', (_q, s) =>
    s
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end('<?xml version="1.0"?><rss version="2.0"><channel><title>Fine</title><link>http://example.org/</link></channel></rss>'),
  );
  feeds.routes.set('/keyed.xml', (_q, s) => s.writeHead(503, { 'content-type': 'text/plain' }).end('down'));
  // Credentials sent from the URL's userinfo, and refused.
  feeds.routes.set('/login.xml', (_q, s) => s.writeHead(401, { 'content-type': 'text/plain' }).end('wrong password'));
  dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-public-health-'));
  runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    log,
    events: combineEventSinks(
      createLogEventSink(log),
      createEventPrinter((line) => printed.push(line)),
    ),
    schedules: false,
    mailTransport: 'outbox',
    allowPrivateNetwork: true,
  });
  admin = runtime.secrets.admin.current;
  const now = runtime.deps.clock.now();
  const port = feeds.port;
  await runtime.deps.feeds.upsertFeed({ feedId: 'fine', url: `${feeds.origin}/ok.xml`, intervalMinutes: 10 }, now);
  await runtime.deps.feeds.upsertFeed(
    { feedId: 'keyed', url: `${feeds.origin}/keyed.xml?apikey=${SECRET}&lang=en#${SECRET}`, intervalMinutes: 10 },
    now,
  );
  await runtime.deps.feeds.upsertFeed(
    { feedId: 'with-login', url: `http://reader:${PASSWORD}@127.0.0.1:${port}/login.xml?token=${SECRET}`, intervalMinutes: 10 },
    now,
  );
  await runtime.deps.feeds.upsertFeed({ feedId: 'legacy', url: `${feeds.origin}/gone.xml?key=${SECRET}`, intervalMinutes: 10 }, now);
  await makeAllFeedsDue(runtime.deps.feeds, now);
  await runtime.runSchedule('plan-polls');
  await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });
  // An error text stored whole, URL and key included (an older version, a library's message).
  await runtime.deps.feeds.recordPollFailure('legacy', {
    at: now.toISOString(),
    error: `feed fetch failed: socket hang up (http://reader:${PASSWORD}@127.0.0.1:${port}/gone.xml?key=${SECRET})`,
    nextPollAt: new Date(now.getTime() + 3_600_000).toISOString(),
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await feeds?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain('reader:');
}

describe('what anonymous callers see', () => {
  it.each(['/api/health', '/health'])('%s answers status and counts only: no feed id, URL or error text', async (path) => {
    const response = await get(path);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'degraded', feeds: { total: 4, failing: 3 } });
  });

  it.each([
    ['a wrong Bearer token', 'Bearer not-the-admin-token'],
    ['an empty Bearer token', 'Bearer '],
    ['an unknown scheme', `Token ${'x'.repeat(20)}`],
  ])('refuses health details for %s (401, no details)', async (_name, authorization) => {
    const response = await get('/api/health', authorization);
    const body = await response.text();

    expect(response.status).toBe(401);
    expect(body).not.toContain('keyed');
    expectNoSecrets(body);
  });

  it.each([
    ['/api/admin/status', undefined],
    ['/api/admin/feeds', undefined],
    ['/status', undefined],
    ['/api/admin/feeds', 'Bearer wrong'],
    ['/status', `Basic ${Buffer.from('operator:wrong').toString('base64')}`],
  ])('refuses %s without the operator token (%s)', async (path, authorization) => {
    const response = await get(path, authorization);
    const body = await response.text();

    expect(response.status).toBe(401);
    expect(body).not.toContain('keyed');
    expectNoSecrets(body);
  });
});

describe('what the operator sees: details, with every feed URL and error text redacted', () => {
  it('health with the admin Bearer token lists the failing feeds, their redacted URLs and errors', async () => {
    const response = await get('/api/health', bearer());
    const body = (await response.json()) as { failingFeeds: { feedId: string; url: string; lastError: string | null }[] };

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'degraded', feeds: { total: 4, failing: 3 } });
    const byId = Object.fromEntries(body.failingFeeds.map((feed) => [feed.feedId, feed]));
    expect(Object.keys(byId).sort()).toEqual(['keyed', 'legacy', 'with-login']);
    expect(byId.keyed).toMatchObject({ url: `${feeds.origin}/keyed.xml?apikey=[redacted]&lang=[redacted]` });
    expect(byId.keyed?.lastError).toContain('HTTP 503');
    expect(byId['with-login']?.url).toBe(`${feeds.origin}/login.xml?token=[redacted]`);
    expect(byId.legacy?.lastError).toBe(`feed fetch failed: socket hang up (${feeds.origin}/gone.xml?key=[redacted])`);
    expectNoSecrets(JSON.stringify(body));
  });

  it.each([
    ['GET /api/admin/status', '/api/admin/status', bearer],
    ['GET /api/admin/feeds', '/api/admin/feeds', bearer],
    ['GET /status (the page)', '/status', basic],
  ])('%s shows the feeds, URLs and errors redacted', async (_name, path, authorization) => {
    const response = await get(path, authorization());
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(body).toContain('keyed.xml?apikey=[redacted]&');
    expect(body).toContain('gone.xml?key=[redacted]');
    expectNoSecrets(body);
  });

  it('logs and the terminal event lines carry no feed secret', () => {
    const logged = JSON.stringify(log.lines);

    expect(logged).toContain('feed-polled');
    expect(logged).toContain('keyed.xml?apikey=[redacted]');
    expectNoSecrets(logged);
    expect(printed.some((line) => line.includes('keyed: cannot poll'))).toBe(true);
    expectNoSecrets(printed.join('\n'));
  });
});

describe('the feeds CLI (after the pipeline stopped: the data folder allows one process)', () => {
  beforeAll(async () => {
    await runtime.stop();
  });

  it.each([
    ['feeds list', ['feeds', 'list']],
    ['feeds list --json', ['feeds', 'list', '--json']],
    ['feeds status', ['feeds', 'status']],
    ['feeds status --json', ['feeds', 'status', '--json']],
    ['feeds status legacy', ['feeds', 'status', 'legacy']],
  ])('%s prints URLs and errors redacted', async (_name, args) => {
    const { io, out, err } = captureIo();

    const code = await main([...args, '--data-dir', dataDir], io);

    expect(err()).toBe('');
    expect(code).toBe(0);
    expect(out()).toMatch(/\?(apikey|key)=\[redacted\]/);
    expectNoSecrets(out());
  });

  it('feeds add echoes the new URL redacted', async () => {
    const { io, out } = captureIo();

    const code = await main(['feeds', 'add', 'added', `https://news.example.org/rss?apikey=${SECRET}`, '--data-dir', dataDir], io);

    expect(code).toBe(0);
    expect(out()).toContain('(https://news.example.org/rss?apikey=[redacted])');
    expectNoSecrets(out());
  });
});
