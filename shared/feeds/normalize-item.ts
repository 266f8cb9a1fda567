import { createHash } from 'node:crypto';
import { formatZodIssues } from '../core/validation-issues.ts';
import type { NewsItem } from '../messages/schemas.ts';
import { newsItemSchema } from '../messages/schemas.ts';
import { takenAsItIs } from './news-item-check.ts';
import { normalizeLink } from './normalize-link.ts';
import type { FeedEntry, ParsedFeed } from './parse-feed.ts';
import { toPlainText, toPlainXmlText, truncateText, withoutXmlIllegalCharacters } from './plain-text.ts';
import type { FeedFormat } from './xml-document.ts';

export { normalizeLink } from './normalize-link.ts';

/** Bounds on what one item may carry downstream (queue messages, emails). */
export const ITEM_LIMITS = { title: 500, summary: 2000, author: 200, category: 100, categories: 20, guid: 1024 } as const;

/** Characters of raw (HTML) text read per field, and of plain text kept as `content`. */
const RAW_TEXT_LIMIT = 64 * 1024;

/**
 * How an item's identity (its itemKey) is chosen:
 * - `auto` (default): the guid / Atom id; the link for entries whose guid is missing or shared
 *   by entries with different links (a broken CMS); else title + date;
 * - `guid`, `link`: that field first, then the same fallbacks;
 * - `content`: a hash of title and summary, for feeds whose ids and links change every poll.
 */
export type ItemIdPolicy = 'auto' | 'guid' | 'link' | 'content';

export interface NormalizeContext {
  feedId: string;
  /** The URL the feed was fetched from (after redirects): base of relative links. */
  feedUrl: string;
  /** The outlet's name: the feed's title, else its host. */
  source: string;
  idPolicy?: ItemIdPolicy;
}

/** One entry in plain terms, before it becomes a NewsItem (what `news-alerts parse` prints). */
export interface NormalizedEntry {
  /** guid, Atom id or RDF about, as written (trimmed; Atom ids are never rewritten). */
  id: string | null;
  title: string;
  /** Absolute http(s) link: publisher URL (origLink) first, tracking parameters removed. */
  link: string | null;
  published: string | null;
  updated: string | null;
  /** Plain text of the summary (else of the content). */
  summary: string;
  /** Plain text of the full content, kept apart from the summary (bounded). */
  content: string;
  author: string | null;
  categories: string[];
  language: string | null;
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

/** Plain text of a field read as HTML, bounded, without characters no feed text should hold. */
function plain(html: string | undefined): string {
  return html ? toPlainXmlText(html.slice(0, RAW_TEXT_LIMIT)) : '';
}

/**
 * Reads one parsed entry (see `parseFeed`) in plain terms. Its dates are already UTC ISO and its
 * links resolved; text becomes plain text and links canonical. Never throws: a field it cannot
 * read is empty or null.
 *
 * @param format the source's format: an Atom or JSON Feed entry is identified by its id alone.
 */
export function normalizeEntry(entry: FeedEntry, feedUrl: string | undefined, format: FeedFormat = 'rss2'): NormalizedEntry {
  const rawId = isAtomOrJson(format) ? entry.id : (entry.guid ?? entry.id);
  const id = rawId === undefined ? undefined : withoutXmlIllegalCharacters(rawId).trim();
  const content = plain(entry.content);
  const summary = plain(entry.summary) || content;
  return {
    id: id || null,
    title: plain(entry.title),
    link: normalizeLink(entry.origLink, feedUrl) ?? normalizeLink(entry.link, feedUrl),
    published: entry.published ?? null,
    updated: entry.updated ?? null,
    summary,
    content: content === summary ? '' : content,
    author: authorName(entry.authors[0] === undefined ? undefined : withoutXmlIllegalCharacters(entry.authors[0])),
    categories: categoriesOf(entry.categories),
    language: entry.language?.trim() || null,
  };
}

function isAtomOrJson(format: FeedFormat): boolean {
  return format === 'atom10' || format === 'atom03' || format === 'json10' || format === 'json11';
}

/**
 * Every entry of a parsed feed in plain terms, once: `readFeed` gives them to every reader
 * (`pollFeed` makes NewsItems of them with `normalizeItems`). Entries are never dropped here
 * (an entry with nothing in it is still an entry of the document).
 */
export function normalizeEntries(parsed: Pick<ParsedFeed, 'entries' | 'format'>, feedUrl: string | undefined): NormalizedEntry[] {
  return parsed.entries.map((entry) => normalizeEntry(entry, feedUrl, parsed.format));
}

/**
 * Makes a NewsItem of every normalized entry of a feed; an entry that cannot become one is
 * skipped and counted, never failing the feed. Entries that normalize to the same itemKey are
 * kept once.
 */
export function normalizeItems(entries: readonly NormalizedEntry[], context: NormalizeContext): NormalizedItems {
  const unusableGuids = findUnusableIds(entries);
  const items: NewsItem[] = [];
  const skipped: Record<string, number> = {};
  const keys = new Set<string>();
  for (const entry of entries) {
    try {
      const item = toNewsItem(entry, context, unusableGuids);
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
 * One parsed entry as a NewsItem (see `normalizeEntry` and `toNewsItem`).
 *
 * @throws ItemRejectedError when the entry has nothing to identify it or fails the schema.
 */
export function normalizeItem(entry: FeedEntry, context: NormalizeContext, format: FeedFormat = 'rss2'): NewsItem {
  return toNewsItem(normalizeEntry(entry, context.feedUrl, format), context);
}

/**
 * A normalized entry as the NewsItem the pipeline carries: bounded title and summary, the
 * publication date (`published`, else `updated`), a stable itemKey per the feed's id policy.
 *
 * @param unusableIds ids shared by entries with different links in the same document.
 * @throws ItemRejectedError when the entry has nothing to identify it or fails the schema.
 */
export function toNewsItem(entry: NormalizedEntry, context: NormalizeContext, unusableIds: ReadonlySet<string> = new Set()): NewsItem {
  const guid = entry.id ? truncateText(entry.id, ITEM_LIMITS.guid) : null;
  let title = entry.title;
  // RSS 2.0 allows an item with only a description: let its start stand as the title.
  if (title === '' && entry.summary !== '') title = truncateText(entry.summary, 120);
  const published = entry.published ?? entry.updated;

  const identity = identityOf(entry, guid, title, published, context.idPolicy ?? 'auto', unusableIds);
  if (!identity) throw new ItemRejectedError('no-identity', 'item has no guid, link or title');

  const candidate: NewsItem = {
    itemKey: `${context.feedId}#${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`,
    feedId: context.feedId,
    source: context.source,
    guid,
    link: entry.link,
    title: truncateText(title, ITEM_LIMITS.title),
    summary: truncateText(entry.summary, ITEM_LIMITS.summary),
    published,
    author: entry.author ? truncateText(entry.author, ITEM_LIMITS.author) : null,
    categories: entry.categories.slice(0, ITEM_LIMITS.categories).map((c) => truncateText(c, ITEM_LIMITS.category)),
  };
  if (takenAsItIs(candidate)) return candidate;
  const result = newsItemSchema.safeParse(candidate);
  if (!result.success) throw new ItemRejectedError('invalid', `item is invalid: ${formatZodIssues(result.error.issues)}`);
  return result.data;
}

function identityOf(
  entry: NormalizedEntry,
  guid: string | null,
  title: string,
  published: string | null,
  policy: ItemIdPolicy,
  unusableIds: ReadonlySet<string>,
): string {
  const byContent = title || entry.summary ? `content\n${title}\n${entry.summary.slice(0, 500)}` : '';
  const byTitle = title ? `${title}\n${published ?? ''}` : '';
  const usableGuid = guid && !unusableIds.has(guid) ? guid : null;
  switch (policy) {
    case 'content':
      return byContent || usableGuid || entry.link || '';
    case 'link':
      return entry.link || usableGuid || byTitle;
    default:
      // Unchanged since the first version for every entry with a usable guid, so stored keys hold.
      return usableGuid || entry.link || byTitle;
  }
}

/** Ids that several entries of one document share while pointing at different links. */
function findUnusableIds(entries: readonly NormalizedEntry[]): Set<string> {
  const links = new Map<string, Set<string>>();
  for (const entry of entries) {
    // Only links tell stories apart reliably; a repeated id without one is the same item twice.
    if (!entry.id || !entry.link) continue;
    const set = links.get(entry.id) ?? new Set<string>();
    set.add(entry.link);
    links.set(entry.id, set);
  }
  return new Set([...links].filter(([, set]) => set.size > 1).map(([id]) => id));
}

const EMAIL = String.raw`[^\s@()<>]+@[^\s@()<>]+`;
const AUTHOR_PATTERNS = [
  new RegExp(String.raw`^${EMAIL}\s*\((.+)\)$`),
  new RegExp(String.raw`^(.+?)\s*<${EMAIL}>$`),
  new RegExp(String.raw`^(.+?)\s*\(${EMAIL}\)$`),
  new RegExp(`^<?(${EMAIL})>?$`),
];

/**
 * The display name of an author: `me@example.com (Name)`, `Name <me@example.com>` and
 * `Name (me@example.com)` all give `Name`; a bare e-mail address is the name.
 */
export function authorName(raw: string | undefined): string | null {
  const text = raw ? toPlainText(raw) : '';
  if (!text) return null;
  for (const pattern of AUTHOR_PATTERNS) {
    const name = pattern
      .exec(text)?.[1]
      ?.trim()
      .replace(/^["']|["']$/g, '');
    if (name) return truncateText(name, ITEM_LIMITS.author);
  }
  return truncateText(text, ITEM_LIMITS.author);
}

function categoriesOf(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const value of raw.slice(0, ITEM_LIMITS.categories * 3)) {
    const category = truncateText(plain(value), ITEM_LIMITS.category);
    if (category) seen.add(category);
    if (seen.size >= ITEM_LIMITS.categories) break;
  }
  return [...seen];
}
