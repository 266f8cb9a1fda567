import { readFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { packagePath } from '../package-files.ts';

/** The bundled offline feeds: built from the seed articles plus off-topic items. */
export const demoFeedsDir = packagePath('cli/demo/feeds/');
export const demoFeedFiles = ['moscow-times.xml', 'world-wire.xml', 'agency-digest.xml'];

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Serves the files of `dir` on 127.0.0.1 as feeds (with an ETag, so conditional GETs work). */
export async function serveFeedFiles(dir: string, files: string[]): Promise<RunningServer> {
  const server = createServer(async (request, response) => {
    const name = basename(new URL(request.url ?? '/', 'http://x').pathname);
    if (!files.includes(name)) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = await readFile(join(dir, name));
    response.writeHead(200, { 'content-type': name.endsWith('.xml') ? 'application/xml; charset=utf-8' : 'text/plain' });
    response.end(body);
  });
  return { url: await listen(server), close: closer(server) };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver that answers 204 and keeps what it received. */
export async function startWebhookReceiver(): Promise<RunningServer & { received: ReceivedWebhook[] }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  return { url: await listen(server), close: closer(server), received };
}
