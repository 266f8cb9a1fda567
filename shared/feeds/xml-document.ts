/**
 * What the first pass over a feed's XML produces (`XmlFeedDocument`), the errors that refuse a
 * document, the limits that bound the work, and the element tree a field is kept as while it is
 * read (`FieldNode`, `Draft`), shared by the reader and the field extraction.
 */

/** The source's format; `json10` / `json11` are JSON Feed (read by `read-json-feed.ts`, not the XML pass). */
export type FeedFormat = 'rss2' | 'rss1' | 'rss09x' | 'atom10' | 'atom03' | 'unknown-rss' | 'json10' | 'json11';

/** One entry, every text field as HTML, links absolute where a base was known, dates UTC ISO. */
export interface XmlFeedEntry {
  /** Atom id, or RSS 1.0 `rdf:about`. */
  id?: string;
  guid?: string;
  guidIsPermaLink?: boolean;
  /** The alternate link (RSS `<link>`, Atom `rel="alternate"`, or a permalink guid). */
  link?: string;
  /** `feedburner:origLink` / `pheedo:origLink`: the publisher's URL behind a tracking redirect. */
  origLink?: string;
  title?: string;
  summary?: string;
  content?: string;
  published?: string;
  updated?: string;
  /** Raw author strings (`Name`, `me@example.com (Name)`, …), first first. */
  authors: string[];
  categories: string[];
  language?: string;
}

export interface XmlFeedDocument {
  format: FeedFormat;
  /** Feed title as HTML. */
  title?: string;
  link?: string;
  language?: string;
  /** Minutes the feed asks readers to wait between polls (`<ttl>`, `sy:updatePeriod`). */
  ttlMinutes?: number;
  entries: XmlFeedEntry[];
  /** Well-formedness errors recovered from (first few), and how many there were. */
  recovered: string[];
  recoveredCount: number;
  /** Entries beyond `maxEntries`, not read. */
  entriesDropped: number;
}

export interface ReadFeedXmlOptions {
  /** Base of relative links: the Content-Location, else the URL the document came from. */
  baseUrl?: string;
  /** Entries read at most; the rest are counted in `entriesDropped`. */
  maxEntries?: number;
}

/** What a document is, when it is XML but not a feed we read (an HTML page, another vocabulary). */
export class NotAFeedError extends Error {
  readonly looksLike: 'html' | 'xml' | 'json';
  readonly rootElement?: string;

  constructor(message: string, looksLike: 'html' | 'xml' | 'json', rootElement?: string) {
    super(message);
    this.name = 'NotAFeedError';
    this.looksLike = looksLike;
    this.rootElement = rootElement;
  }
}

/** The document is refused on purpose (entity attacks, too broken to read). */
export class HostileXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostileXmlError';
  }
}

export const XML_LIMITS = {
  /** Entries read per document. */
  maxEntries: 10_000,
  /** Characters kept per field (title, summary, content…); the rest is dropped. */
  maxFieldChars: 256 * 1024,
  /** Elements kept per field (inline XHTML); deeper or further markup is flattened to text. */
  maxFieldNodes: 5_000,
  maxFieldDepth: 64,
  /** Well-formedness errors recovered from before the document is given up on. */
  maxErrors: 1_000,
  /** Element nesting: feeds are a few dozen levels deep; thousands is an attack on the parser. */
  maxDepth: 1_000,
  /** Fields kept per entry (and for the feed itself); further children are skipped. */
  maxFieldsPerEntry: 500,
  /** Internal DTD entities: how many, how long each, and how many characters all uses may add. */
  maxEntities: 64,
  maxEntityLength: 1_024,
  maxEntityExpansion: 64 * 1024,
} as const;

/** `family:local`, local name lower-cased: feeds are inconsistent about case (`pubdate`). */
export type Key = string;

export interface FieldNode {
  key: Key;
  /** Local name as written, for serializing inline XHTML. */
  local: string;
  attrs: Record<string, string>;
  children: (FieldNode | string)[];
  /** Resolved xml:base in scope at this element. */
  base?: string;
  lang?: string;
}

/** One entry as read: its fields, in document order, with the base and language in scope. */
export interface Draft {
  fields: FieldNode[];
  base?: string;
  lang?: string;
  about?: string;
}
