/**
 * JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) read into the same document the XML
 * pass produces (`XmlFeedDocument`), so one canonical rendering, one normalizer and one item shape
 * serve RSS, Atom and JSON alike. Text fields become HTML as the XML pass makes them: `title`,
 * `summary` and `content_text` are plain text (escaped), `content_html` is HTML.
 */
import { parseFeedDate } from './parse-date.ts';
import { HostileXmlError, NotAFeedError, XML_LIMITS, type XmlFeedDocument, type XmlFeedEntry } from './xml-document.ts';
import { resolveUrl } from './xml-links.ts';
import { escapeHtml } from './xml-text-constructs.ts';

/** The version URLs this reader knows; others with an `items` array are read as 1.1. */
const VERSION_PREFIX = 'https://jsonfeed.org/version/';

export interface ReadJsonFeedOptions {
  /** Base of relative URLs: the document's URL (else its own `feed_url`). */
  baseUrl?: string;
  /** Items read at most; the rest are counted in `entriesDropped`. */
  maxEntries?: number;
}

/**
 * Reads a JSON Feed document.
 *
 * @throws NotAFeedError when the text is JSON but not a JSON Feed (no `items` array).
 * @throws HostileXmlError when the text does not parse (too deep, truncated, not JSON).
 */
export function readJsonFeed(text: string, options: ReadJsonFeedOptions = {}): XmlFeedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // A RangeError here is a document nested deeper than the stack: refused like deep XML.
    throw new HostileXmlError(`JSON could not be read: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(value) || !Array.isArray(value.items)) {
    throw new NotAFeedError('the body is JSON, not a JSON Feed (no "items" array)', 'json');
  }
  const version = typeof value.version === 'string' ? value.version.trim() : '';
  const format = version === `${VERSION_PREFIX}1` ? 'json10' : 'json11';
  const base = options.baseUrl ?? absoluteOrUndefined(value.feed_url);
  const maxEntries = options.maxEntries ?? XML_LIMITS.maxEntries;
  const feedAuthors = authorsOf(value);
  const items = value.items.filter(isObject);
  const entries = items.slice(0, maxEntries).map((item) => entryOf(item, base, feedAuthors));
  const title = stringOf(value.title);
  const link = urlOf(value.home_page_url, base);
  const language = stringOf(value.language);
  return {
    format,
    ...(title ? { title: escapeHtml(title) } : {}),
    ...(link ? { link } : {}),
    ...(language ? { language } : {}),
    entries,
    recovered: [],
    recoveredCount: 0,
    entriesDropped: Math.max(0, items.length - maxEntries),
  };
}

function entryOf(item: Record<string, unknown>, base: string | undefined, feedAuthors: string[]): XmlFeedEntry {
  // Ids are strings in 1.1; 1.0 feeds in the wild send numbers, which the spec says to read as strings.
  const id = typeof item.id === 'number' && Number.isFinite(item.id) ? String(item.id) : stringOf(item.id);
  const title = stringOf(item.title);
  const summary = stringOf(item.summary);
  const html = stringOf(item.content_html);
  const text = stringOf(item.content_text);
  const own = authorsOf(item);
  const entry: XmlFeedEntry = {
    // Items without authors take the feed's (JSON Feed 1.1 §authors).
    authors: own.length > 0 ? own : feedAuthors,
    categories: Array.isArray(item.tags) ? item.tags.flatMap((tag) => (stringOf(tag) ? [stringOf(tag)!] : [])) : [],
  };
  if (id) entry.id = id;
  const link = urlOf(item.url, base) ?? urlOf(item.external_url, base);
  if (link) entry.link = link;
  if (title) entry.title = escapeHtml(title);
  if (summary) entry.summary = escapeHtml(summary);
  const content = html ?? (text ? escapeHtml(text).replace(/\r?\n/g, '<br>') : undefined);
  if (content) entry.content = content;
  const published = parseFeedDate(stringOf(item.date_published));
  const updated = parseFeedDate(stringOf(item.date_modified));
  if (published) entry.published = published;
  if (updated) entry.updated = updated;
  const language = stringOf(item.language);
  if (language) entry.language = language;
  return entry;
}

/** `authors` (1.1), else `author` (1.0): their names, else their URLs. */
function authorsOf(owner: Record<string, unknown>): string[] {
  const list = Array.isArray(owner.authors) ? owner.authors : isObject(owner.author) ? [owner.author] : [];
  return list.filter(isObject).flatMap((author) => {
    const name = stringOf(author.name) ?? stringOf(author.url);
    return name ? [name] : [];
  });
}

/** A string field, trimmed and bounded as the XML pass bounds a field; undefined when blank or not a string. */
function stringOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, XML_LIMITS.maxFieldChars);
}

function urlOf(value: unknown, base: string | undefined): string | undefined {
  const text = stringOf(value);
  return text ? (resolveUrl(text, base) ?? text) : undefined;
}

function absoluteOrUndefined(value: unknown): string | undefined {
  const text = stringOf(value);
  return text && URL.canParse(text) ? text : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
