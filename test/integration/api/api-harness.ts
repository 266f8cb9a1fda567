import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler, type HttpApiOptions } from '../../../functions/http-api/handler.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from '../../../infra/local/api-server.ts';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/runtime.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import { defaultRateLimits, type RateLimits } from '../../../shared/subscriptions/rate-limits.ts';
import { readOutbox } from './outbox.ts';

/**
 * The HTTP API as it runs in one-process mode (the local runtime's own server, real handler,
 * dynalite, fauxqs, the outbox mailer), plus extra servers for the same deps with other
 * settings: private-network webhooks allowed, or tight rate limits.
 */
export interface ApiHarness {
  runtime: LocalRuntime;
  /** The runtime's API (private webhook targets refused, default limits). */
  url: string;
  outboxDir: string;
  outbox(): ReturnType<typeof readOutbox>;
  /** Another API server on the same tables, built with `deps` changed and these options. */
  serve(change: (deps: Deps) => Deps, options?: HttpApiOptions): Promise<string>;
  stop(): Promise<void>;
}

/** Limits no test reaches by accident. */
export const generousLimits: RateLimits = {
  subscribePerClient: { ...defaultRateLimits.subscribePerClient, limit: 1000 },
  emailsPerRecipient: defaultRateLimits.emailsPerRecipient,
};

export async function startApiHarness(): Promise<ApiHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-api-'));
  const outboxDir = join(dataDir, 'outbox');
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    inMemory: true,
    log: silentLog,
    schedules: false,
    mailTransport: 'outbox',
    mailFrom: 'News Alerts <alerts@example.org>',
    // Every request of a test comes from 127.0.0.1: the rate-limit test sets its own limits.
    handlers: { 'http-api': (deps) => createHandler(deps, { limits: generousLimits }) },
  });
  const servers: ApiServer[] = [];
  return {
    runtime,
    url: runtime.apiUrl,
    outboxDir,
    outbox: () => readOutbox(outboxDir),
    async serve(change, options) {
      const handler = createHandler(change(runtime.deps), { limits: generousLimits, ...options }) as unknown as FunctionUrlHandler;
      const server = await startApiServer({ handler, log: silentLog, port: 0 });
      servers.push(server);
      return server.url;
    },
    async stop() {
      await Promise.all(servers.map((s) => s.close()));
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A webhook receiver on 127.0.0.1 whose answer to each POST a test decides. */
export async function startReceiver(
  answer: (body: string, request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      answer(body, request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `fetch` with a JSON body. */
export function sendJson(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
