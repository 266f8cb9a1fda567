import Parser from 'rss-parser';
import type { BodyShape } from './errors.ts';
import { FeedParseError } from './errors.ts';
import { findAdvertisedFeeds, htmlPageMessage } from './advertised-feeds.ts';
import { readFeedXml } from './read-feed-xml.ts';
import { readJsonFeed } from './read-json-feed.ts';
import { canonicalShape, renderCanonicalXml, type CanonicalShape } from './render-canonical-xml.ts';
import { HostileXmlError, NotAFeedError, type FeedFormat, type XmlFeedDocument } from './xml-document.ts';

/** One entry as rss-parser gives it (from the canonical document): read by `normalizeEntry`. */
export type FeedEntry = Record<string, unknown>;

export interface ParsedFeed {
  /** The source's format (`rss2`, `rss1`, `atom10`, …). */
  format: FeedFormat;
  /** The shape rss-parser read: which fields an entry carries (see `normalizeEntry`). */
  shape: CanonicalShape;
  /** The feed's own title as HTML, if any. */
  title: string | null;
  link: string | null;
  language: string | null;
  /** Minutes the feed asks readers to wait between polls (`<ttl>`, `sy:updatePeriod`). */
  ttlMinutes: number | null;
  entries: FeedEntry[];
  /** XML errors recovered from: how many, and the first few. */
  recovered: { count: number; samples: string[] };
  /** Entries beyond the per-document limit, not read. */
  entriesDropped: number;
}

export interface ParseFeedOptions {
  /** The URL the document came from (after redirects): base of relative links. */
  feedUrl?: string;
  /** An HTTP Content-Location header, which takes precedence over `feedUrl` as the base. */
  contentLocation?: string | null;
  /** Entries read at most (default 10 000). */
  maxEntries?: number;
  /** What errors name the document by (a file path); `feedUrl` by default. */
  label?: string;
}

/** What rss-parser is asked for beyond its own fields (the canonical document's extensions). */
const CUSTOM_FIELDS = {
  feed: ['ttl', ['dc:language', 'dcLanguage']] as [string, string][] | string[],
  item: [
    ['published', 'published'],
    ['updated', 'updated'],
    ['category', 'rawCategories', { keepArray: true }],
    ['content:html', 'contentHtml'],
    ['feedburner:origLink', 'origLink'],
    ['dc:language', 'language'],
  ],
};

/**
 * Parses feed text (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 — JSON told by its first
 * non-space character): a namespace-aware pre-pass (`readFeedXml`, or `readJsonFeed` for JSON)
 * settles what rss-parser cannot (namespaces, xml:base, text-construct types,
 * dates, DTD entities, recovery from broken XML), then rss-parser reads the canonical document
 * it writes. A body that is not a feed fails with a `FeedParseError` saying what it looks like
 * instead (an HTML page, other JSON, binary, empty), since that is what an operator needs to fix the
 * feed's URL.
 *
 * @param options the document's URL (a string is taken as `feedUrl`).
 */
export async function parseFeed(input: string, options: ParseFeedOptions | string = {}): Promise<ParsedFeed> {
  let text = input;
  const {
    feedUrl,
    contentLocation,
    maxEntries,
    label: given,
  } = typeof options === 'string' ? { feedUrl: options, label: undefined } : options;
  const label = given ?? feedUrl ?? '(no URL)';
  const shape = describeBody(text);
  const baseUrl = documentBase(feedUrl, contentLocation);
  if (shape === 'html') throw htmlPageError(text, baseUrl, label);
  if (shape !== 'xml' && shape !== 'json') throw new FeedParseError(shapeMessage(shape, text), shape, label);

  let doc: XmlFeedDocument | undefined;
  try {
    doc = shape === 'json' ? readJsonFeed(text, { baseUrl, maxEntries }) : readFeedXml(text, { baseUrl, maxEntries });
  } catch (error) {
    if (error instanceof NotAFeedError && error.looksLike === 'html') throw htmlPageError(text, baseUrl, label, error);
    if (error instanceof NotAFeedError) throw new FeedParseError(error.message, error.looksLike, label, error);
    if (error instanceof HostileXmlError) throw new FeedParseError(`refused: ${error.message}`, shape, label, error);
    throw error;
  }

  const { format, recovered, recoveredCount, entriesDropped } = doc;
  let canonical = renderCanonicalXml(doc);
  // Only the canonical text is needed from here: let the collector have the rest while
  // xml2js builds its tree (the peak of a large feed).
  doc = undefined;
  text = '';

  let parsed: { title?: unknown; link?: unknown; ttl?: unknown; items?: unknown; language?: unknown; dcLanguage?: unknown };
  try {
    // A parser per call: xml2js keeps per-parse state on its instance.
    const parser = new Parser({ customFields: CUSTOM_FIELDS as never });
    const input = canonical;
    canonical = '';
    parsed = await parser.parseString(input);
  } catch (error) {
    // The canonical document is ours and well-formed: failing here is a bug, reported as such.
    const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new FeedParseError(`rss-parser rejected the canonical document: ${why}`, 'xml', label, error);
  }
  const entries = Array.isArray(parsed.items) ? (parsed.items as FeedEntry[]) : [];
  const ttl = Number(parsed.ttl);
  return {
    format,
    shape: canonicalShape(format),
    title: typeof parsed.title === 'string' ? parsed.title : null,
    link: typeof parsed.link === 'string' ? parsed.link : null,
    language: stringOrNull(parsed.language) ?? stringOrNull(parsed.dcLanguage),
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    entries,
    recovered: { count: recoveredCount, samples: recovered },
    entriesDropped,
  };
}

/** An HTML page instead of a feed: the error names the feeds the page advertises, if any. */
function htmlPageError(text: string, baseUrl: string | undefined, label: string, cause?: unknown): FeedParseError {
  const feeds = findAdvertisedFeeds(text, baseUrl);
  return new FeedParseError(htmlPageMessage(feeds), 'html', label, cause, feeds);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Base of relative links: Content-Location (itself relative to the URL), else the URL. */
function documentBase(feedUrl: string | undefined, contentLocation: string | null | undefined): string | undefined {
  if (contentLocation) {
    try {
      return new URL(contentLocation.trim(), feedUrl).href;
    } catch {
      // An unusable header does not make the document unreadable.
    }
  }
  if (!feedUrl) return undefined;
  try {
    return new URL(feedUrl).href;
  } catch {
    return undefined;
  }
}

/** What a body looks like from its first characters. */
export function describeBody(text: string): BodyShape {
  const head = text.slice(0, 4096);
  const trimmed = head.trimStart();
  if (trimmed === '') return 'empty';
  const replacements = head.match(/\uFFFD/g)?.length ?? 0;
  // Invalid byte sequences decode to U+FFFD: many of them means the bytes were never text.
  if (replacements > 8 && replacements / head.length > 0.05) return 'binary';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  if (looksLikeHtmlPage(head)) return 'html';
  if (!trimmed.startsWith('<')) return 'text';
  return 'xml';
}

/** `<html>` as the root element (not merely a doctype, nor markup inside an item). */
function looksLikeHtmlPage(head: string): boolean {
  const withoutProlog = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>/gi, '');
  const root = withoutProlog.match(/<([A-Za-z_][\w:.-]*)/)?.[1];
  return root?.toLowerCase() === 'html';
}

function shapeMessage(shape: BodyShape, text: string): string {
  switch (shape) {
    case 'empty':
      return 'the body is empty';
    case 'binary':
      return 'the body is binary data, not text';
    default: {
      const start = JSON.stringify(text.trimStart().slice(0, 40));
      return `the body is not XML (it starts with ${start})`;
    }
  }
}
