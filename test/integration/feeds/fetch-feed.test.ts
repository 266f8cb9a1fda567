import { lookup as systemLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeFeed } from '../../../shared/feeds/decode-feed.ts';
import {
  FeedFetchError,
  FeedHttpError,
  FeedNetworkError,
  FeedParseError,
  FeedRedirectError,
  FeedTimeoutError,
  FeedTooLargeError,
  FeedUrlRefusedError,
} from '../../../shared/feeds/errors.ts';
import { fetchFeed } from '../../../shared/feeds/fetch-feed.ts';
import { parseFeed } from '../../../shared/feeds/parse-feed.ts';
import type { ResolveHost } from '../../../shared/outbound-http/ssrf-guard.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from './feed-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url));
const rss = fixture('world-desk.rss.xml');

let server: FeedServer;
const local = { allowPrivateNetwork: true } as const;

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.routes.clear();
  server.requests.length = 0;
});

describe('fetchFeed against a local HTTP server', () => {
  it('fetches the body with its validators, then gets 304 on a conditional GET', async () => {
    server.routes.set('/feed', conditionalRoute(rss, { etag: '"v1"', lastModified: 'Wed, 05 Mar 2025 14:00:00 GMT' }));
    const first = await fetchFeed(`${server.origin}/feed`, local);
    expect(first).toMatchObject({
      status: 'ok',
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Wed, 05 Mar 2025 14:00:00 GMT',
      finalUrl: `${server.origin}/feed`,
    });
    expect(first.status === 'ok' && first.body.equals(rss)).toBe(true);

    const second = await fetchFeed(`${server.origin}/feed`, { ...local, etag: '"v1"', lastModified: 'Wed, 05 Mar 2025 14:00:00 GMT' });
    expect(second.status).toBe('not-modified');
    expect(server.requests[1]?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Wed, 05 Mar 2025 14:00:00 GMT' });
  });

  it('sends its user agent', async () => {
    server.routes.set('/feed', conditionalRoute(rss));
    await fetchFeed(`${server.origin}/feed`, { ...local, userAgent: 'news-alerts-test/1' });
    expect(server.requests[0]?.headers['user-agent']).toBe('news-alerts-test/1');
  });

  it('decodes a gzip-encoded body', async () => {
    server.routes.set('/gz', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gzipSync(rss));
    });
    const result = await fetchFeed(`${server.origin}/gz`, local);
    expect(result.status === 'ok' && result.body.equals(rss)).toBe(true);
  });

  it('decodes a brotli-encoded body, and counts the cap after decompression', async () => {
    server.routes.set('/br', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'br' }).end(brotliCompressSync(rss));
    });
    const result = await fetchFeed(`${server.origin}/br`, local);
    expect(result.status === 'ok' && result.body.equals(rss)).toBe(true);
    expect(server.requests.at(-1)?.headers['accept-encoding']).toMatch(/\bbr\b/);
    await expect(fetchFeed(`${server.origin}/br`, { ...local, maxBytes: rss.length - 1 })).rejects.toBeInstanceOf(FeedTooLargeError);
  });

  it('passes on Content-Location and Cache-Control for the parser and the scheduler', async () => {
    server.routes.set('/cached', (_q, s) =>
      s
        .writeHead(200, {
          'content-type': 'application/rss+xml',
          'content-location': '/canonical/feed.xml',
          'cache-control': 'max-age=900',
        })
        .end(rss),
    );
    expect(await fetchFeed(`${server.origin}/cached`, local)).toMatchObject({
      contentLocation: '/canonical/feed.xml',
      cacheControl: 'max-age=900',
    });
  });

  it('follows redirects up to the cap and reports the final URL', async () => {
    for (let n = 1; n <= 3; n++) {
      server.routes.set(`/hop${n}`, (_q, s) => s.writeHead(n === 1 ? 301 : 307, { location: n === 3 ? '/feed' : `/hop${n + 1}` }).end());
    }
    server.routes.set('/feed', conditionalRoute(rss));
    const result = await fetchFeed(`${server.origin}/hop1`, { ...local, maxRedirects: 3 });
    expect(result).toMatchObject({ status: 'ok', finalUrl: `${server.origin}/feed` });
  });

  it('stops a redirect loop at the cap', async () => {
    server.routes.set('/loop', (_q, s) => s.writeHead(302, { location: '/loop' }).end());
    const act = fetchFeed(`${server.origin}/loop`, { ...local, maxRedirects: 4 });
    await expect(act).rejects.toBeInstanceOf(FeedRedirectError);
    await expect(act).rejects.toThrow(`feed redirect failed: more than 4 redirects (${server.origin}/loop)`);
    expect(server.requests).toHaveLength(5);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    server.routes.set('/to-file', (_q, s) => s.writeHead(302, { location: 'file:///etc/passwd' }).end());
    await expect(fetchFeed(`${server.origin}/to-file`, local)).rejects.toThrow('feed URL refused: scheme "file" is not http or https');
  });

  it('abandons a never-ending body at the byte cap', async () => {
    let closed = false;
    server.routes.set('/endless', (request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!closed && response.write(chunk));
      };
      response.on('drain', pump);
      request.socket.on('close', () => (closed = true));
      pump();
    });
    const act = fetchFeed(`${server.origin}/endless`, { ...local, maxBytes: 256 * 1024 });
    await expect(act).rejects.toBeInstanceOf(FeedTooLargeError);
    await expect(act).rejects.toThrow(`feed too large: body exceeds 262144 bytes (${server.origin}/endless)`);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    server.routes.set('/big', (_q, s) => s.writeHead(200, { 'content-length': String(1024 * 1024) }).end(Buffer.alloc(1024 * 1024)));
    await expect(fetchFeed(`${server.origin}/big`, { ...local, maxBytes: 1000 })).rejects.toBeInstanceOf(FeedTooLargeError);
  });

  it('counts decoded bytes, so a small gzip bomb is caught too', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    server.routes.set('/bomb', (_q, s) => s.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(fetchFeed(`${server.origin}/bomb`, { ...local, maxBytes: 1024 * 1024 })).rejects.toBeInstanceOf(FeedTooLargeError);
  });

  it('times out a body that stalls, the body read included', async () => {
    server.routes.set('/stall', (_q, s) => {
      s.writeHead(200, { 'content-type': 'application/rss+xml' });
      s.write('<rss version="2.0"><channel>');
    });
    const act = fetchFeed(`${server.origin}/stall`, { ...local, timeoutMs: 300 });
    await expect(act).rejects.toBeInstanceOf(FeedTimeoutError);
    await expect(act).rejects.toMatchObject({
      retryable: true,
      message: `feed fetch timed out: no complete response within 300 ms (${server.origin}/stall)`,
    });
  });

  it('maps HTTP errors, with Retry-After on 429/503', async () => {
    server.routes.set('/gone', (_q, s) => s.writeHead(410).end());
    server.routes.set('/busy', (_q, s) => s.writeHead(503, { 'retry-after': '120' }).end());
    const gone = fetchFeed(`${server.origin}/gone`, local);
    await expect(gone).rejects.toMatchObject({ status: 410, retryable: false });
    await expect(gone).rejects.toThrow(`feed fetch failed: HTTP 410 Gone (${server.origin}/gone)`);
    const busy = fetchFeed(`${server.origin}/busy`, local);
    await expect(busy).rejects.toBeInstanceOf(FeedHttpError);
    await expect(busy).rejects.toMatchObject({ status: 503, retryable: true, retryAfterSeconds: 120 });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const closed = await startFeedServer();
    await closed.stop();
    const act = fetchFeed(`${closed.origin}/feed`, local);
    await expect(act).rejects.toBeInstanceOf(FeedNetworkError);
    await expect(act).rejects.toThrow(`feed fetch failed: connection refused (${closed.origin}/feed)`);
  });

  it('fetches an HTML page fine, and parsing it says so clearly', async () => {
    server.routes.set('/page', (_q, s) => s.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('not-a-feed.html')));
    const result = await fetchFeed(`${server.origin}/page`, local);
    if (result.status !== 'ok') throw new Error('expected a body');
    const act = parseFeed((await decodeFeed(result.body, result.contentType)).text, result.finalUrl);
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(`feed parse failed: the body is an HTML page, not a feed (${server.origin}/page)`);
  });
});

describe('fetchFeed SSRF guard', () => {
  /** Test DNS: `feeds.test` is "public" to the pre-request check, `internal.test` private. */
  const testDns: ResolveHost = async (hostname) => {
    if (hostname === 'feeds.test') return [{ address: '93.184.215.14', family: 4 }];
    if (hostname === 'internal.test') return [{ address: '10.0.0.8', family: 4 }];
    if (hostname === 'localhost') return [{ address: '93.184.215.14', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };

  it('refuses a loopback feed URL when private networks are not allowed, without sending a request', async () => {
    server.routes.set('/feed', conditionalRoute(rss));
    const act = fetchFeed(`${server.origin}/feed`, { allowPrivateNetwork: false });
    await expect(act).rejects.toBeInstanceOf(FeedUrlRefusedError);
    await expect(act).rejects.toBeInstanceOf(FeedFetchError);
    await expect(act).rejects.toThrow(`feed URL refused: 127.0.0.1 is a loopback address (${server.origin}/feed)`);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses hex and decimal forms of loopback as well', async () => {
    await expect(fetchFeed(`http://0x7f.1:${server.port}/feed`, {})).rejects.toThrow('127.0.0.1 is a loopback address');
    await expect(fetchFeed(`http://2130706433:${server.port}/feed`, {})).rejects.toThrow('127.0.0.1 is a loopback address');
    expect(server.requests).toHaveLength(0);
  });

  it('checks every redirect hop', async () => {
    // The test's own DNS sends feeds.test to the local server; the guard believes it public.
    const toLocalServer = new Agent({
      connect: {
        lookup: (hostname, options, callback) =>
          hostname === 'feeds.test' ? systemLookup('127.0.0.1', options, callback) : systemLookup(hostname, options, callback),
      },
    });
    try {
      server.routes.set('/to-loopback', (_q, s) => s.writeHead(302, { location: `${server.origin}/feed` }).end());
      server.routes.set('/to-internal', (_q, s) => s.writeHead(302, { location: 'http://internal.test/admin' }).end());
      server.routes.set('/feed', conditionalRoute(rss));
      const options = { resolve: testDns, dispatcher: toLocalServer };

      const ok = await fetchFeed(`http://feeds.test:${server.port}/feed`, options);
      expect(ok.status).toBe('ok');
      await expect(fetchFeed(`http://feeds.test:${server.port}/to-loopback`, options)).rejects.toThrow(
        'feed URL refused: 127.0.0.1 is a loopback address',
      );
      await expect(fetchFeed(`http://feeds.test:${server.port}/to-internal`, options)).rejects.toThrow(
        'feed URL refused: internal.test resolves to 10.0.0.8, a private address',
      );
      expect(server.requests.map((r) => r.path)).toEqual(['/feed', '/to-loopback', '/to-internal']);
    } finally {
      await toLocalServer.close();
    }
  });

  it('re-checks the address at connect time, so a name that rebinds to loopback is refused', async () => {
    server.routes.set('/feed', conditionalRoute(rss));
    // The pre-request check is told localhost is public (as a rebinding DNS server would); the
    // connection's own lookup (system DNS) then finds 127.0.0.1 and refuses to connect.
    const act = fetchFeed(`http://localhost:${server.port}/feed`, { resolve: testDns });
    await expect(act).rejects.toBeInstanceOf(FeedUrlRefusedError);
    await expect(act).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(server.requests).toHaveLength(0);
  });
});
