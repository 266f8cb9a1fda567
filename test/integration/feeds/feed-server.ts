/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) for feed tests: routes are plain node:http
 * handlers the test sets and changes; every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  routes: Map<string, Route>;
  /** Every request received: method, path and headers. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  stop(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer['requests'] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, headers: request.headers });
    const route = routes.get(path.split('?')[0]!);
    if (route) route(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    routes,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route that serves `body` with a validator pair and answers 304 to a matching conditional GET. */
export function conditionalRoute(
  body: string | Buffer,
  options: { etag?: string; lastModified?: string; contentType?: string } = {},
): Route {
  return (request, response) => {
    const etag = options.etag;
    if (etag && request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    if (!etag && options.lastModified && request.headers['if-modified-since'] === options.lastModified) {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, {
      'content-type': options.contentType ?? 'application/rss+xml; charset=utf-8',
      ...(etag ? { etag } : {}),
      ...(options.lastModified ? { 'last-modified': options.lastModified } : {}),
    });
    response.end(body);
  };
}
