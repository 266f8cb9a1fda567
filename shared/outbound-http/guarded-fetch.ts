import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { NodeHeaders, NodeResponse } from './node-response.ts';
import { createGuardedLookup } from './ssrf-guard.ts';
import type { SsrfGuardOptions } from './ssrf-guard.ts';

// Taken with `process.getBuiltinModule`, not `import`: Node builds the ES module view of a
// built-in by reading every export, and node:http's lazy `WebSocket` export loads its whole
// bundled undici, 15–30 ms of every cold start of the functions that fetch (measured, Node 24).
const { Agent: HttpAgent, request: httpRequest } = process.getBuiltinModule('node:http');
const { Agent: HttpsAgent, request: httpsRequest } = process.getBuiltinModule('node:https');

/** The subset of `fetch` the guarded client serves: a URL, and an init whose body is text or bytes. */
export type GuardedFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Statuses whose response has no body (Fetch standard), and which `Response` refuses one for. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** HTTP's reason-phrase: tab, space, visible ASCII and obs-text. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * A `fetch` on Node's own `http`/`https` whose every connection resolves its host through the
 * SSRF guard's lookup: each connection it opens (the first request and every redirect hop the
 * caller follows) is refused if the host resolves to a non-public address, and because the socket
 * connects to what that lookup returned, a name that changes address after the pre-request check
 * (DNS rebinding) is refused too. Node's platform client, so no HTTP library rides in the bundles.
 *
 * Fetch's behaviour where our callers rely on it: a refused or failed connection rejects with
 * `TypeError('fetch failed')` whose `cause` is the `UrlRefusedError` or socket error; an abort
 * rejects with the signal's reason; bodies in gzip, deflate, br (and zstd where Node has it) are
 * decoded. Redirects are never followed: every caller follows them by hand, re-checking each hop,
 * so only `redirect: 'manual'` is accepted. Connections are kept alive and reused.
 */
export function createGuardedFetch(options: Omit<SsrfGuardOptions, 'allowPrivateNetwork'> = {}): GuardedFetch {
  return createNodeFetch({ lookup: createGuardedLookup({ ...options, allowPrivateNetwork: false }) });
}

/**
 * The client under `createGuardedFetch`, with the connection's host lookup given: the guarded
 * one in production; tests give a plain one to reach a local server.
 */
export function createNodeFetch(options: { lookup: LookupFunction }): GuardedFetch {
  const { lookup } = options;
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

  return async function guardedFetch(input, init = {}) {
    const url = new URL(String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`fetch failed: scheme ${url.protocol} is not http(s)`);
    if ((init.redirect ?? 'follow') !== 'manual')
      throw new TypeError('guarded fetch: only redirect "manual" is supported (callers follow redirects by hand)');
    const body = requestBody(init.body);
    const headers = new NodeHeaders(init.headers);
    if (!headers.has('accept')) headers.set('accept', '*/*');
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    if (body !== undefined) headers.set('content-length', String(body.byteLength));
    const method = (init.method ?? 'GET').toUpperCase();
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;

    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const request = send(url, {
        method,
        headers: Object.fromEntries(headers),
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup,
        ...(signal ? { signal } : {}),
      });
      request.on('error', (error) => {
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      request.on('response', (incoming) => {
        try {
          resolve(toResponse(incoming, method, url));
        } catch (error) {
          incoming.destroy();
          reject(new TypeError('fetch failed', { cause: error }));
        }
      });
      request.end(body);
    });
  };
}

let shared: GuardedFetch | undefined;

/** One guarded client per process (its kept-alive connections are reused across invocations). */
export function sharedGuardedFetch(): GuardedFetch {
  shared ??= createGuardedFetch();
  return shared;
}

function requestBody(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  throw new TypeError('guarded fetch: the body must be text or bytes');
}

/**
 * The response as fetch gives it: headers as sent, the body decoded per Content-Encoding. Our own
 * `Response` and `Headers` (node-response.ts): fetch's are undici's, which their first use loads whole.
 */
function toResponse(incoming: IncomingMessage, method: string, url: URL): Response {
  const status = incoming.statusCode ?? 0;
  // What fetch's Response refuses (its constructor), refused here too: the fetch then fails.
  if (status < 200 || status > 599) throw new RangeError(`fetch failed: status ${status} is outside 200–599`);
  const statusText = incoming.statusMessage ?? '';
  if (!REASON_PHRASE.test(statusText)) throw new TypeError('fetch failed: the status line holds characters a reason phrase may not');
  const headers = new NodeHeaders();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header value fetch would refuse (control characters): left out, as a browser would.
    }
  }
  const init = { status, statusText, headers, url: url.href.replace(/#.*$/, '') };
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    incoming.resume();
    return new NodeResponse(null, init);
  }
  return new NodeResponse(Readable.toWeb(decoded(incoming, headers.get('content-encoding'))) as ReadableStream<Uint8Array>, init);
}

/** The body stream with each content coding undone, last applied first; unknown codings left as they are. */
function decoded(incoming: IncomingMessage, contentEncoding: string | null): Readable {
  const codings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  const decoders = [];
  for (const coding of codings) {
    const decoder = decoderFor(coding);
    if (!decoder) return incoming;
    decoders.push(decoder);
  }
  if (decoders.length === 0) return incoming;
  return pipeline([incoming, ...decoders], () => {}) as unknown as Readable;
}

function decoderFor(coding: string): NodeJS.ReadWriteStream | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      // Lenient like browsers: a body cut short after whole blocks still yields what it holds.
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      // Node 22.15 and later.
      return typeof zlib.createZstdDecompress === 'function' ? zlib.createZstdDecompress() : undefined;
    default:
      return undefined;
  }
}
