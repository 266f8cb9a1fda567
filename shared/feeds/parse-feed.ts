import Parser from 'rss-parser';
import type { BodyShape } from './errors.ts';
import { FeedParseError } from './errors.ts';

/** One entry as rss-parser gives it: loosely typed, read defensively by `normalizeItem`. */
export type FeedEntry = Record<string, unknown>;

export interface ParsedFeed {
  /** The feed's own title (raw, may hold markup), if any. */
  title: string | null;
  link: string | null;
  entries: FeedEntry[];
}

type AtomEntry = Record<string, unknown>;
type AtomItemParser = (entry: AtomEntry) => FeedEntry;

/**
 * rss-parser converts Atom dates with `new Date(x).toISOString()`, which throws on a garbage
 * date and so fails the whole feed. This parser retries such an entry without its dates and
 * keeps the raw text, which the normalizer turns into `published: null`.
 */
function createParser(): Parser {
  const parser = new Parser({
    customFields: { item: [['category', 'rawCategories', { keepArray: true }]] },
  });
  const holder = parser as unknown as { parseItemAtom: AtomItemParser };
  const original = holder.parseItemAtom.bind(parser);
  holder.parseItemAtom = function parseItemAtomTolerant(entry: AtomEntry): FeedEntry {
    try {
      return original(entry);
    } catch {
      const { published, updated, ...rest } = entry;
      const item = original(rest);
      item.pubDate = firstText(published) ?? firstText(updated);
      return item;
    }
  };
  return parser;
}

function firstText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/**
 * Parses feed text (RSS 0.9x/1.0/2.0 or Atom) with rss-parser. A body that is not a feed fails
 * with a `FeedParseError` that says what it looks like instead (an HTML page, JSON, binary,
 * empty), since that is what an operator needs to fix the feed's URL.
 */
export async function parseFeed(text: string, feedUrl: string): Promise<ParsedFeed> {
  const shape = describeBody(text);
  if (shape !== 'xml') throw new FeedParseError(shapeMessage(shape, text), shape, feedUrl);

  let parsed: { title?: unknown; link?: unknown; items?: unknown };
  try {
    // A parser per call: xml2js keeps per-parse state on its instance.
    parsed = await createParser().parseString(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (looksLikeHtml(text)) throw new FeedParseError(`the body is an HTML page, not a feed`, 'html', feedUrl, error);
    if (/not recognized as RSS/i.test(why)) {
      throw new FeedParseError(`XML but not RSS or Atom (root element <${rootElement(text) ?? '?'}>)`, 'xml', feedUrl, error);
    }
    throw new FeedParseError(`invalid XML: ${why}`, 'xml', feedUrl, error);
  }
  const entries = Array.isArray(parsed.items) ? (parsed.items as FeedEntry[]) : [];
  return {
    title: typeof parsed.title === 'string' ? parsed.title : null,
    link: typeof parsed.link === 'string' ? parsed.link : null,
    entries,
  };
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
  if (looksLikeHtml(head)) return 'html';
  if (!trimmed.startsWith('<')) return 'text';
  return 'xml';
}

/** An HTML doctype, or `<html>` as the root element (not merely inside an item's markup). */
function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*<!doctype\s+html/i.test(head) || rootElement(head)?.toLowerCase() === 'html';
}

function rootElement(text: string): string | undefined {
  const withoutProlog = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '');
  return withoutProlog.match(/<([A-Za-z_][\w:.-]*)/)?.[1];
}

function shapeMessage(shape: BodyShape, text: string): string {
  switch (shape) {
    case 'empty':
      return 'the body is empty';
    case 'binary':
      return 'the body is binary data, not text';
    case 'json':
      return 'the body is JSON, not an RSS or Atom feed';
    case 'html':
      return 'the body is an HTML page, not a feed';
    default: {
      const start = JSON.stringify(text.trimStart().slice(0, 40));
      return `the body is not XML (it starts with ${start})`;
    }
  }
}
