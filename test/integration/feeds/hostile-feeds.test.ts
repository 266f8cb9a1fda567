/**
 * Hostile feeds, all in one SQS batch through the real poll-feed handler (dynalite, fauxqs, a
 * real HTTP server on 127.0.0.1): each ends in bounded time and bytes, its error is recorded on
 * its feed, and the one good feed in the batch is polled as if nothing happened.
 *
 * Every feed is served as `http://feeds.test:<port>/…`: the test's DNS tells the SSRF guard that
 * name is public and its connection agent sends it to the local server, so the guard runs as in
 * production (ALLOW_PRIVATE_NETWORK=false) and redirects to private addresses are really refused.
 */
import { lookup as systemLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { SQSEvent } from 'aws-lambda';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createPollFeedHandler } from '../../../functions/poll-feed/handler.ts';
import type { ResolveHost } from '../../../shared/outbound-http/ssrf-guard.ts';
import type { FeedRecord } from '../../../shared/store/records.ts';
import { startFeedEngines, type FeedEngines } from './feed-engines.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from './feed-server.ts';

const good = readFileSync(new URL('../../fixtures/feeds/world-desk.rss.xml', import.meta.url));
const MiB = 1024 * 1024;
/** The default byte cap (FEED_FETCH_DEFAULTS.maxBytes): the 50 MB body meets the real limit. */
const CAP = 15 * MiB;

let engines: FeedEngines;
let server: FeedServer;
let agent: Agent;
/** Bytes each streaming route managed to write before the client hung up. */
const sent: Record<string, number> = {};

const testDns: ResolveHost = async (hostname) => {
  if (hostname === 'feeds.test') return [{ address: '93.184.215.14', family: 4 }];
  if (hostname === 'internal.test') return [{ address: '10.0.0.8', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

/** Writes `chunk` as fast as the client reads, up to `total` bytes (or forever), counting them. */
function stream(name: string, response: ServerResponse, head: string, chunk: Buffer, total = Number.POSITIVE_INFINITY) {
  sent[name] = 0;
  let closed = false;
  response.on('close', () => (closed = true));
  response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
  response.write(head);
  const pump = () => {
    while (!closed && sent[name]! < total) {
      sent[name]! += chunk.length;
      if (!response.write(chunk)) return;
    }
    if (!closed) response.end('</channel></rss>');
  };
  response.on('drain', pump);
  pump();
}

const billionLaughs =
  '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  ']><rss version="2.0"><channel><title>laughs</title><item><title>&lol9;</title></item></channel></rss>';
const xxe =
  '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<rss version="2.0"><channel><title>xxe</title><item><title>&xxe;</title></item></channel></rss>';
const invalidUtf8 = Buffer.concat([
  Buffer.from('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bytes</title><item><guid>u1</guid><title>Broken '),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
  Buffer.from(' bytes</title></item></channel></rss>'),
]);
const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  [engines, server] = await Promise.all([startFeedEngines(), startFeedServer()]);
  agent = new Agent({
    connect: {
      lookup: (hostname, options, callback) => systemLookup(hostname === 'feeds.test' ? '127.0.0.1' : hostname, options, callback),
    },
  });
  const item = Buffer.from(`<item><title>filler</title><description>${'x'.repeat(4000)}</description></item>`);
  const routes: Record<string, Parameters<FeedServer['routes']['set']>[1]> = {
    '/good': conditionalRoute(good),
    '/billion-laughs': conditionalRoute(billionLaughs),
    '/xxe': conditionalRoute(xxe),
    '/fifty-mb': (_q, s) => stream('fifty-mb', s, '<rss version="2.0"><channel><title>big</title>', item, 50 * 1000 * 1000),
    '/endless': (_q, s) => stream('endless', s, '<rss version="2.0"><channel><title>endless</title>', item),
    '/trickle': (_q, s) => {
      s.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setInterval(() => s.write('<'), 200);
      s.on('close', () => clearInterval(timer));
    },
    '/silent': () => {
      // Accepts the request and never answers.
    },
    '/invalid-utf8': conditionalRoute(invalidUtf8),
    '/loop': (_q, s) => s.writeHead(302, { location: '/loop' }).end(),
    '/to-loopback': (_q, s) => s.writeHead(302, { location: `http://127.0.0.1:${server.port}/good` }).end(),
    '/to-internal': (_q, s) => s.writeHead(301, { location: 'http://internal.test/admin' }).end(),
    '/to-metadata': (_q, s) => s.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/html': (_q, s) =>
      s
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>'),
    '/json': (_q, s) => s.writeHead(200, { 'content-type': 'application/rss+xml' }).end('{"status":"ok","entries":[]}'),
    '/binary': (_q, s) => s.writeHead(200, { 'content-type': 'application/rss+xml' }).end(Buffer.concat([png, Buffer.alloc(2000, 0xff)])),
  };
  for (const [path, route] of Object.entries(routes)) server.routes.set(path, route);
  for (const path of Object.keys(routes)) {
    await engines.deps.feeds.upsertFeed(
      { feedId: path.slice(1), url: `http://feeds.test:${server.port}${path}`, intervalMinutes: 10 },
      engines.clock.now(),
    );
  }
});

afterAll(async () => {
  await agent?.close();
  await Promise.all([engines?.stop(), server?.stop()]);
});

describe('hostile feeds in one poll batch', () => {
  it("records each one as its feed's error, within bounds, and polls the good feed normally", async () => {
    const feedIds = [...server.routes.keys()].map((path) => path.slice(1));
    // The production guard (no private network), the test's DNS and agent, a 5 s time limit (long enough for 15 MiB on a loaded machine).
    const deps = {
      ...engines.deps,
      env: { ...engines.deps.env, ALLOW_PRIVATE_NETWORK: false, FEED_TIMEOUT_MS: 5000 },
      fetchOptions: { resolve: testDns, dispatcher: agent },
    };
    const handler = createPollFeedHandler(deps);
    const event: SQSEvent = {
      Records: feedIds.map(
        (feedId, i) =>
          ({
            messageId: `m${i}`,
            body: JSON.stringify({ feedId, plannedAt: engines.clock.now().toISOString() }),
            attributes: { ApproximateReceiveCount: '1' },
          }) as unknown as SQSEvent['Records'][number],
      ),
    };

    const response = await handler(event);

    // Every message succeeded: a feed's failure is recorded, never retried as a message.
    expect(response.batchItemFailures).toEqual([]);
    const feeds = new Map<string, FeedRecord>();
    for (const id of feedIds) feeds.set(id, (await engines.deps.feeds.getFeed(id))!);
    const at = (path: string) => `(http://feeds.test:${server.port}${path})`;
    const errors = Object.fromEntries(feedIds.map((id) => [id, feeds.get(id)!.lastError]));

    expect(errors).toEqual({
      good: undefined,
      'invalid-utf8': undefined,
      'billion-laughs': `feed parse failed: refused: the document uses the entity &lol9;, which refers to other entities (entity expansion attack) ${at('/billion-laughs')}`,
      xxe: `feed parse failed: refused: the document uses the external entity &xxe; (XXE); it is never fetched ${at('/xxe')}`,
      'fifty-mb': `feed too large: body exceeds ${CAP} bytes ${at('/fifty-mb')}`,
      endless: `feed too large: body exceeds ${CAP} bytes ${at('/endless')}`,
      trickle: `feed fetch timed out: no complete response within 5000 ms ${at('/trickle')}`,
      silent: `feed fetch timed out: no complete response within 5000 ms ${at('/silent')}`,
      loop: `feed redirect failed: more than 5 redirects ${at('/loop')}`,
      'to-loopback': `feed URL refused: 127.0.0.1 is a loopback address ${at('/to-loopback')}`,
      'to-internal': `feed URL refused: internal.test resolves to 10.0.0.8, a private address ${at('/to-internal')}`,
      'to-metadata': `feed URL refused: 169.254.169.254 is the cloud metadata address ${at('/to-metadata')}`,
      html: `feed parse failed: the body is an HTML page, not a feed ${at('/html')}`,
      json: `feed parse failed: the body is JSON, not a JSON Feed (no "items" array) ${at('/json')}`,
      binary: `feed parse failed: the body is binary data (a PNG image), not text ${at('/binary')}`,
    });
    for (const id of feedIds) {
      const feed = feeds.get(id)!;
      if (feed.lastError) expect(feed, id).toMatchObject({ consecutiveErrors: 1, lastErrorAt: engines.clock.now().toISOString() });
    }

    // Bounded bytes: the 50 MB body and the endless one were abandoned near the cap (what is
    // past it sat in socket buffers), never read to the end.
    expect(sent['fifty-mb']).toBeGreaterThan(CAP);
    expect(sent['fifty-mb']).toBeLessThan(CAP + 16 * MiB);
    expect(sent.endless).toBeLessThan(CAP + 16 * MiB);
    // Nothing was ever requested from the private targets (they do not exist on this server).
    expect(server.requests.map((r) => r.path).filter((path) => path.startsWith('/latest') || path.startsWith('/admin'))).toEqual([]);

    // The good feed and the invalid UTF-8 one went through: items stored, health recorded.
    expect(feeds.get('good')).toMatchObject({ consecutiveErrors: 0, itemsSeen: 3, lastSuccessAt: engines.clock.now().toISOString() });
    expect(feeds.get('invalid-utf8')).toMatchObject({ consecutiveErrors: 0, itemsSeen: 1 });
    const polled = engines.events.filter((e) => e.type === 'feed-polled');
    expect(polled.find((e) => e.feedId === 'good')).toMatchObject({ status: 'ok', items: 3, new: 3 });
    await engines.drain('alert');
  });

  it('keeps the invalid bytes as U+FFFD, not as a crash or a guess', async () => {
    const { readFeed } = await import('../../../shared/feeds/read-feed.ts');
    const feed = await readFeed({ body: invalidUtf8, feedUrl: 'http://feeds.test/invalid-utf8' });
    expect(feed.entries[0]!.title).toBe('Broken \uFFFD\uFFFD\uFFFD( bytes');
  });
});
