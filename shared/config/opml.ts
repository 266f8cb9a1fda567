/**
 * OPML feed lists (OPML 1.0 and 2.0, as Miniflux, rss2email, NetNewsWire and most readers
 * export them): read into feed definitions with their categories as tags, and written back so
 * that export → import → export gives the same bytes.
 *
 * Categories come from the folders an outline sits in (`<outline text="World"><outline
 * xmlUrl=…/></outline>` gives the tag `World`; nested folders `News/World`) and from OPML 2.0's
 * `category` attribute (comma-separated, a leading `/` dropped). The reader is sax in strict mode
 * with no DTD processing at all: a document that declares entities is refused (OPML never needs
 * one; they are how XXE and billion-laughs attacks arrive), and the work is bounded by size,
 * outline count and depth.
 */
import sax from 'sax';
import { ConfigError } from '../core/errors.ts';

/** One feed of an OPML document. */
export interface OpmlFeed {
  /** The outline's `xmlUrl`. */
  url: string;
  /** `title`, else `text`; undefined when both are blank. */
  title?: string;
  /** Categories, sorted, each once. */
  tags: string[];
  /** The 1-based line of the outline, for messages. */
  line: number;
}

/** A feed to write: what the store holds of it. */
export interface OpmlExportFeed {
  feedId: string;
  url: string;
  title?: string | undefined;
  tags?: string[] | undefined;
}

export const OPML_LIMITS = {
  /** Bytes of OPML read: a list of 10 000 feeds is about 2 MB. */
  maxBytes: 8 * 1024 * 1024,
  maxOutlines: 10_000,
  maxDepth: 32,
  /** Characters of a title or tag kept. */
  maxTextChars: 200,
} as const;

/** What reading an OPML document found: its feeds, and feeds listed more than once (merged). */
export interface OpmlDocument {
  title?: string;
  feeds: OpmlFeed[];
  /** URLs listed more than once: kept once, with the tags of every listing. */
  duplicates: string[];
}

/**
 * Reads an OPML document. Outlines with an `xmlUrl` are feeds; outlines without one are folders
 * (their text a category of what they hold). A feed outline whose URL is missing or not http(s)
 * is an error naming its line, as is anything that makes the document unreadable.
 *
 * @param source what errors name the document by (a path).
 * @throws ConfigError listing every problem found.
 */
export function parseOpml(text: string, source: string): OpmlDocument {
  if (Buffer.byteLength(text, 'utf8') > OPML_LIMITS.maxBytes) {
    throw new ConfigError(`OPML file is too large: over ${OPML_LIMITS.maxBytes} bytes (${source})`);
  }
  const parser = sax.parser(true, { position: true });
  const problems: string[] = [];
  const folders: (string | undefined)[] = [];
  const byUrl = new Map<string, OpmlFeed>();
  const duplicates = new Set<string>();
  let outlines = 0;
  let root: string | undefined;
  let inHeadTitle = false;
  let title = '';

  parser.ondoctype = (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      throw new ConfigError(`OPML file refused: it declares DTD entities, which OPML never needs (entity expansion or XXE) (${source})`);
    }
  };
  parser.onopentag = (tag) => {
    const name = tag.name.toLowerCase();
    const attrs = tag.attributes as Record<string, string>;
    if (root === undefined) {
      root = name;
      if (name !== 'opml') throw new ConfigError(`not an OPML file: the root element is <${tag.name}>, not <opml> (${source})`);
      return;
    }
    if (name === 'title' && folders.length === 0) inHeadTitle = true;
    if (name !== 'outline') return;
    if (++outlines > OPML_LIMITS.maxOutlines) {
      throw new ConfigError(`OPML file has more than ${OPML_LIMITS.maxOutlines} outlines (${source})`);
    }
    if (folders.length >= OPML_LIMITS.maxDepth) {
      throw new ConfigError(`OPML outlines nest deeper than ${OPML_LIMITS.maxDepth} levels (${source})`);
    }
    const line = parser.line + 1;
    const get = (key: string) => attribute(attrs, key);
    const xmlUrl = get('xmlurl');
    const isFeed = xmlUrl !== undefined || /^(rss|atom|feed|json)$/i.test(get('type') ?? '');
    const label = clip(get('title') ?? get('text'));
    // The folders this outline sits in; a feed nested in a feed outline (some exporters nest items) has none.
    const parents = folders.some((f) => f === undefined) ? undefined : ([...folders] as string[]);
    if (!isFeed) {
      folders.push(label ?? '');
      return;
    }
    folders.push(undefined);
    if (xmlUrl === undefined) {
      problems.push(`line ${line}: the feed outline "${label ?? '(untitled)'}" has no xmlUrl`);
      return;
    }
    if (!isHttpUrl(xmlUrl)) {
      problems.push(`line ${line}: xmlUrl must be an http(s) URL, got "${clip(xmlUrl)}"`);
      return;
    }
    const tags = [
      ...(parents ? folderTag(parents) : []),
      ...(get('category') ?? '')
        .split(',')
        .map((c) => clip(c.trim().replace(/^\/+|\/+$/g, '')))
        .filter((c): c is string => c !== undefined),
    ];
    const existing = byUrl.get(xmlUrl);
    if (existing) {
      duplicates.add(xmlUrl);
      existing.tags = sortedUnique([...existing.tags, ...tags]);
      existing.title ??= label;
      return;
    }
    byUrl.set(xmlUrl, { url: xmlUrl, ...(label ? { title: label } : {}), tags: sortedUnique(tags), line });
  };
  parser.onclosetag = (name) => {
    if (name.toLowerCase() === 'outline') folders.pop();
    if (name.toLowerCase() === 'title') inHeadTitle = false;
  };
  parser.ontext = (value) => {
    if (inHeadTitle) title += value;
  };
  parser.onerror = (error) => {
    throw new ConfigError(`OPML file is not well-formed XML: ${error.message.split('\n').join(' ').trim()} (${source})`);
  };

  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`OPML file could not be read: ${(error as Error).message.split('\n')[0]} (${source})`);
  }
  if (root === undefined) throw new ConfigError(`not an OPML file: it holds no XML element (${source})`);
  if (problems.length > 0) {
    throw new ConfigError(
      `OPML file has ${problems.length} bad feed outline${problems.length === 1 ? '' : 's'} (${source}):\n  ${problems.join('\n  ')}`,
    );
  }
  const headTitle = clip(title.trim());
  return { ...(headTitle ? { title: headTitle } : {}), feeds: [...byUrl.values()], duplicates: [...duplicates] };
}

/**
 * Writes feeds as OPML 2.0: feeds without tags at the top, then one folder per first tag (in
 * order), further tags in the `category` attribute. Nothing time-dependent is written, so the
 * same feeds always give the same document.
 */
export function renderOpml(feeds: readonly OpmlExportFeed[], title = 'news-alerts feeds'): string {
  const sorted = [...feeds].sort((a, b) => compare(a.feedId, b.feedId));
  const line = (feed: OpmlExportFeed, indent: string, others: string[]) => {
    const name = escapeAttribute(feed.title ?? feed.feedId);
    const category = others.length > 0 ? ` category="${escapeAttribute(others.map((tag) => `/${tag}`).join(','))}"` : '';
    return `${indent}<outline type="rss" text="${name}" title="${name}" xmlUrl="${escapeAttribute(feed.url)}"${category}/>`;
  };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>${escapeText(title)}</title></head>`,
    '  <body>',
  ];
  const groups = new Map<string, string[]>();
  for (const feed of sorted) {
    const [first, ...others] = sortedUnique(feed.tags ?? []);
    if (first === undefined) {
      out.push(line(feed, '    ', []));
      continue;
    }
    const group = groups.get(first) ?? [];
    group.push(line(feed, '      ', others));
    groups.set(first, group);
  }
  for (const [tag, lines] of [...groups].sort(([a], [b]) => compare(a, b))) {
    out.push(`    <outline text="${escapeAttribute(tag)}" title="${escapeAttribute(tag)}">`, ...lines, '    </outline>');
  }
  out.push('  </body>', '</opml>', '');
  return out.join('\n');
}

/**
 * Feed ids for imported feeds: the id of a stored feed with the same URL (importing again
 * updates it), else a slug of the title (or host), made unique with `-2`, `-3`…
 */
export function assignFeedIds(
  feeds: readonly { url: string; title?: string | undefined }[],
  existing: readonly { feedId: string; url: string }[],
): string[] {
  const idByUrl = new Map(existing.map((feed) => [feed.url, feed.feedId]));
  const taken = new Set(existing.map((feed) => feed.feedId));
  return feeds.map((feed) => {
    const known = idByUrl.get(feed.url);
    if (known !== undefined) return known;
    const base = slugOf(feed.title) || slugOf(new URL(feed.url).hostname.replace(/^www\./, '')) || 'feed';
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 60)}-${n}`;
    taken.add(id);
    return id;
  });
}

/** Lower-case a-z0-9 words joined by `-`, at most 48 characters (the id pattern allows 64). */
function slugOf(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/** A folder path as one tag: `News/World`. */
function folderTag(folders: string[]): string[] {
  const named = folders.filter((folder) => folder !== '');
  return named.length > 0 ? [clip(named.join('/'))!] : [];
}

/** Attributes by lower-cased name: exporters write `xmlUrl`, `xmlurl` and `XMLURL`. */
function attribute(attrs: Record<string, string>, key: string): string | undefined {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.toLowerCase() === key) return value.trim() === '' ? undefined : value.trim();
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

function clip(text: string | undefined): string | undefined {
  const trimmed = text?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed.slice(0, OPML_LIMITS.maxTextChars) : undefined;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Code-point order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
