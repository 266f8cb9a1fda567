/**
 * The feeds a web page advertises in its head (RSS autodiscovery): `<link rel="alternate"
 * type="application/rss+xml | application/atom+xml | application/feed+json | application/json"
 * href="…">`, relative hrefs resolved against `<base href>`, then the page's URL.
 */
import sax from 'sax';
import type { AdvertisedFeed } from './errors.ts';

const FEED_TYPES: Record<string, AdvertisedFeed['kind']> = {
  'application/rss+xml': 'rss',
  'application/rdf+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
};

/** Characters of a page scanned: the head of any real page fits many times over. */
const MAX_SCANNED = 512 * 1024;
/** Feeds listed at most (a page with hundreds of alternate links is not helping anyone). */
const MAX_FEEDS = 20;

/** Stops the scan at the body: links there are not autodiscovery. */
class EndOfHead extends Error {}

/**
 * The feeds an HTML page advertises, in page order, each URL once. Never throws: markup it
 * cannot read ends the scan with what was found.
 */
export function findAdvertisedFeeds(html: string, pageUrl: string | undefined): AdvertisedFeed[] {
  const parser = sax.parser(false, { lowercase: true });
  const found: AdvertisedFeed[] = [];
  const seen = new Set<string>();
  let base = pageUrl;
  parser.onerror = () => {
    // Pages are not XML: carry on as browsers do.
    (parser as unknown as { error: unknown }).error = null;
  };
  parser.onopentag = (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'body') throw new EndOfHead();
    if (tag.name === 'base' && attrs.href) {
      base = resolve(attrs.href.trim(), pageUrl) ?? base;
      return;
    }
    if (tag.name !== 'link' || found.length >= MAX_FEEDS) return;
    const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
    const kind = FEED_TYPES[(attrs.type ?? '').split(';')[0]!.trim().toLowerCase()];
    const href = attrs.href?.trim();
    if (!rels.includes('alternate') || kind === undefined || !href) return;
    const url = resolve(href, base);
    if (!url || !/^https?:$/.test(new URL(url).protocol) || seen.has(url)) return;
    seen.add(url);
    const title = attrs.title?.replace(/\s+/g, ' ').trim();
    found.push({ url, kind, ...(title ? { title } : {}) });
  };
  try {
    parser.write(html.slice(0, MAX_SCANNED)).close();
  } catch {
    // The body started (EndOfHead) or the markup defeated the tokenizer: what was found stands.
  }
  return found;
}

function resolve(ref: string, base: string | undefined): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    return undefined;
  }
}

/** `the body is an HTML page, not a feed` plus, when it advertises feeds, which. */
export function htmlPageMessage(feeds: readonly AdvertisedFeed[]): string {
  const base = 'the body is an HTML page, not a feed';
  if (feeds.length === 0) return base;
  const named = feeds.map((feed) => `${feed.url} (${feed.kind === 'json' ? 'JSON Feed' : feed.kind === 'rss' ? 'RSS' : 'Atom'})`);
  return `${base}; the page advertises ${feeds.length === 1 ? 'a feed' : `${feeds.length} feeds`}: ${named.join(', ')}`;
}
