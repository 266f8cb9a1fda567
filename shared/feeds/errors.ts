import { NewsAlertsError } from '../core/errors.ts';
import { redactUrl } from '../outbound-http/index.ts';

/**
 * Errors of one feed. Every message reads "<what failed>: <why> (<feed url>)"; the URL has its
 * credentials removed. poll-feed records any of these as the feed's error (the message
 * succeeds); `retryable` tells whether trying again soon may help.
 */
export class FeedError extends NewsAlertsError {
  /** The feed's URL, without credentials. */
  readonly feedUrl: string;

  constructor(what: string, why: string, feedUrl: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(`${what}: ${why} (${redactUrl(feedUrl)})`, options);
    this.feedUrl = redactUrl(feedUrl);
  }
}

/** Base of every failure to fetch a feed's bytes. */
export class FeedFetchError extends FeedError {}

/** The URL, or a redirect target, is not http(s) or points to a non-public address. */
export class FeedUrlRefusedError extends FeedFetchError {
  constructor(why: string, feedUrl: string, cause?: unknown) {
    super('feed URL refused', why, feedUrl, { retryable: false, cause });
  }
}

/** DNS failure, connection refused or reset, TLS failure. */
export class FeedNetworkError extends FeedFetchError {
  constructor(why: string, feedUrl: string, cause?: unknown) {
    super('feed fetch failed', why, feedUrl, { retryable: true, cause });
  }
}

/** No complete response (headers and body) within the time limit. */
export class FeedTimeoutError extends FeedFetchError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, feedUrl: string, cause?: unknown) {
    super('feed fetch timed out', `no complete response within ${timeoutMs} ms`, feedUrl, { retryable: true, cause });
    this.timeoutMs = timeoutMs;
  }
}

/** The body (after content decoding) is larger than the byte cap. */
export class FeedTooLargeError extends FeedFetchError {
  readonly maxBytes: number;

  constructor(maxBytes: number, feedUrl: string) {
    super('feed too large', `body exceeds ${maxBytes} bytes`, feedUrl, { retryable: false });
    this.maxBytes = maxBytes;
  }
}

/** Too many redirects, or a redirect without a usable Location. */
export class FeedRedirectError extends FeedFetchError {
  constructor(why: string, feedUrl: string) {
    super('feed redirect failed', why, feedUrl, { retryable: false });
  }
}

const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A non-success HTTP status. 408/425/429/5xx gateways are retryable; 429 and 503 carry Retry-After. */
export class FeedHttpError extends FeedFetchError {
  readonly status: number;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds?: number;

  constructor(status: number, statusText: string, feedUrl: string, retryAfterSeconds?: number) {
    const text = statusText ? ` ${statusText}` : '';
    const wait = retryAfterSeconds !== undefined ? `, retry after ${retryAfterSeconds} s` : '';
    super('feed fetch failed', `HTTP ${status}${text}${wait}`, feedUrl, { retryable: RETRYABLE_STATUSES.has(status) });
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** What a body that is not a feed looks like, to say so in the error. */
export type BodyShape = 'empty' | 'html' | 'json' | 'binary' | 'text' | 'xml';

/** A feed an HTML page advertises (`<link rel="alternate">`): see `findAdvertisedFeeds`. */
export interface AdvertisedFeed {
  url: string;
  /** The link's `title`, when it has one. */
  title?: string;
  /** `rss`, `atom` or `json`, from the link's type. */
  kind: 'rss' | 'atom' | 'json';
}

/** The bytes arrived but are not a feed rss-parser can read. Retrying the same bytes will not help. */
export class FeedParseError extends FeedError {
  readonly looksLike: BodyShape;
  /** For an HTML page: the feeds it advertises (the message names them too). */
  readonly advertisedFeeds: readonly AdvertisedFeed[];

  constructor(why: string, looksLike: BodyShape, feedUrl: string, cause?: unknown, advertisedFeeds: readonly AdvertisedFeed[] = []) {
    super('feed parse failed', why, feedUrl, { retryable: false, cause });
    this.looksLike = looksLike;
    this.advertisedFeeds = advertisedFeeds;
  }
}
