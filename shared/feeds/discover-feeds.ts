import { FeedError, FeedParseError } from './errors.ts';
import { fetchFeed, type FetchFeedOptions } from './fetch-feed.ts';
import { readFeed } from './read-feed.ts';
import type { FeedFormat } from './xml-document.ts';

/** A feed found for a page, checked by fetching and reading it. */
export interface DiscoveredFeed {
  /** The feed's URL (after redirects). */
  url: string;
  /** Its own title, else the title the page's link gave it; '' when neither has one. */
  title: string;
  format: FeedFormat;
  /** Entries it holds now. */
  entries: number;
  /** How it was found. */
  via: 'given' | 'advertised' | 'common-path';
}

/** Where feeds hide when a page does not advertise them, tried in this order on the page's origin. */
export const COMMON_FEED_PATHS = ['/feed', '/rss.xml', '/atom.xml', '/feed.xml', '/index.xml', '/feed.json'] as const;

/** The fetch settings of discovery: the poller's guard and caps, a shorter time per URL. */
export type DiscoverFeedsOptions = Pick<
  FetchFeedOptions,
  'fetch' | 'allowPrivateNetwork' | 'userAgent' | 'timeoutMs' | 'resolve' | 'dispatcher'
>;

/**
 * The feeds behind a URL. A feed URL gives itself; a web page gives the feeds it advertises
 * (`<link rel="alternate">`), else those of the common paths (`COMMON_FEED_PATHS`) that answer
 * with a feed. Every fetch goes through `fetchFeed` (SSRF-guarded on every hop, bounded in time
 * and bytes); candidates that fail to fetch or read are left out.
 *
 * @throws FeedError when the URL itself cannot be fetched, or is neither a feed nor a page.
 */
export async function discoverFeeds(url: string, options: DiscoverFeedsOptions = {}): Promise<DiscoveredFeed[]> {
  const fetchOptions: FetchFeedOptions = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, ...options };
  try {
    return [await readCandidate(url, fetchOptions, 'given')];
  } catch (error) {
    if (!(error instanceof FeedParseError) || error.looksLike !== 'html') throw error;
    const advertised = await checkAll(
      error.advertisedFeeds.map((feed) => ({ url: feed.url, title: feed.title })),
      fetchOptions,
      'advertised',
    );
    if (advertised.length > 0) return advertised;
    // The page's origin after redirects (the error names the URL the page came from).
    const origin = URL.canParse(error.feedUrl) ? new URL(error.feedUrl).origin : new URL(url).origin;
    return checkAll(
      COMMON_FEED_PATHS.map((path) => ({ url: `${origin}${path}` })),
      fetchOptions,
      'common-path',
    );
  }
}

async function checkAll(
  candidates: { url: string; title?: string | undefined }[],
  options: FetchFeedOptions,
  via: DiscoveredFeed['via'],
): Promise<DiscoveredFeed[]> {
  const results = await Promise.all(
    candidates.map(async (candidate) => {
      try {
        const feed = await readCandidate(candidate.url, options, via);
        return { ...feed, title: feed.title || candidate.title || '' };
      } catch (error) {
        if (error instanceof FeedError) return undefined;
        throw error;
      }
    }),
  );
  // Two paths that redirect to one feed are one feed.
  const seen = new Set<string>();
  return results.filter((feed): feed is DiscoveredFeed => {
    if (!feed || seen.has(feed.url)) return false;
    seen.add(feed.url);
    return true;
  });
}

/** Fetches and reads one URL as a feed; an HTML page fails with the feeds it advertises. */
async function readCandidate(url: string, options: FetchFeedOptions, via: DiscoveredFeed['via']): Promise<DiscoveredFeed> {
  const fetched = await fetchFeed(url, options);
  if (fetched.status !== 'ok') throw new FeedParseError('unexpected 304 to an unconditional request', 'empty', url);
  const content = await readFeed({
    body: fetched.body,
    contentType: fetched.contentType,
    contentLocation: fetched.contentLocation,
    feedUrl: fetched.finalUrl,
    maxEntries: 1_000,
  });
  return { url: fetched.finalUrl, title: content.title, format: content.format, entries: content.entries.length, via };
}
