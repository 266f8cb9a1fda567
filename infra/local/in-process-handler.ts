/**
 * A transport that hands each request of our DynamoDB client straight to an embedded engine's
 * Node HTTP request listener in this process: the same request (method, path, headers, body) and
 * the same response bytes a client would exchange over 127.0.0.1, without a socket, an HTTP
 * parser or a keep-alive agent on either side. The engine still listens on loopback for other
 * processes (the CLI's operator commands); only the runtime's own client takes this path.
 */
import { EventEmitter } from 'node:events';
import type { AwsJsonService, AwsJsonTransport } from '../../shared/aws-http/index.ts';
import { localSigningHeaders } from './local-request-signer.ts';

/** The part of a Node `IncomingMessage` the engines' listeners read. */
interface InProcessRequest extends EventEmitter {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** The part of a Node `ServerResponse` the engines' listeners write. */
interface InProcessResponse {
  statusCode: number;
  setHeader(name: string, value: number | string | readonly string[]): void;
  getHeader(name: string): string | undefined;
  end(body?: string | Uint8Array): void;
}

/** A Node HTTP request listener that reads its body through `data`/`end` and answers with `setHeader`/`end` (dynalite's). */
export type EngineRequestListener = (request: InProcessRequest, response: InProcessResponse) => void;

/** What an engine's listener answered: the status, headers and the bytes it sent. */
interface EngineAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A transport for our AWS JSON clients (DynamoDB's) that hands each request straight to an
 * engine's listener in this process (dynalite's). Unsigned: dynalite only wants an
 * `Authorization` header in SigV4's shape and an `X-Amz-Date`, never checks them.
 */
export function createInProcessTransport(
  listener: EngineRequestListener,
  engine: string,
  region: string,
  service: AwsJsonService,
): AwsJsonTransport {
  return {
    async send(operation, body) {
      const answer = await handOver(listener, engine, {
        method: 'POST',
        url: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `${service.targetPrefix}.${operation}`,
          ...service.headers,
          ...localSigningHeaders(new Date(), region, service.signingName),
        },
        body: Buffer.from(body, 'utf8'),
      });
      const requestId = answer.headers['x-amzn-requestid'];
      const queryError = answer.headers['x-amzn-query-error'];
      return {
        statusCode: answer.statusCode,
        body: Buffer.from(answer.body).toString('utf8'),
        ...(requestId ? { requestId } : {}),
        ...(queryError ? { queryError } : {}),
      };
    },
  };
}

/** Calls the listener with a request emulating Node's, and resolves with what it answered. */
function handOver(
  listener: EngineRequestListener,
  engine: string,
  request: { method: string; url: string; headers: Record<string, string>; body: Buffer },
): Promise<EngineAnswer> {
  return new Promise((resolve, reject) => {
    const incoming = Object.assign(new EventEmitter(), { method: request.method, url: request.url, headers: request.headers });
    const headers: Record<string, string> = {};
    const response: InProcessResponse = {
      statusCode: 200,
      setHeader(name, value) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      },
      getHeader(name) {
        return headers[name.toLowerCase()];
      },
      end(body) {
        resolve({ statusCode: response.statusCode, headers, body: bodyBytes(body) });
      },
    };
    try {
      listener(incoming, response);
      if (request.body.byteLength > 0) incoming.emit('data', request.body);
      incoming.emit('end');
    } catch (error) {
      reject(new Error(`${engine} request failed: the engine threw while handling it (${(error as Error).message})`, { cause: error }));
    }
  });
}

/** The bytes of a body as a Buffer over the same memory. */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`engine answer unreadable: a body of type ${typeof body}, not a string or bytes`);
}
