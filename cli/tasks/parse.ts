import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type FeedContent,
  FeedError,
  FeedHttpError,
  FeedNetworkError,
  FeedParseError,
  FeedRedirectError,
  FeedTimeoutError,
  FeedTooLargeError,
  FeedUrlRefusedError,
  fetchFeed,
  readFeed,
} from '../../shared/feeds/index.ts';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../io.ts';

export interface ParseOptions {
  /** A file path, or an http(s) URL to fetch. */
  source: string;
  /** Base of relative links (default: the URL after redirects; for a file, the feed's own links). */
  baseUrl?: string | undefined;
  /** Content-Type to decode by (for a URL: instead of the server's). */
  contentType?: string | undefined;
  json: boolean;
  /** The fetch to use for a URL (tests); the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Allow loopback/private URLs (env ALLOW_PRIVATE_NETWORK=true), as `run` does. */
  allowPrivateNetwork?: boolean;
}

/** What `--json` prints for each item. */
export interface ParsedItemJson {
  id: string | null;
  title: string;
  link: string | null;
  published: string | null;
  updated: string | null;
  summary: string;
  author: string | null;
}

/**
 * `news-alerts parse FILE|URL`: fetches (a URL, through the same bounded, SSRF-guarded fetch as
 * the poller) or reads (a file) a feed, and prints its normalized items exactly as the pipeline
 * sees them — `--json`: `{"feed": {"title", "link"}, "items": [...]}`; otherwise a table. On
 * failure prints `{"error": {"code", "message"}}` and returns 1.
 */
export async function parseCommand(options: ParseOptions, io: CliIo): Promise<number> {
  let feed: FeedContent;
  try {
    feed = await load(options);
  } catch (error) {
    io.stdout.write(`${JSON.stringify({ error: describeFailure(error) })}\n`);
    return EXIT_FAILURE;
  }
  const items: ParsedItemJson[] = feed.entries.map((entry) => ({
    id: entry.id,
    title: entry.title,
    link: entry.link,
    published: entry.published,
    updated: entry.updated,
    summary: entry.summary,
    author: entry.author,
  }));
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ feed: { title: feed.title, link: feed.link }, items })}\n`);
  } else {
    io.stdout.write(`${formatTable(feed, items)}\n`);
  }
  return EXIT_OK;
}

async function load(options: ParseOptions): Promise<FeedContent> {
  if (/^https?:\/\//i.test(options.source)) {
    const fetched = await fetchFeed(options.source, {
      fetch: options.fetch,
      allowPrivateNetwork: options.allowPrivateNetwork,
      userAgent: 'news-alerts/0.1 (feed parser; command line)',
    });
    if (fetched.status !== 'ok') throw new Error('unexpected 304 to an unconditional request');
    return readFeed({
      body: fetched.body,
      contentType: options.contentType ?? fetched.contentType,
      contentLocation: options.baseUrl ? undefined : fetched.contentLocation,
      feedUrl: options.baseUrl ?? fetched.finalUrl,
    });
  }
  const path = resolve(options.source);
  const body = await readFile(path);
  return readFeed({ body, contentType: options.contentType, feedUrl: options.baseUrl, label: path });
}

/** A stable code per kind of failure, and the message (which names the feed or file). */
export function describeFailure(error: unknown): {
  code: string;
  message: string;
  feeds?: { url: string; title?: string; kind: string }[];
} {
  const message = error instanceof Error ? error.message : String(error);
  const code = (() => {
    if (error instanceof FeedParseError) return error.looksLike === 'xml' ? 'invalid-feed' : `not-a-feed:${error.looksLike}`;
    if (error instanceof FeedUrlRefusedError) return 'url-refused';
    if (error instanceof FeedTimeoutError) return 'timeout';
    if (error instanceof FeedTooLargeError) return 'too-large';
    if (error instanceof FeedRedirectError) return 'redirect-failed';
    if (error instanceof FeedHttpError) return `http-${error.status}`;
    if (error instanceof FeedNetworkError) return 'network';
    if (error instanceof FeedError) return 'feed-error';
    const errno = (error as { code?: unknown }).code;
    if (errno === 'ENOENT') return 'file-not-found';
    if (errno === 'EISDIR' || errno === 'EACCES') return 'file-unreadable';
    return 'internal';
  })();
  // An HTML page: the feeds it advertises, for a script to pick from (the message names them too).
  const feeds = error instanceof FeedParseError && error.advertisedFeeds.length > 0 ? { feeds: [...error.advertisedFeeds] } : {};
  return {
    code,
    message: code === 'file-not-found' ? `file not found: ${(error as { path?: string }).path ?? message}` : message,
    ...feeds,
  };
}

function formatTable(feed: FeedContent, items: ParsedItemJson[]): string {
  const head = [
    `${feed.title || '(untitled feed)'}${feed.link ? ` — ${feed.link}` : ''}`,
    `${feed.format}, ${feed.charset.name} (from ${feed.charset.source}), ${items.length} item${items.length === 1 ? '' : 's'}` +
      (feed.recovered.count > 0 ? `, ${feed.recovered.count} XML errors recovered from` : ''),
    '',
  ];
  const rows = items.map((item) => [
    (item.published ?? item.updated ?? '').replace(/:\d\d\.\d{3}Z$/, 'Z').replace('T', ' '),
    clip(item.title || '(no title)', 60),
    item.link ?? '',
  ]);
  const widths = [17, 60];
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd();
  return [...head, line(['PUBLISHED (UTC)', 'TITLE', 'LINK']), ...rows.map(line)].join('\n');
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
