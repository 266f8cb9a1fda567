/**
 * An AWS SDK request handler that hands each serialized request straight to an embedded engine's
 * Node HTTP request listener in this process: the same request (method, path, headers, body) and
 * the same response bytes the SDK would exchange over 127.0.0.1, without a socket, an HTTP parser
 * or a keep-alive agent on either side. The engine still listens on loopback for other processes
 * (the CLI's operator commands); only the runtime's own clients take this path: the SDK's
 * through `createInProcessHandler`, our DynamoDB client through `createInProcessTransport`.
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

/** The SDK's serialized request (`@smithy/protocol-http` HttpRequest), as far as it is read here. */
interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The SDK's response shape (`@smithy/protocol-http` HttpResponse): the body is the bytes the engine sent. */
interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What the SDK clients accept as `requestHandler` (`@smithy/protocol-http` HttpHandler). */
export interface InProcessHandler {
  readonly metadata: { handlerProtocol: string };
  handle(request: SdkHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/**
 * Creates a request handler for SDK clients that calls `listener` for every request. A listener
 * that throws, or a request aborted before it is handed over, rejects the send as a network
 * error would; the SDK's retry strategy then applies as usual.
 */
export function createInProcessHandler(listener: EngineRequestListener, engine: string): InProcessHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request, options) {
      if (options?.abortSignal?.aborted) {
        throw Object.assign(new Error(`${engine} request aborted: the caller gave up before it was sent`), { name: 'AbortError' });
      }
      const answer = await handOver(listener, engine, {
        method: request.method,
        url: requestUrl(request),
        headers: lowerCaseHeaders(request.headers),
        body: bodyBytes(request.body),
      });
      return { response: answer };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
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
): Promise<SdkHttpResponse> {
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

function requestUrl(request: SdkHttpRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) query.append(name, one ?? '');
  }
  const search = query.toString();
  return search ? `${request.path}?${search}` : request.path;
}

function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

/**
 * The bytes of a body as a Buffer over the same memory. A Uint8Array is wrapped, not passed to
 * `Buffer.from(value)`: the SDK's JSON bodies are Uint8Arrays whose `valueOf()` is their text.
 */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`request body of type ${typeof body} cannot be handed over in process: only strings and bytes`);
}
