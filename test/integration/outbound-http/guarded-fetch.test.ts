import { lookup as systemLookup } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGuardedFetch, createNodeFetch } from '../../../shared/outbound-http/guarded-fetch.ts';
import { UrlRefusedError } from '../../../shared/outbound-http/ssrf-guard.ts';
import { startProcess } from '../../helpers/cli-process.ts';

/**
 * The platform HTTP client under every guarded request (feeds, webhooks, WebSub hubs) against a
 * real local server: what our callers read from fetch (status, headers, decoded bodies, the
 * errors' shapes) holds, and the guarded lookup refuses the connection before any byte is sent.
 */

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

let server: Server;
let origin: string;
const routes = new Map<string, Route>();
const seen: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      const route = routes.get(request.url ?? '');
      if (route) route(request, response, body);
      else response.writeHead(404).end('not here');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://feeds.test:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  routes.clear();
  seen.length = 0;
});

/** The plain client, with feeds.test sent to the local server. */
const toLocalServer = createNodeFetch({
  lookup: (hostname, options, callback) => systemLookup(hostname === 'feeds.test' ? '127.0.0.1' : hostname, options, callback),
});

const text = '<rss version="2.0"><channel><title>Ünïcode feed</title></channel></rss>';

describe('the platform client', () => {
  it('GETs with the caller headers and a default Accept-Encoding, and reads status, headers and body', async () => {
    routes.set('/feed', (_q, s) => s.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(text));
    const response = await toLocalServer(`${origin}/feed`, { redirect: 'manual', headers: { 'user-agent': 'news-alerts-test' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(await response.text()).toBe(text);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/feed' });
    expect(seen[0]?.headers['user-agent']).toBe('news-alerts-test');
    expect(seen[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body', async (coding, encode) => {
    routes.set('/coded', (_q, s) => s.writeHead(200, { 'content-encoding': coding }).end(encode(Buffer.from(text))));
    const response = await toLocalServer(`${origin}/coded`, { redirect: 'manual' });
    expect(await response.text()).toBe(text);
    expect(response.headers.get('content-encoding')).toBe(coding);
  });

  it('POSTs a text body with its Content-Length', async () => {
    routes.set('/hook', (_q, s, body) => s.writeHead(202, { 'content-type': 'text/plain' }).end(`got ${body.length}`));
    const body = JSON.stringify({ title: 'Ünïcode' });
    const response = await toLocalServer(`${origin}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'manual',
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe(`got ${body.length}`);
    expect(seen[0]?.body).toBe(body);
    expect(seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('returns a redirect unfollowed, and a 304 with no body', async () => {
    routes.set('/moved', (_q, s) => s.writeHead(301, { location: '/feed' }).end());
    routes.set('/same', (_q, s) => s.writeHead(304, { etag: '"v1"' }).end());
    const moved = await toLocalServer(`${origin}/moved`, { redirect: 'manual' });
    expect([moved.status, moved.headers.get('location')]).toEqual([301, '/feed']);
    await moved.body?.cancel();
    const same = await toLocalServer(`${origin}/same`, { redirect: 'manual' });
    expect([same.status, same.body]).toEqual([304, null]);
    expect(seen.map((r) => r.path)).toEqual(['/moved', '/same']);
  });

  it('refuses to follow redirects itself', async () => {
    await expect(toLocalServer(`${origin}/feed`)).rejects.toThrow(/only redirect "manual"/);
    expect(seen).toEqual([]);
  });

  it('rejects with the signal reason when the time runs out, the body read included', async () => {
    routes.set('/stall', (_q, s) => {
      s.writeHead(200);
      s.write('<rss>');
    });
    const headersLate = toLocalServer(`${origin}/never`, { redirect: 'manual', signal: AbortSignal.timeout(1) });
    await expect(headersLate).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|AbortError/) });
    const response = await toLocalServer(`${origin}/stall`, { redirect: 'manual', signal: AbortSignal.timeout(300) });
    await expect(response.text()).rejects.toThrow();
  });

  it('rejects a failed connection as fetch does: TypeError "fetch failed" with the socket error as cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const act = toLocalServer(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    await expect(act).rejects.toBeInstanceOf(TypeError);
    await expect(act).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});

describe('the platform client in a process of its own', () => {
  it("reads an answer without loading Node's bundled undici (fetch's own Headers and Response)", async () => {
    // Prepare: a process that serves one gzipped feed, fetches it through the client and reads it.
    const script = `
// node:http required, not imported: its ES module view alone would load undici.
const { createServer } = process.getBuiltinModule('node:http');
import { lookup } from 'node:dns';
import { gzipSync } from 'node:zlib';
import { createNodeFetch } from './shared/outbound-http/guarded-fetch.ts';
const server = createServer((q, s) => s.writeHead(200, { 'content-encoding': 'gzip', etag: '"v1"' }).end(gzipSync('<rss/>')));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const response = await createNodeFetch({ lookup })('http://127.0.0.1:' + server.address().port + '/feed', { redirect: 'manual', headers: { accept: 'application/rss+xml' } });
const read = { status: response.status, etag: response.headers.get('ETag'), text: await response.text() };
server.close();
console.log(JSON.stringify({ ...read, undici: process.moduleLoadList.some((name) => name.includes('undici')) }));
`;
    const child = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);

    // Act
    const { code, stdout, stderr } = await child.exited;

    // Assess
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ status: 200, etag: '"v1"', text: '<rss/>', undici: false });
  });
});

describe('the guarded client', () => {
  it('refuses at connect time a host resolving to a non-public address, sending nothing', async () => {
    routes.set('/feed', (_q, s) => s.writeHead(200).end(text));
    const guarded = createGuardedFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const act = guarded(`${origin}/feed`, { redirect: 'manual' });
    await expect(act).rejects.toBeInstanceOf(TypeError);
    const error = (await act.then(
      () => ({}),
      (e: unknown) => e,
    )) as { cause?: unknown };
    expect(error.cause).toBeInstanceOf(UrlRefusedError);
    expect((error.cause as UrlRefusedError).reason).toMatch(/loopback/);
    expect(seen).toEqual([]);
  });

  it('refuses when any of the addresses is not public (a rebinding answer mixing both)', async () => {
    const guarded = createGuardedFetch({
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    });
    const error = (await guarded(`${origin}/feed`, { redirect: 'manual' }).then(
      () => ({}),
      (e: unknown) => e,
    )) as { cause?: unknown };
    expect(error.cause).toBeInstanceOf(UrlRefusedError);
    expect(seen).toEqual([]);
  });
});
