import { createHash } from 'node:crypto';
import { formatZodIssues } from '../config/format-zod-issues.ts';
import type { NewsItem } from '../messages/schemas.ts';
import { newsItemSchema } from '../messages/schemas.ts';
import type { FeedEntry } from './parse-feed.ts';
import { toPlainText, truncateText } from './plain-text.ts';

/** Bounds on what one item may carry downstream (queue messages, emails). */
export const ITEM_LIMITS = { title: 500, summary: 2000, author: 200, category: 100, categories: 20, guid: 1024 } as const;

/** Characters of raw (HTML) text read per field: far more than the bounds above need. */
const RAW_TEXT_LIMIT = 64 * 1024;

export interface NormalizeContext {
  feedId: string;
  /** The URL the feed was fetched from (after redirects): base of relative links. */
  feedUrl: string;
  /** The outlet's name: the feed's title, else its host. */
  source: string;
}

/** An entry that cannot become a NewsItem; `reason` is a short code for counting. */
export class ItemRejectedError extends Error {
  readonly reason: string;

  constructor(reason: string, detail: string) {
    super(detail);
    this.name = 'ItemRejectedError';
    this.reason = reason;
  }
}

export interface NormalizedItems {
  items: NewsItem[];
  /** Entries skipped, counted by reason (e.g. `{ "no-identity": 2 }`). */
  skipped: Record<string, number>;
}

/**
 * Normalizes every entry of a feed; an entry that cannot be normalized is skipped and counted,
 * never failing the feed. Entries that normalize to the same itemKey are kept once.
 */
export function normalizeItems(entries: readonly FeedEntry[], context: NormalizeContext): NormalizedItems {
  const items: NewsItem[] = [];
  const skipped: Record<string, number> = {};
  const keys = new Set<string>();
  for (const entry of entries) {
    try {
      const item = normalizeItem(entry, context);
      if (keys.has(item.itemKey)) {
        skipped['repeated-in-feed'] = (skipped['repeated-in-feed'] ?? 0) + 1;
        continue;
      }
      keys.add(item.itemKey);
      items.push(item);
    } catch (error) {
      const reason = error instanceof ItemRejectedError ? error.reason : 'error';
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    }
  }
  return { items, skipped };
}

/**
 * One feed entry as a `NewsItem`: plain-text title and summary, absolute link without utm_*
 * parameters, UTC ISO publication date (null when unreadable), a stable itemKey.
 *
 * @throws ItemRejectedError when the entry has nothing to identify it or fails the schema.
 */
export function normalizeItem(entry: FeedEntry, context: NormalizeContext): NewsItem {
  const guid = textOf(entry.guid) ?? textOf(entry.id);
  const trimmedGuid = guid?.trim() ? truncateText(guid.trim(), ITEM_LIMITS.guid) : null;
  const rawSummary = textOf(entry.summary) ?? textOf(entry.content) ?? textOf(entry['content:encoded']) ?? textOf(entry.contentSnippet) ?? '';
  // Only the start is kept anyway; reading no more than this bounds the work per item.
  const summaryText = toPlainText(rawSummary.slice(0, RAW_TEXT_LIMIT));
  let title = toPlainText((textOf(entry.title) ?? '').slice(0, RAW_TEXT_LIMIT));
  // RSS 2.0 allows an item with only a description: let its start stand as the title.
  if (title === '' && summaryText !== '') title = truncateText(summaryText, 120);
  const link =
    normalizeLink(textOf(entry.link), context.feedUrl) ??
    (trimmedGuid && /^https?:\/\//i.test(trimmedGuid) ? normalizeLink(trimmedGuid, context.feedUrl) : null);
  const published = parsePublished(textOf(entry.pubDate) ?? textOf(entry.date) ?? textOf(entry.isoDate));

  const identity = trimmedGuid || link || (title ? `${title}\n${published ?? ''}` : '');
  if (!identity) throw new ItemRejectedError('no-identity', 'item has no guid, link or title');

  const candidate = {
    itemKey: `${context.feedId}#${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`,
    feedId: context.feedId,
    source: context.source,
    guid: trimmedGuid,
    link,
    title: truncateText(title, ITEM_LIMITS.title),
    summary: truncateText(summaryText, ITEM_LIMITS.summary),
    published,
    author: authorOf(entry),
    categories: categoriesOf(entry),
  };
  const result = newsItemSchema.safeParse(candidate);
  if (!result.success) throw new ItemRejectedError('invalid', `item is invalid: ${formatZodIssues(result.error.issues)}`);
  return result.data;
}

/**
 * An absolute http(s) URL resolved against `base`, with utm_* tracking parameters removed;
 * null for anything else (javascript:, mailto:, unparseable).
 */
export function normalizeLink(raw: string | undefined, base: string): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const tracking = [...url.searchParams.keys()].filter((key) => key.toLowerCase().startsWith('utm_'));
  // Only rewrite the query when there is something to remove: re-serialising changes its encoding.
  for (const key of tracking) url.searchParams.delete(key);
  return url.href;
}

/**
 * A feed date as a UTC ISO string, or null when it cannot be read. V8's date parser guesses at
 * almost anything ("foo 12" is a date to it), so a four-digit year is required as well.
 */
export function parsePublished(raw: string | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed || !/\d{4}/.test(trimmed)) return null;
  const time = Date.parse(trimmed);
  if (Number.isNaN(time)) return null;
  const year = new Date(time).getUTCFullYear();
  if (year < 1970 || year > 2200) return null;
  return new Date(time).toISOString();
}

function authorOf(entry: FeedEntry): string | null {
  const raw = textOf(entry.creator) ?? textOf(entry.author) ?? textOf(entry['dc:creator']);
  const author = raw ? toPlainText(raw) : '';
  return author ? truncateText(author, ITEM_LIMITS.author) : null;
}

function categoriesOf(entry: FeedEntry): string[] {
  const raw = Array.isArray(entry.rawCategories) ? entry.rawCategories : Array.isArray(entry.categories) ? entry.categories : [];
  const seen = new Set<string>();
  for (const value of raw.slice(0, ITEM_LIMITS.categories * 3)) {
    // RSS: text, or { _: text, $: { domain } }; Atom: { $: { term, label } }.
    const attrs = (value as { $?: { term?: unknown; label?: unknown } } | null)?.$;
    const text = textOf(value) ?? textOf(attrs?.label) ?? textOf(attrs?.term);
    const category = text ? truncateText(toPlainText(text), ITEM_LIMITS.category) : '';
    if (category) seen.add(category);
    if (seen.size >= ITEM_LIMITS.categories) break;
  }
  return [...seen];
}

/** A string field of an rss-parser entry: plain strings, or xml2js's `{ _: text }` for elements with attributes. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === 'object' && typeof (value as { _?: unknown })._ === 'string') {
    return (value as { _: string })._;
  }
  return undefined;
}
