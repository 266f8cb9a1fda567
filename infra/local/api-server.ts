/**
 * The local stand-in for a Lambda Function URL: a node:http server on 127.0.0.1 that turns each
 * request into an `APIGatewayProxyEventV2` (payload format 2.0), calls the http-api handler,
 * and writes its result back with the Function URL's rules for inferred responses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Log } from '../../shared/core/logger.ts';
import { createInvocationContext } from './invocation-context.ts';

/** A Function URL handler, as `functions/http-api/handler.ts` builds it. */
export type FunctionUrlHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown> | unknown;

export interface ApiServerOptions {
  handler: FunctionUrlHandler;
  log: Log;
  /** Default 3000; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: the API is for this machine unless the operator says otherwise. */
  host?: string;
  /** Requests with a larger body get 413. Default 1 MiB (a Function URL allows 6 MB). */
  maxBodyBytes?: number;
  /** The function's timeout, for the invocation context. Default 10. */
  timeoutSeconds?: number;
  functionName?: string;
  /** How long `close` waits for requests in progress before cutting connections. Default 10 s. */
  closeTimeoutMs?: number;
  /** Limits on what a client may hold (see `DEFAULT_CONNECTION_LIMITS`); tests set short ones. */
  limits?: Partial<ConnectionLimits>;
}

/**
 * What one client may hold, so a slow or hostile one (slow-loris, a dribbled body, a flood of
 * idle sockets) is cut off instead of being kept for Node's 300 s request default.
 */
export interface ConnectionLimits {
  /** The request line and headers must arrive within this (answered 408, then closed). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (408, then closed). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way (a client that stopped reading) is closed after this. */
  idleTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
  /** Request line plus headers; larger ones get 431. */
  maxHeaderBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 256,
  maxHeaderBytes: 16 * 1024,
};

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops accepting requests and resolves once those in progress are answered. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { handler, log } = options;
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const functionName = options.functionName ?? 'http-api';
  const timeoutSeconds = options.timeoutSeconds ?? 10;

  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node checks the two timeouts above on this interval (30 s by default): often enough that
      // they hold to about a second.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      handleRequest(req, res).catch((error: unknown) => {
        log.error('local api request failed', { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) writeText(res, 500, 'Internal Server Error');
        else res.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') {
      // Close the connection after answering: the rest of the body is not worth reading.
      res.setHeader('connection', 'close');
      writeText(res, 413, `Request body is larger than ${maxBodyBytes} bytes`);
      return;
    }
    const event = toFunctionUrlEvent(req, body);
    let result: unknown;
    try {
      result = await handler(event, createInvocationContext(functionName, timeoutSeconds));
    } catch (error) {
      // What a Function URL answers when the function throws.
      log.error(`${functionName} handler threw`, {
        method: event.requestContext.http.method,
        path: event.rawPath,
        error: error instanceof Error ? error.message : String(error),
      });
      writeText(res, 502, 'Internal Server Error');
      return;
    }
    writeResult(res, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), options.closeTimeoutMs ?? 10_000);
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Reads the whole body, or stops at the limit and reports it without buffering the rest. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The event a Function URL would send for this request (payload format 2.0). */
export function toFunctionUrlEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie') {
      cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const isText = isTextContent(headers['content-type']);
  const now = new Date();
  const domainName = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: toQueryParameters(url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: stripIpv4Mapping(req.socket.remoteAddress ?? '127.0.0.1'),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Repeated parameters are joined with commas, as API Gateway does. */
function toQueryParameters(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) out[name] = name in out ? `${out[name]},${value}` : value;
  return out;
}

function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/javascript' ||
    /^application\/([\w.-]+\+)?(json|xml)$/.test(type)
  );
}

function stripIpv4Mapping(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Writes a handler result. A structured result (with `statusCode`) is used as is; anything else
 * is what a Function URL infers: 200, JSON, the value itself (a string) or its JSON.
 */
function writeResult(res: ServerResponse, result: unknown): void {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    for (const [name, value] of Object.entries(structured.headers ?? {})) res.setHeader(name, String(value));
    if (structured.cookies?.length) res.setHeader('set-cookie', structured.cookies);
    const body = structured.body ?? '';
    res.statusCode = structured.statusCode ?? 200;
    res.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.end(typeof result === 'string' ? result : JSON.stringify(result ?? null));
}

function writeText(res: ServerResponse, statusCode: number, message: string): void {
  res.statusCode = statusCode;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(message);
}
