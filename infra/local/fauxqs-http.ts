/**
 * fauxqs's HTTP endpoint on 127.0.0.1, for clients in other processes (operator commands reaching
 * a running `news-alerts run` through `running.json`, the SDK in tests), built when its first
 * request comes. The port is listened on at once, so the queue URLs can name it; fauxqs's app
 * (Fastify with fauxqs's SQS, SNS, S3 and inspection routes) is built on the engine's own stores
 * (fauxqs-sqs.ts) on the first request and answers it and every later one: a run nobody reaches
 * over HTTP never loads Fastify. Only loopback is listened on: fauxqs's own server listens on
 * 0.0.0.0, which would expose an unauthenticated queue service (subscriber addresses in the
 * email queue) to the network.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FauxqsSqs } from './fauxqs-sqs.ts';

/** fauxqs's app, ready: its request handler (routing with its URL rewrite) and its close. */
interface FauxqsApp {
  routing(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<unknown>;
}

export interface FauxqsLoopback {
  port: number;
  /** Stops listening, ends open connections and closes fauxqs's app if it was built; safe to call twice. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (an ephemeral port) and answers with fauxqs's app on `stores`, built at the first request. */
export async function serveFauxqsOnLoopback(stores: FauxqsSqs['stores']): Promise<FauxqsLoopback> {
  let app: Promise<FauxqsApp> | undefined;
  const server = createServer((request, response) => {
    app ??= buildFauxqsApp(stores);
    app.then(
      (ready) => ready.routing(request, response),
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: `fauxqs's app could not be built: ${String(error)}` }),
        );
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // As fauxqs's own server (`forceCloseConnections`): keep-alive sockets would hold the close open.
        server.closeAllConnections();
        await stopped;
        // The app's close ends the receives waiting on its routes; the stores are closed by their owner.
        if (app)
          await app.then(
            (ready) => ready.close(),
            () => undefined,
          );
      })();
      return closed;
    },
  };
}

async function buildFauxqsApp(stores: FauxqsSqs['stores']): Promise<FauxqsApp> {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false, stores: stores as never });
  await app.ready();
  return app;
}
