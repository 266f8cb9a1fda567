import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http-api/handler.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from '../../infra/local/api-server.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { clientKey } from '../../shared/subscriptions/rate-limits.ts';
import { type ApiHarness, sendJson, startApiHarness } from '../integration/api/api-harness.ts';

/**
 * Security suite, HTTP limits (issue 16, finding 11, and the body and rate-limit attacks that
 * already held): oversized and malformed bodies, wrong content types, slow clients (a real
 * socket that dribbles bytes), too many connections, and the per-client and per-recipient limits.
 * The slow-client server runs the real handler with short limits; no timing is asserted beyond
 * "the connection was closed".
 */

const validEmail = { channel: { kind: 'email', address: 'reader@example.org' }, topics: ['talks'] };

interface RawConnection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  isClosed(): boolean;
}

/** A raw TCP connection to `port`, recording what the server sends until it closes. */
async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => undefined); // a reset is a close too
  return {
    socket,
    closed: new Promise((resolve) =>
      socket.once('close', () => {
        closed = true;
        resolve(received);
      }),
    ),
    isClosed: () => closed,
  };
}

/** Writes `parts` one by one, `everyMs` apart, until the connection closes or the parts run out. */
async function dribble(connection: RawConnection, parts: string[], everyMs: number): Promise<void> {
  for (const part of parts) {
    if (connection.isClosed() || connection.socket.destroyed) return;
    connection.socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('HTTP limits', () => {
  let harness: ApiHarness;
  let api: string;
  beforeAll(async () => {
    harness = await startApiHarness();
    api = `${harness.url}/api`;
  });
  afterAll(() => harness?.stop());

  describe('bodies and content types (the runtime server, default limits)', () => {
    it.each<[string, () => Promise<Response>, number]>([
      [
        'a JSON body over the API limit (16 KiB)',
        () => sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, pad: 'x'.repeat(20_000) }),
        413,
      ],
      [
        'a body over the server limit (1 MiB), declared in Content-Length',
        () => sendJson(`${api}/subscriptions`, 'POST', 'x'.repeat(1024 * 1024 + 1)),
        413,
      ],
      [
        'a body over the server limit (1 MiB), chunked with no length',
        () =>
          fetch(`${api}/subscriptions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: new ReadableStream({
              start(controller) {
                for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
                controller.close();
              },
            }),
            duplex: 'half',
          } as RequestInit),
        413,
      ],
      ['JSON cut short', () => sendJson(`${api}/subscriptions`, 'POST', '{"channel": {'), 400],
      ['an empty JSON body', () => sendJson(`${api}/subscriptions`, 'POST', ''), 400],
      ['JSON with a byte-order mark', () => sendJson(`${api}/subscriptions`, 'POST', `\uFEFF${JSON.stringify(validEmail)}`), 400],
      ['JSON null', () => sendJson(`${api}/subscriptions`, 'POST', 'null'), 422],
      ['a JSON array', () => sendJson(`${api}/subscriptions`, 'POST', '[]'), 422],
      ['a JSON string', () => sendJson(`${api}/subscriptions`, 'POST', '"subscribe me"'), 422],
      ['deeply nested arrays', () => sendJson(`${api}/subscriptions`, 'POST', `${'['.repeat(7000)}${']'.repeat(7000)}`), 422],
      [
        'a __proto__ key (prototype pollution)',
        () =>
          sendJson(
            `${api}/subscriptions`,
            'POST',
            `{"__proto__": {"polluted": true}, "channel": {"kind": "email", "address": "a@example.org"}, "topics": ["talks"]}`,
          ),
        422,
      ],
      ['an unknown field', () => sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, admin: true }), 422],
      ['a string where a list belongs', () => sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, topics: 'talks' }), 422],
      [
        'too many topics',
        () => sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, topics: Array.from({ length: 50 }, () => 'talks') }),
        422,
      ],
      [
        'invalid UTF-8 in the body',
        () =>
          fetch(`${api}/subscriptions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.concat([
              Buffer.from('{"channel":{"kind":"email","address":"'),
              Buffer.from([0xc3, 0x28, 0xff]),
              Buffer.from('@example.org"},"topics":["talks"]}'),
            ]),
          }),
        422,
      ],
      [
        'text/plain',
        () =>
          fetch(`${api}/subscriptions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(validEmail) }),
        415,
      ],
      [
        'a form body on the JSON API',
        () =>
          fetch(`${api}/subscriptions`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'channel=email&address=a%40example.org',
          }),
        415,
      ],
      [
        'multipart on the JSON API',
        () =>
          fetch(`${api}/subscriptions`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' }),
        415,
      ],
      ['no content type', () => fetch(`${api}/subscriptions`, { method: 'POST', body: JSON.stringify(validEmail) }), 415],
      [
        'a look-alike type (text/json)',
        () => fetch(`${api}/subscriptions`, { method: 'POST', headers: { 'content-type': 'text/json' }, body: JSON.stringify(validEmail) }),
        415,
      ],
      ['headers over 16 KiB', () => fetch(`${api}/topics`, { headers: { 'x-padding': 'x'.repeat(20_000) } }), 431],
    ])('answers %s with %i, never a 500', async (_name, send, expected) => {
      const response = await send();
      expect(response.status).toBe(expected);
      await response.body?.cancel();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it.each([
      ['PUT', '/api/subscriptions'],
      ['TRACE', '/api/topics'],
      ['DELETE', '/api/topics'],
      ['POST', '/api/health'],
    ])('answers %s %s with a 4xx, never a 500', async (method, path) => {
      const response = await fetch(`${harness.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'TRACE' ? {} : { body: '{}' }),
      }).catch(() => undefined);
      // fetch refuses to send TRACE itself: that is a refusal too.
      if (response === undefined) return;
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      await response.body?.cancel();
    });
  });

  describe('slow clients and too many connections (the real handler, short limits for the test)', () => {
    let server: ApiServer;
    let port: number;
    beforeAll(async () => {
      const handler = createHandler(harness.runtime.deps) as unknown as FunctionUrlHandler;
      server = await startApiServer({
        handler,
        log: silentLog,
        port: 0,
        limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, idleTimeoutMs: 1500 },
        closeTimeoutMs: 100,
      });
      port = server.port;
    });
    afterAll(() => server?.close());

    it.each<[string, (c: RawConnection) => Promise<void>]>([
      ['connects and sends nothing', async () => undefined],
      [
        'dribbles its headers one line at a time (slow-loris)',
        (c) =>
          dribble(c, ['GET /api/topics HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: y\r\n`)], 100),
      ],
      ['dribbles its request line one byte at a time', (c) => dribble(c, [...'GET /api/topics HTTP/1.1\r\nHost: x\r\n'], 100)],
      [
        'sends headers, then dribbles the body',
        (c) =>
          dribble(
            c,
            [
              'POST /api/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n',
              ...Array.from({ length: 100 }, () => ' '),
            ],
            100,
          ),
      ],
      [
        'declares a longer body than it sends',
        async (c) => {
          c.socket.write('POST /api/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{}');
        },
      ],
      [
        'keeps a connection open after its answer',
        async (c) => {
          c.socket.write('GET /api/topics HTTP/1.1\r\nHost: x\r\n\r\n');
        },
      ],
    ])('closes the connection of a client that %s', async (_name, behave) => {
      const connection = await rawConnection(port);
      await behave(connection);
      const received = await connection.closed;
      // The server closed it (408 on a timed-out request; a bare close for an idle socket).
      expect(connection.isClosed()).toBe(true);
      expect(received).not.toContain('HTTP/1.1 5');
    });

    it('closes connections beyond the cap as they arrive, and serves again once they are gone', async () => {
      // Its own server with the default timeouts, so the held connections stay while the test runs.
      const capped = await startApiServer({
        handler: createHandler(harness.runtime.deps) as unknown as FunctionUrlHandler,
        log: silentLog,
        port: 0,
        limits: { maxConnections: 3 },
        closeTimeoutMs: 100,
      });
      try {
        const held = [await rawConnection(capped.port), await rawConnection(capped.port), await rawConnection(capped.port)];
        for (const c of held) c.socket.write('GET /api/topics HTTP/1.1\r\nHost: x\r\n');
        const extra = await rawConnection(capped.port);
        extra.socket.write('GET /api/topics HTTP/1.1\r\nHost: x\r\n\r\n');
        expect(await extra.closed).toBe('');
        expect(held.some((c) => c.isClosed())).toBe(false);
        for (const c of held) c.socket.destroy();
        await Promise.all(held.map((c) => c.closed));
        const after = await fetch(`${capped.url}/api/topics`, { headers: { connection: 'close' } });
        expect(after.status).toBe(200);
        await after.body?.cancel();
      } finally {
        await capped.close();
      }
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once one client address sent too many subscribe requests', async () => {
      const limited = `${await harness.serve((deps) => deps, {
        limits: {
          subscribePerClient: { name: 'security-client', limit: 2, windowSeconds: 3600 },
          emailsPerRecipient: { name: 'security-recipient', limit: 100, windowSeconds: 3600 },
        },
      })}/api`;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await sendJson(`${limited}/subscriptions`, 'POST', {
          ...validEmail,
          channel: { kind: 'email', address: `limit${i}@example.org` },
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([202, 202, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('sends at most the per-recipient number of messages to one address, answering the same each time', async () => {
      const limited = `${await harness.serve((deps) => deps, {
        limits: {
          subscribePerClient: { name: 'security-client-2', limit: 100, windowSeconds: 3600 },
          emailsPerRecipient: { name: 'security-recipient-2', limit: 2, windowSeconds: 3600 },
        },
      })}/api`;
      const address = 'flooded@example.org';
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await sendJson(`${limited}/subscriptions`, 'POST', { ...validEmail, channel: { kind: 'email', address } });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([202, 202, 202, 202, 202]);
      expect((await harness.outbox()).filter((email) => email.to.includes(address))).toHaveLength(2);
    });

    it.each([
      ['two addresses of one IPv6 /64 count as one client', '2001:db8:1:2::1', '2001:db8:1:2:ffff::9', true],
      ['two IPv6 /64s count as two clients', '2001:db8:1:2::1', '2001:db8:1:3::1', false],
      ['an IPv4-mapped address counts as its IPv4 address', '::ffff:198.51.100.7', '198.51.100.7', true],
      ['a zone id or brackets do not make a new client', '[fe80::1%eth0]', 'fe80::1', true],
      ['two IPv4 addresses count as two clients', '198.51.100.7', '198.51.100.8', false],
    ])('per-client key: %s', (_name, a, b, same) => {
      expect(clientKey(a) === clientKey(b)).toBe(same);
    });
  });
});
