/**
 * A real local HTTP server that answers an AWS JSON-protocol client from a script: each request
 * takes the next scripted answer (a status, body and headers, or a socket dropped before any
 * answer), and is recorded as received. Used to drive our clients' retries and error naming.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a status, body and headers, or a socket dropped before any answer. */
export type Scripted = { status: number; body: string; headers?: Record<string, string> } | 'drop';

/** A request as the server received it. */
export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A JSON answer. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Scripted => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

export interface ScriptedAwsServer {
  endpoint: string;
  /** The answers still to give, in order; an empty script answers `200 {}`. */
  script: Scripted[];
  received: Received[];
  /** Forgets the script and what was received (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1; each answer carries a request id `req-N` (N counts requests). */
export async function startScriptedAwsServer(): Promise<ScriptedAwsServer> {
  const state: Pick<ScriptedAwsServer, 'script' | 'received'> = { script: [], received: [] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = state.script.shift() ?? json(200, {});
      if (next === 'drop') return void request.socket.destroy();
      response.writeHead(next.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `req-${state.received.length}`,
        ...next.headers,
      });
      response.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get script() {
      return state.script;
    },
    set script(answers: Scripted[]) {
      state.script = answers;
    },
    received: state.received,
    reset() {
      state.script = [];
      state.received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
