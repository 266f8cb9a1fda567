import type { BodyShape } from './errors.ts';
import { FeedParseError } from './errors.ts';
import { findAdvertisedFeeds, htmlPageMessage } from './advertised-feeds.ts';
import { readFeedXml } from './read-feed-xml.ts';
import { readJsonFeed } from './read-json-feed.ts';
import { HostileXmlError, NotAFeedError, type FeedFormat, type XmlFeedDocument, type XmlFeedEntry } from './xml-document.ts';

/** One entry as the parse reads it (text fields as HTML, links resolved, dates ISO): read by `normalizeEntry`. */
export type FeedEntry = XmlFeedEntry;

export interface ParsedFeed {
  /** The source's format (`rss2`, `rss1`, `atom10`, `json11`, …). */
  format: FeedFormat;
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

/**
 * Parses feed text (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 — JSON told by its first
 * non-space character) in one pass: `readFeedXml` (namespaces, xml:base, text-construct types,
 * dates, DTD entities, recovery from broken XML) or `readJsonFeed` builds the entries directly.
 * A body that is not a feed fails with a `FeedParseError` saying what it looks like instead (an
 * HTML page, other JSON, binary, empty), since that is what an operator needs to fix the feed's
 * URL.
 *
 * @param options the document's URL (a string is taken as `feedUrl`).
 */
export async function parseFeed(text: string, options: ParseFeedOptions | string = {}): Promise<ParsedFeed> {
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

  let doc: XmlFeedDocument;
  try {
    doc = shape === 'json' ? readJsonFeed(text, { baseUrl, maxEntries }) : readFeedXml(text, { baseUrl, maxEntries });
  } catch (error) {
    if (error instanceof NotAFeedError && error.looksLike === 'html') throw htmlPageError(text, baseUrl, label, error);
    if (error instanceof NotAFeedError) throw new FeedParseError(error.message, error.looksLike, label, error);
    if (error instanceof HostileXmlError) throw new FeedParseError(`refused: ${error.message}`, shape, label, error);
    throw error;
  }
  const ttl = doc.ttlMinutes;
  return {
    format: doc.format,
    title: doc.title || null,
    link: doc.link || null,
    language: stringOrNull(doc.language),
    ttlMinutes: ttl !== undefined && Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    entries: doc.entries,
    recovered: { count: doc.recoveredCount, samples: doc.recovered },
    entriesDropped: doc.entriesDropped,
  };
}

/** An HTML page instead of a feed: the error names the feeds the page advertises, if any. */
function htmlPageError(text: string, baseUrl: string | undefined, label: string, cause?: unknown): FeedParseError {
  const feeds = findAdvertisedFeeds(text, baseUrl);
  return new FeedParseError(htmlPageMessage(feeds), 'html', label, cause, feeds);
}

function stringOrNull(value: string | undefined): string | null {
  return value !== undefined && value.trim() !== '' ? value.trim() : null;
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
