import type { Dispatcher } from 'undici';
import { assertPublicUrl, type ResolveHost, sharedGuardedFetch, UrlRefusedError } from '../outbound-http/index.ts';
import {
  FeedFetchError,
  FeedHttpError,
  FeedNetworkError,
  FeedRedirectError,
  FeedTimeoutError,
  FeedTooLargeError,
  FeedUrlRefusedError,
} from './errors.ts';
import { retryAfterSeconds } from './schedule.ts';

export interface FetchFeedOptions {
  /** Validators from the last successful fetch, for a conditional GET. */
  etag?: string;
  lastModified?: string;
  /**
   * The fetch to use where private networks are allowed or a `dispatcher` is given; the global
   * one by default. Otherwise requests go through the guarded client (see `dispatcher`).
   */
  fetch?: typeof globalThis.fetch;
  /** Time for the whole exchange, every redirect hop and the body included. */
  timeoutMs?: number;
  /** Cap on the body after content decoding (gzip/br are decoded by fetch). */
  maxBytes?: number;
  maxRedirects?: number;
  /** Allow loopback/private targets: only for local fixtures (env ALLOW_PRIVATE_NETWORK). */
  allowPrivateNetwork?: boolean;
  userAgent?: string;
  /**
   * Dispatcher for Node's fetch (tests route names to a local server with one). Without it, and
   * unless private networks are allowed, requests go through outbound-http's guarded client,
   * whose connections re-check every resolved address (DNS rebinding).
   */
  dispatcher?: Dispatcher;
  /** DNS for the pre-request check; node:dns by default. */
  resolve?: ResolveHost;
}

export type FetchFeedResult =
  | { status: 'not-modified'; finalUrl: string; cacheControl?: string }
  | {
      status: 'ok';
      body: Buffer;
      contentType: string | null;
      etag?: string;
      lastModified?: string;
      /** The URL after redirects. */
      finalUrl: string;
      /** Content-Location: the base of relative links when present. */
      contentLocation?: string;
      /** Cache-Control, for the next poll time (`max-age`). */
      cacheControl?: string;
      /** The Link header: where a feed may name its WebSub hub. */
      link?: string;
    };

export const FEED_FETCH_DEFAULTS = {
  timeoutMs: 20_000,
  maxBytes: 15 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'news-alerts/0.1 (feed poller)',
} as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches a feed's bytes: conditional GET, redirects followed by hand (each hop SSRF-checked, at
 * most `maxRedirects`), one time limit over the whole exchange, the body streamed and abandoned
 * as soon as it passes `maxBytes`.
 *
 * @throws FeedFetchError (one subclass per failure) — never anything else.
 */
export async function fetchFeed(feedUrl: string, options: FetchFeedOptions = {}): Promise<FetchFeedResult> {
  const timeoutMs = options.timeoutMs ?? FEED_FETCH_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? FEED_FETCH_DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? FEED_FETCH_DEFAULTS.maxRedirects;
  const allowPrivateNetwork = options.allowPrivateNetwork ?? false;
  const dispatcher = options.dispatcher;
  const fetchImpl = allowPrivateNetwork || dispatcher ? (options.fetch ?? globalThis.fetch) : sharedGuardedFetch();
  const signal = AbortSignal.timeout(timeoutMs);

  const headers: Record<string, string> = {
    accept:
      'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    'user-agent': options.userAgent ?? FEED_FETCH_DEFAULTS.userAgent,
    // Node's fetch decodes all three but offers only gzip and deflate unless asked.
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  try {
    let target = feedUrl;
    for (let hop = 0; ; hop++) {
      const url = await withSignal(assertPublicUrl(target, { allowPrivateNetwork, resolve: options.resolve }), signal);
      const init = { method: 'GET', headers, redirect: 'manual', signal, ...(dispatcher ? { dispatcher } : {}) } as RequestInit;
      const response = await fetchImpl(url, init);

      if (REDIRECT_STATUSES.has(response.status)) {
        await discard(response);
        const location = response.headers.get('location');
        if (!location) throw new FeedRedirectError(`HTTP ${response.status} without a Location header`, feedUrl);
        if (hop >= maxRedirects) throw new FeedRedirectError(`more than ${maxRedirects} redirects`, feedUrl);
        try {
          target = new URL(location, url).href;
        } catch {
          throw new FeedRedirectError(`redirect to an invalid URL`, feedUrl);
        }
        continue;
      }
      if (response.status === 304) {
        await discard(response);
        return { status: 'not-modified', finalUrl: url.href, cacheControl: response.headers.get('cache-control') ?? undefined };
      }
      if (!response.ok) {
        await discard(response);
        throw new FeedHttpError(response.status, response.statusText, feedUrl, retryAfterOf(response));
      }
      const body = await readCapped(response, maxBytes, feedUrl);
      return {
        status: 'ok',
        body,
        contentType: response.headers.get('content-type'),
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
        finalUrl: url.href,
        contentLocation: response.headers.get('content-location') ?? undefined,
        cacheControl: response.headers.get('cache-control') ?? undefined,
        link: response.headers.get('link') ?? undefined,
      };
    }
  } catch (error) {
    throw toFeedFetchError(error, signal, timeoutMs, feedUrl);
  }
}

/** Maps whatever fetch, DNS or the guard threw to one FeedFetchError. */
function toFeedFetchError(error: unknown, signal: AbortSignal, timeoutMs: number, feedUrl: string): FeedFetchError {
  if (error instanceof FeedFetchError) return error;
  const refused = findCause(error, (e) => e instanceof UrlRefusedError) as UrlRefusedError | undefined;
  if (refused) return new FeedUrlRefusedError(refused.reason, feedUrl, refused);
  if (signal.aborted) return new FeedTimeoutError(timeoutMs, feedUrl, error);
  return new FeedNetworkError(describeNetworkError(error), feedUrl, error);
}

/** Walks `cause` links (fetch wraps socket and lookup errors in "fetch failed"), a few levels deep. */
function findCause(error: unknown, test: (e: unknown) => boolean): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (test(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const withCode = findCause(error, (e) => typeof (e as { code?: unknown })?.code === 'string') as
    | { code: string; message?: string }
    | undefined;
  if (withCode) {
    const known: Record<string, string> = {
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'DNS lookup failed temporarily',
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset',
      ETIMEDOUT: 'connection timed out',
      UND_ERR_SOCKET: 'connection closed early',
    };
    return known[withCode.code] ?? `${withCode.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Settles with `promise`, or rejects when `signal` aborts first (DNS has no signal of its own). */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Reads the body chunk by chunk, cancelling the stream as soon as it passes the cap. */
async function readCapped(response: Response, maxBytes: number, feedUrl: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  // Content-Length counts encoded bytes; if even those exceed the cap, the decoded body will too.
  if (Number.isFinite(declared) && declared > maxBytes && !response.headers.get('content-encoding')) {
    await discard(response);
    throw new FeedTooLargeError(maxBytes, feedUrl);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FeedTooLargeError(maxBytes, feedUrl);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Releases a response we do not read, so its connection is freed. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/** Retry-After of a 429 or 503, seconds; undefined when absent or unreadable. */
function retryAfterOf(response: Response): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  return retryAfterSeconds(response.headers.get('retry-after'), new Date());
}
