import sax from 'sax';
import { parseFeedDate } from './parse-date.ts';

/**
 * The namespace-aware first pass over a feed's XML. rss-parser (through xml2js) matches element
 * names by their literal prefix, drops `xml:base`, loses the `type` of Atom text constructs,
 * expands no DTD entity and rejects a whole document for one undefined entity. This pass reads
 * the document with sax (the tokenizer xml2js itself uses) in strict, namespace-aware mode,
 * recovers from well-formedness errors the way feed readers do, and extracts each field with its
 * meaning settled:
 *
 * - elements are identified by namespace URI, not prefix (`a:feed`, `rss:item`, RSS 2.0 in a
 *   namespace);
 * - relative links are resolved against `xml:base`, then the document's URL;
 * - every text construct becomes HTML (Atom `type="text"` is escaped, `xhtml` is serialized,
 *   Atom 0.3 base64 is decoded), so one plain-text conversion fits all;
 * - dates are parsed by `parseFeedDate` (unreadable ones are dropped, never guessed);
 * - internal DTD entities are expanded only when they are plain text of bounded size;
 *   entities that reference other entities (billion laughs) or external resources (XXE) make
 *   the document refused when they are used; nothing is ever fetched.
 *
 * `renderCanonicalXml` writes the result as a plain RSS 2.0 or Atom 1.0 document for rss-parser.
 */

export type FeedFormat = 'rss2' | 'rss1' | 'rss09x' | 'atom10' | 'atom03' | 'unknown-rss';

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
  readonly looksLike: 'html' | 'xml';
  readonly rootElement?: string;

  constructor(message: string, looksLike: 'html' | 'xml', rootElement?: string) {
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

const NS: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom03',
  'http://purl.org/rss/1.0/': 'rss',
  'http://my.netscape.com/rdf/simple/0.9/': 'rss090',
  'http://backend.userland.com/rss2': 'rss',
  'http://backend.userland.com/rss': 'rss',
  'http://blogs.law.harvard.edu/tech/rss': 'rss',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://www.pheedo.com/namespace/pheedo': 'pheedo',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.w3.org/xml/1998/namespace': 'xml',
};

/** Prefixes used without a declaration (common in the wild), read as their usual namespace. */
const USUAL_PREFIXES = new Set(['dc', 'dcterms', 'content', 'feedburner', 'pheedo', 'atom', 'rdf', 'sy', 'xhtml']);

/** `family:local`, local name lower-cased: feeds are inconsistent about case (`pubdate`). */
type Key = string;

interface FieldNode {
  key: Key;
  /** Local name as written, for serializing inline XHTML. */
  local: string;
  attrs: Record<string, string>;
  children: (FieldNode | string)[];
  /** Resolved xml:base in scope at this element. */
  base?: string;
  lang?: string;
}

type Role = 'root' | 'container' | 'entry' | 'field' | 'inside' | 'ignored';

interface Frame {
  role: Role;
  key: Key;
  base?: string;
  lang?: string;
  node?: FieldNode;
  depth: number;
  /** Depth of the field this frame belongs to (field and inside frames). */
  fieldDepth?: number;
}

interface Draft {
  fields: FieldNode[];
  base?: string;
  lang?: string;
  about?: string;
}

const XML_ERROR_SAMPLES = 5;

/**
 * Reads a feed document (already decoded to text).
 *
 * @throws NotAFeedError when the root element is not RSS, RDF or Atom.
 * @throws HostileXmlError for entity attacks and documents too broken to read.
 */
export function readFeedXml(text: string, options: ReadFeedXmlOptions = {}): XmlFeedDocument {
  const maxEntries = options.maxEntries ?? XML_LIMITS.maxEntries;
  const parser = sax.parser(true, { xmlns: true, position: true });
  const stack: Frame[] = [];
  const recovered: string[] = [];
  let recoveredCount = 0;
  let detected: FeedFormat | 'html' | 'none' | undefined;
  let format: FeedFormat | undefined;
  let rootKey = '';
  const feedFields: FieldNode[] = [];
  let feedLang: string | undefined;
  const drafts: Draft[] = [];
  let entriesDropped = 0;
  let current: Draft | undefined;
  let fieldChars = 0;
  let fieldNodes = 0;
  const aliases = new Map<string, string>();

  let countedErrors = 0;
  parser.onerror = (error: Error) => {
    recoveredCount++;
    if (recovered.length < XML_ERROR_SAMPLES) recovered.push(error.message.split('\n').slice(0, 2).join(' ').trim());
    // An undeclared prefix (dc:creator on every item of a sloppy feed) is read by its usual
    // namespace and does not count towards giving up.
    if (!error.message.startsWith('Unbound namespace prefix')) countedErrors++;
    if (countedErrors > XML_LIMITS.maxErrors) {
      throw new HostileXmlError(`more than ${XML_LIMITS.maxErrors} XML errors (first: ${recovered[0] ?? '?'})`);
    }
    // Recover: sax goes on from where it stopped, as feed readers do with broken feeds.
    (parser as unknown as { error: unknown }).error = null;
  };
  parser.ondoctype = (doctype: string) => declareEntities(parser, doctype);

  parser.onopentag = (tag) => {
    const qtag = tag as sax.QualifiedTag;
    const parent = stack[stack.length - 1];
    if (!parent) aliasUnknownAtomNamespace(qtag, aliases);
    const key = keyOf(qtag.uri, qtag.prefix, qtag.local, aliases);
    const attrs = attributesOf(qtag);
    const base = resolveBase(attrs['xml:base'], parent?.base ?? options.baseUrl);
    const lang = attrs['xml:lang']?.trim() || parent?.lang;
    const depth = (parent?.depth ?? -1) + 1;
    if (depth >= XML_LIMITS.maxDepth) {
      throw new HostileXmlError(`elements nested deeper than ${XML_LIMITS.maxDepth} levels`);
    }

    if (!parent) {
      if (detected !== undefined) {
        // A second root (text after the document): ignored, as sax reported.
        stack.push({ role: 'ignored', key, base, lang, depth });
        return;
      }
      detected = detectFormat(key, attrs);
      format = detected === 'html' || detected === 'none' ? undefined : detected;
      rootKey = key;
      feedLang = lang;
      const role: Role = format === undefined ? 'ignored' : format.startsWith('atom') ? 'container' : 'root';
      stack.push({ role, key, base, lang, depth });
      return;
    }
    const local = key.slice(key.indexOf(':') + 1);
    switch (parent.role) {
      case 'root':
        if (local === 'channel' && isRssFamily(key)) {
          stack.push({ role: 'container', key, base, lang, depth });
          if (lang && !feedLang) feedLang = lang;
        } else if (local === 'item' && isRssFamily(key)) {
          startEntry(key, base, lang, depth, attrs);
        } else {
          stack.push({ role: 'ignored', key, base, lang, depth });
        }
        return;
      case 'container': {
        const isAtom = format === 'atom10' || format === 'atom03';
        if (local === (isAtom ? 'entry' : 'item') && (isAtom ? isAtomFamily(key) : isRssFamily(key))) {
          startEntry(key, base, lang, depth, attrs);
        } else {
          startField(key, qtag.local, attrs, base, lang, depth, 'feed');
        }
        return;
      }
      case 'entry':
        startField(key, qtag.local, attrs, base, lang, depth, 'entry');
        return;
      case 'field':
      case 'inside': {
        const node: FieldNode = { key, local: qtag.local, attrs, children: [], base, lang };
        const fieldDepth = parent.fieldDepth ?? depth;
        if (fieldNodes < XML_LIMITS.maxFieldNodes && depth - fieldDepth < XML_LIMITS.maxFieldDepth) {
          fieldNodes++;
          parent.node!.children.push(node);
          stack.push({ role: 'inside', key, base, lang, depth, node, fieldDepth });
        } else {
          // Past the limits the markup is dropped and its text goes to the nearest kept node.
          stack.push({ role: 'inside', key, base, lang, depth, node: parent.node, fieldDepth });
        }
        return;
      }
      default:
        stack.push({ role: 'ignored', key, base, lang, depth });
    }
  };

  parser.ontext = addText;
  parser.oncdata = addText;

  parser.onclosetag = () => {
    const frame = stack.pop();
    if (frame) finish(frame);
  };

  function startEntry(key: Key, base: string | undefined, lang: string | undefined, depth: number, attrs: Record<string, string>) {
    if (drafts.length >= maxEntries) {
      entriesDropped++;
      stack.push({ role: 'ignored', key, base, lang, depth });
      return;
    }
    current = { fields: [], base, lang, about: attrs['rdf:about']?.trim() || undefined };
    stack.push({ role: 'entry', key, base, lang, depth });
  }

  function startField(
    key: Key,
    local: string,
    attrs: Record<string, string>,
    base: string | undefined,
    lang: string | undefined,
    depth: number,
    owner: 'feed' | 'entry',
  ) {
    const node: FieldNode = { key, local, attrs, children: [], base, lang };
    const fields = owner === 'feed' ? feedFields : current?.fields;
    if (!fields || fields.length >= XML_LIMITS.maxFieldsPerEntry) {
      stack.push({ role: 'ignored', key, base, lang, depth });
      return;
    }
    fieldChars = 0;
    fieldNodes = 0;
    fields.push(node);
    stack.push({ role: 'field', key, base, lang, depth, node, fieldDepth: depth });
  }

  function addText(value: string) {
    const frame = stack[stack.length - 1];
    if (!frame?.node || (frame.role !== 'field' && frame.role !== 'inside')) return;
    if (fieldChars >= XML_LIMITS.maxFieldChars) return;
    const kept = value.slice(0, XML_LIMITS.maxFieldChars - fieldChars);
    fieldChars += kept.length;
    const children = frame.node.children;
    const last = children[children.length - 1];
    if (typeof last === 'string') children[children.length - 1] = last + kept;
    else children.push(kept);
  }

  function finish(frame: Frame) {
    if (frame.role === 'entry' && current) {
      drafts.push(current);
      current = undefined;
    }
  }

  try {
    parser.write(escapeBareAmpersands(text)).close();
  } catch (error) {
    if (error instanceof HostileXmlError) throw error;
    throw new HostileXmlError(`XML could not be read: ${(error as Error).message.split('\n')[0]}`);
  }
  // A truncated document: what was read still counts (the entry in progress included).
  while (stack.length > 0) finish(stack.pop()!);

  if (detected === undefined) {
    throw new NotAFeedError('the body holds no XML element (only comments or a declaration)', 'xml');
  }
  if (detected === 'html') throw new NotAFeedError('the body is an HTML page, not a feed', 'html', 'html');
  if (detected === 'none') {
    const root = rootKey.slice(rootKey.indexOf(':') + 1);
    throw new NotAFeedError(`XML but not RSS or Atom (root element <${root}>)`, 'xml', root);
  }
  const feedFormat: FeedFormat = detected;

  const { selfLink, ...feed } = feedFromFields(feedFields, feedFormat, feedLang);
  const doc: XmlFeedDocument = {
    format: feedFormat,
    entries: drafts.map((draft) => entryFromFields(draft, feedFormat)),
    recovered,
    recoveredCount,
    entriesDropped,
    ...feed,
  };
  if (options.baseUrl === undefined) resolveWithoutDocumentUrl(doc, selfLink);
  return doc;
}

const BARE_AMPERSAND = /&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)/g;

/**
 * `&` that starts no reference (`?a=1&b=2` in a link) escaped as `&amp;`, outside CDATA
 * sections: sax would otherwise swallow the character after it (`&c</link>` eats the `<`).
 */
export function escapeBareAmpersands(text: string): string {
  BARE_AMPERSAND.lastIndex = 0;
  if (!BARE_AMPERSAND.test(text)) return text;
  const parts: string[] = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('<![CDATA[', from);
    const stop = start < 0 ? text.length : start;
    parts.push(text.slice(from, stop).replace(BARE_AMPERSAND, '&amp;'));
    if (start < 0) break;
    const close = text.indexOf(']]>', start);
    const after = close < 0 ? text.length : close + 3;
    parts.push(text.slice(start, after));
    from = after;
  }
  return parts.join('');
}

/** Namespace family and lower-cased local name; unknown namespaces keep their URI. */
function keyOf(uri: string, prefix: string, local: string, aliases: ReadonlyMap<string, string>): Key {
  const lower = uri.toLowerCase();
  let family = NS[lower] ?? aliases.get(lower);
  if (family === undefined) {
    if (uri === '') family = '';
    // sax gives an undeclared prefix as the URI: read the usual ones as their namespace.
    else if (uri === prefix && USUAL_PREFIXES.has(prefix.toLowerCase())) family = prefix.toLowerCase();
    else family = uri;
  }
  return `${family}:${local.toLowerCase()}`;
}

/**
 * A `<feed>` root in a namespace we do not know (pre-standard Atom drafts such as "necho") is
 * read as Atom: its namespace becomes an alias of Atom's for this document.
 */
function aliasUnknownAtomNamespace(tag: sax.QualifiedTag, aliases: Map<string, string>): void {
  const uri = tag.uri.toLowerCase();
  if (tag.local.toLowerCase() !== 'feed' || uri === '' || NS[uri] !== undefined) return;
  const version = Object.values(tag.attributes).find((a) => (a as sax.QualifiedAttribute).local === 'version');
  aliases.set(uri, (version as sax.QualifiedAttribute | undefined)?.value.startsWith('0.') ? 'atom03' : 'atom');
}

function attributesOf(tag: sax.QualifiedTag): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes)) {
    const a = attribute as sax.QualifiedAttribute;
    if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
    const uri = a.uri?.toLowerCase() ?? '';
    const family = uri === '' ? '' : (NS[uri] ?? (USUAL_PREFIXES.has(a.prefix) ? a.prefix : uri));
    // Unprefixed attributes by local name; xml:base, xml:lang, rdf:about by family.
    const name = family === '' ? a.local : `${family}:${a.local}`;
    attrs[name] = a.value;
  }
  return attrs;
}

function resolveBase(xmlBase: string | undefined, parentBase: string | undefined): string | undefined {
  if (xmlBase === undefined) return parentBase;
  return resolveUrl(xmlBase.trim(), parentBase) ?? parentBase;
}

/** `ref` resolved against `base`; undefined when it cannot be made absolute. */
function resolveUrl(ref: string, base: string | undefined): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    return undefined;
  }
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A document read without its URL (a file): relative links are resolved against the feed's own
 * absolute link, else its `rel="self"` link, as node-feedparser does.
 */
function resolveWithoutDocumentUrl(doc: XmlFeedDocument, selfLink: string | undefined): void {
  const self = selfLink && ABSOLUTE.test(selfLink) ? selfLink : undefined;
  if (doc.link && !ABSOLUTE.test(doc.link) && self) doc.link = resolveUrl(doc.link, self) ?? doc.link;
  const base = doc.link && ABSOLUTE.test(doc.link) ? doc.link : self;
  if (!base) return;
  for (const entry of doc.entries) {
    if (entry.link && !ABSOLUTE.test(entry.link)) entry.link = resolveUrl(entry.link, base) ?? entry.link;
    if (entry.origLink && !ABSOLUTE.test(entry.origLink)) entry.origLink = resolveUrl(entry.origLink, base) ?? entry.origLink;
  }
}

function isRssFamily(key: Key): boolean {
  const family = key.slice(0, key.indexOf(':'));
  return family === '' || family === 'rss' || family === 'rss090';
}

function isAtomFamily(key: Key): boolean {
  const family = key.slice(0, key.indexOf(':'));
  return family === 'atom' || family === 'atom03' || family === '';
}

function detectFormat(key: Key, attrs: Record<string, string>): FeedFormat | 'html' | 'none' {
  const family = key.slice(0, key.indexOf(':'));
  const local = key.slice(key.indexOf(':') + 1);
  if (local === 'feed' && (family === 'atom' || family === 'atom03' || family === '')) {
    if (family === 'atom03' || (family === '' && attrs['version']?.startsWith('0.'))) return 'atom03';
    return 'atom10';
  }
  if (local === 'rss' && (family === '' || family === 'rss')) {
    const version = attrs['version']?.trim() ?? '';
    if (version.startsWith('2')) return 'rss2';
    if (/^0\.9/.test(version)) return 'rss09x';
    return 'unknown-rss';
  }
  if (local === 'rdf' && family === 'rdf') return 'rss1';
  if (local === 'channel' && isRssFamily(key)) return 'unknown-rss';
  // An HTML page, or the fragment of one some servers send ("<head>…</head><body>…").
  if (local === 'html' || local === 'head' || local === 'body') return 'html';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// DTD entities

interface SaxWithEntities {
  ENTITIES: Record<string, string>;
}

/**
 * Declares the internal subset's plain-text general entities (`<!ENTITY id "tag:…">`) to sax.
 * Entities whose value contains a reference or markup (billion laughs, quadratic blow-up), or
 * that are external (SYSTEM / PUBLIC: XXE), or too long, are declared as traps: using one in the
 * document refuses it. Parameter entities (`%name;`) only matter inside the DTD, which is never
 * processed, and nothing is ever fetched.
 */
function declareEntities(parser: sax.SAXParser, doctype: string): void {
  const subset = /\[([\s\S]*)\]/.exec(doctype)?.[1];
  if (!subset) return;
  const entities = (parser as unknown as SaxWithEntities).ENTITIES;
  const declaration = /<!ENTITY\s+(%\s+)?([A-Za-z_:][\w.:-]*)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|"([^"]*)"|'([^']*)')\s*>/g;
  let budget: number = XML_LIMITS.maxEntityExpansion;
  let count = 0;
  for (const match of subset.matchAll(declaration)) {
    if (match[1]) continue;
    const name = match[2]!;
    if (++count > XML_LIMITS.maxEntities) break;
    const value = match[4] ?? match[5];
    let trap: string | undefined;
    if (match[3]) trap = `the document uses the external entity &${name}; (XXE); it is never fetched`;
    else if (value === undefined) continue;
    else if (/[&<%]/.test(value)) trap = `the document uses the entity &${name};, which refers to other entities (entity expansion attack)`;
    else if (value.length > XML_LIMITS.maxEntityLength) trap = `the document uses the entity &${name};, longer than ${XML_LIMITS.maxEntityLength} characters`;
    Object.defineProperty(entities, name, {
      configurable: true,
      enumerable: true,
      get() {
        if (trap) throw new HostileXmlError(trap);
        budget -= value!.length;
        if (budget < 0) {
          throw new HostileXmlError(`entity expansion exceeds ${XML_LIMITS.maxEntityExpansion} characters (entity expansion attack)`);
        }
        return value;
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Fields to values

function familyOf(key: Key): string {
  return key.slice(0, key.indexOf(':'));
}

function localOf(key: Key): string {
  return key.slice(key.indexOf(':') + 1);
}

/** All text below a node, in document order. */
function textOf(node: FieldNode): string {
  let out = '';
  for (const child of node.children) out += typeof child === 'string' ? child : textOf(child);
  return out;
}

function hasElements(node: FieldNode): boolean {
  return node.children.some((child) => typeof child !== 'string');
}

const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'wbr', 'source']);

/** A node's children as an HTML string (inline XHTML, or markup where text was expected). */
function serializeChildren(node: FieldNode): string {
  let out = '';
  for (const child of node.children) {
    if (typeof child === 'string') {
      out += escapeHtml(child);
      continue;
    }
    const name = child.local.includes(':') ? child.local.slice(child.local.indexOf(':') + 1) : child.local;
    const attrs = Object.entries(child.attrs)
      .filter(([attr]) => !attr.includes(':'))
      .map(([attr, value]) => ` ${attr}="${escapeHtml(value, true)}"`)
      .join('');
    out += VOID_ELEMENTS.has(name.toLowerCase()) && child.children.length === 0 ? `<${name}${attrs}>` : `<${name}${attrs}>${serializeChildren(child)}</${name}>`;
  }
  return out;
}

/** Escapes text for HTML (and, with `attribute`, for a double-quoted attribute). */
export function escapeHtml(text: string, attribute = false): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? escaped.replace(/"/g, '&quot;') : escaped;
}

/** feedparser's test: a closing tag or an entity reference means the text is HTML. */
function looksLikeHtml(text: string): boolean {
  return /<\/[A-Za-z][\w-]*\s*>|<(?:br|img|hr|p)\b[^>]*>|&#?[A-Za-z0-9]+;/.test(text);
}

/** An Atom (1.0 or 0.3) text construct as HTML. */
function atomTextHtml(node: FieldNode): string {
  const type = (node.attrs['type'] ?? 'text').trim().toLowerCase();
  const mode = node.attrs['mode']?.trim().toLowerCase();
  const isXhtml = type === 'xhtml' || type === 'application/xhtml+xml';
  const isHtml = type === 'html' || type === 'text/html' || mode === 'escaped';
  if (mode === 'base64') {
    const decoded = decodeBase64(textOf(node));
    return isHtml || isXhtml || looksLikeHtml(decoded) ? decoded : escapeHtml(decoded);
  }
  if (isHtml && hasElements(node)) {
    // TypePad: escaped HTML inside an XHTML div, labelled html. The div's text is the HTML.
    const inner = unwrapDiv(node);
    if (inner !== node && !hasElements(inner)) return textOf(inner);
  }
  if (isXhtml || hasElements(node)) return serializeChildren(unwrapDiv(node));
  if (isHtml) return textOf(node);
  return escapeHtml(textOf(node));
}

/** An RSS element that is text by the spec but HTML in practice (title): HTML when it looks so. */
function rssTextHtml(node: FieldNode): string {
  if (hasElements(node)) return serializeChildren(node);
  const text = textOf(node);
  return looksLikeHtml(text) ? text : escapeHtml(text);
}

/** An RSS element that holds HTML (description, content:encoded); naked markup is kept as markup. */
function rssHtml(node: FieldNode): string {
  return hasElements(node) ? serializeChildren(node) : textOf(node);
}

/** Atom's `xhtml` content is wrapped in one `<div>` that is not part of the content. */
function unwrapDiv(node: FieldNode): FieldNode {
  const elements = node.children.filter((child): child is FieldNode => typeof child !== 'string');
  const onlyWhitespace = node.children.every((child) => typeof child !== 'string' || child.trim() === '');
  const only = elements[0];
  if (elements.length === 1 && onlyWhitespace && only && only.local.toLowerCase().endsWith('div')) return only;
  return node;
}

function decodeBase64(text: string): string {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return text;
  return Buffer.from(compact, 'base64').toString('utf8');
}

function isAtomish(node: FieldNode, format: FeedFormat): boolean {
  const family = familyOf(node.key);
  return family === 'atom' || family === 'atom03' || (family === '' && format.startsWith('atom'));
}

/** An Atom `<link>`'s href, resolved; undefined without one. */
function atomLink(node: FieldNode): { rel: string; href: string } | undefined {
  // A link given as element text instead of href (seen in the wild) still counts.
  const href = node.attrs['href']?.trim() || (hasElements(node) ? undefined : textOf(node).trim());
  if (!href) return undefined;
  const rel = (node.attrs['rel'] ?? 'alternate').trim().toLowerCase() || 'alternate';
  return { rel, href: resolveUrl(href, node.base) ?? href };
}

/** An RSS `<link>`'s text (or, in broken feeds, its href), resolved. */
function rssLink(node: FieldNode): string | undefined {
  const raw = textOf(node).trim() || node.attrs['href']?.trim();
  if (!raw) return undefined;
  return resolveUrl(raw, node.base) ?? raw;
}

function personName(node: FieldNode): string | undefined {
  const child = (local: string) =>
    node.children.find((c): c is FieldNode => typeof c !== 'string' && localOf(c.key) === local);
  const name = child('name');
  const email = child('email');
  const fromName = name ? textOf(name).trim() : '';
  if (fromName) return fromName;
  const fromEmail = email ? textOf(email).trim() : '';
  if (fromEmail) return fromEmail;
  return hasElements(node) ? undefined : textOf(node).trim() || undefined;
}

function entryFromFields(draft: Draft, format: FeedFormat): XmlFeedEntry {
  const entry: XmlFeedEntry = { authors: [], categories: [] };
  // dc:creator names the author more often than RSS <author> (an e-mail address): it goes first.
  const creators: string[] = [];
  let language = draft.lang;
  const titles: [number, string][] = [];
  const summaries: [number, string][] = [];
  const contents: [number, string][] = [];
  const published: [number, string][] = [];
  const updated: [number, string][] = [];
  let alternate: string | undefined;
  let fallbackLink: string | undefined;

  for (const node of draft.fields) {
    const family = familyOf(node.key);
    const local = localOf(node.key);
    const atomish = isAtomish(node, format);
    const rssish = !atomish && (family === '' || family === 'rss' || family === 'rss090');

    if (atomish) {
      switch (local) {
        case 'title':
          titles.push([0, atomTextHtml(node)]);
          break;
        case 'summary':
          summaries.push([0, atomTextHtml(node)]);
          break;
        case 'content':
          if (!node.attrs['src']) contents.push([0, atomTextHtml(node)]);
          break;
        case 'id':
          entry.id ??= textOf(node).trim() || undefined;
          break;
        case 'link': {
          const link = atomLink(node);
          if (link?.rel === 'alternate') alternate ??= link.href;
          break;
        }
        case 'published':
        case 'issued':
          pushDate(published, local === 'published' ? 0 : 1, node);
          break;
        case 'updated':
        case 'modified':
          pushDate(updated, local === 'updated' ? 0 : 1, node);
          break;
        case 'author': {
          const name = personName(node);
          if (name) entry.authors.push(name);
          break;
        }
        case 'category': {
          const value = (node.attrs['label'] ?? node.attrs['term'] ?? textOf(node)).trim();
          if (value) entry.categories.push(value);
          break;
        }
      }
      continue;
    }
    if (rssish) {
      switch (local) {
        case 'title':
          titles.push([0, rssTextHtml(node)]);
          break;
        case 'description':
          summaries.push([0, rssHtml(node)]);
          break;
        case 'link':
          if (alternate === undefined) alternate = rssLink(node);
          break;
        case 'guid': {
          const value = textOf(node).trim();
          if (value && entry.guid === undefined) {
            entry.guid = value;
            const permaLink = node.attrs['isPermaLink']?.trim().toLowerCase() ?? node.attrs['ispermalink']?.trim().toLowerCase();
            entry.guidIsPermaLink = permaLink !== 'false';
            if (permaLink !== 'false') {
              const absolute = /^https?:\/\//i.test(value);
              const explicitRelative = permaLink === 'true' && value.startsWith('/');
              if (absolute || explicitRelative) fallbackLink ??= resolveUrl(value, node.base);
            }
          }
          break;
        }
        case 'pubdate':
          pushDate(published, 0, node);
          break;
        case 'author': {
          const name = hasElements(node) ? personName(node) : textOf(node).trim();
          if (name) entry.authors.push(name);
          break;
        }
        case 'category': {
          const value = textOf(node).trim();
          if (value) entry.categories.push(value);
          break;
        }
      }
      continue;
    }
    switch (`${family}:${local}`) {
      case 'content:encoded':
        contents.push([0, rssHtml(node)]);
        break;
      case 'xhtml:body':
      case 'xhtml:div':
        contents.push([1, serializeChildren(node)]);
        break;
      case 'dc:title':
        titles.push([1, rssTextHtml(node)]);
        break;
      case 'dc:description':
        summaries.push([1, rssHtml(node)]);
        break;
      case 'dc:creator':
      case 'dc:author': {
        const name = textOf(node).trim();
        if (name) creators.push(name);
        break;
      }
      case 'dc:contributor': {
        const name = textOf(node).trim();
        if (name) entry.authors.push(name);
        break;
      }
      case 'dc:date':
      case 'dcterms:modified':
        pushDate(updated, 2, node);
        break;
      case 'dcterms:issued':
      case 'dcterms:created':
        pushDate(published, local === 'issued' ? 2 : 3, node);
        break;
      case 'dc:subject': {
        const value = textOf(node).trim();
        if (value) entry.categories.push(value);
        break;
      }
      case 'dc:language':
        language = textOf(node).trim() || language;
        break;
      case 'feedburner:origlink':
      case 'pheedo:origlink': {
        const value = rssLink(node);
        if (value) entry.origLink ??= value;
        break;
      }
      case 'atom:link': {
        const link = atomLink(node);
        if (link?.rel === 'alternate') fallbackLink ??= link.href;
        break;
      }
      case 'atom:id':
        entry.id ??= textOf(node).trim() || undefined;
        break;
      case 'atom:updated':
        pushDate(updated, 1, node);
        break;
      case 'atom:published':
        pushDate(published, 1, node);
        break;
    }
  }

  entry.authors.unshift(...creators);
  entry.title = best(titles);
  entry.summary = best(summaries);
  entry.content = best(contents);
  entry.published = best(published);
  entry.updated = best(updated);
  entry.link = alternate ?? fallbackLink;
  if (entry.id === undefined && draft.about) entry.id = draft.about;
  if (language) entry.language = language;
  return entry;
}

function pushDate(list: [number, string][], rank: number, node: FieldNode): void {
  const iso = parseFeedDate(textOf(node));
  if (iso) list.push([rank, iso]);
}

/** The value of the best rank (lowest), first in document order among equals. */
function best(values: [number, string][]): string | undefined {
  let chosen: [number, string] | undefined;
  for (const value of values) if (!chosen || value[0] < chosen[0]) chosen = value;
  return chosen?.[1];
}

const SY_PERIOD_MINUTES: Record<string, number> = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43200, yearly: 525600 };

function feedFromFields(
  fields: FieldNode[],
  format: FeedFormat,
  rootLang: string | undefined,
): Pick<XmlFeedDocument, 'title' | 'link' | 'language' | 'ttlMinutes'> & { selfLink?: string } {
  const titles: [number, string][] = [];
  let selfLink: string | undefined;
  let alternate: string | undefined;
  let fallbackLink: string | undefined;
  let language: string | undefined;
  let ttl: number | undefined;
  let syPeriod: number | undefined;
  let syFrequency = 1;

  for (const node of fields) {
    const family = familyOf(node.key);
    const local = localOf(node.key);
    const atomish = isAtomish(node, format);
    const rssish = !atomish && (family === '' || family === 'rss' || family === 'rss090');
    if (atomish && local === 'title') titles.push([0, atomTextHtml(node)]);
    else if (atomish && local === 'link') {
      const link = atomLink(node);
      if (link?.rel === 'alternate') alternate ??= link.href;
      if (link?.rel === 'self') selfLink ??= link.href;
    } else if (rssish && local === 'title') titles.push([0, rssTextHtml(node)]);
    else if (rssish && local === 'link') alternate ??= rssLink(node);
    else if (rssish && local === 'language') language ??= textOf(node).trim() || undefined;
    else if (rssish && local === 'ttl') {
      const minutes = Number(textOf(node).trim());
      if (Number.isFinite(minutes) && minutes > 0) ttl = minutes;
    } else if (family === 'dc' && local === 'title') titles.push([1, rssTextHtml(node)]);
    else if (family === 'dc' && local === 'language') language ??= textOf(node).trim() || undefined;
    else if (family === 'atom' && local === 'link') {
      const link = atomLink(node);
      if (link?.rel === 'alternate') fallbackLink ??= link.href;
      if (link?.rel === 'self') selfLink ??= link.href;
    } else if (family === 'sy' && local === 'updateperiod') syPeriod = SY_PERIOD_MINUTES[textOf(node).trim().toLowerCase()];
    else if (family === 'sy' && local === 'updatefrequency') {
      const n = Number(textOf(node).trim());
      if (Number.isFinite(n) && n >= 1) syFrequency = n;
    }
  }
  const fromSy = syPeriod !== undefined ? syPeriod / syFrequency : undefined;
  const ttlMinutes = ttl ?? fromSy;
  return {
    selfLink,
    title: best(titles),
    link: alternate ?? fallbackLink,
    language: language ?? rootLang,
    ...(ttlMinutes !== undefined ? { ttlMinutes: Math.round(ttlMinutes) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Canonical document for rss-parser

/** Characters XML 1.0 cannot carry, even escaped. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function x(text: string, attribute = false): string {
  return escapeHtml(text.replace(NOT_XML_CHAR, ''), attribute);
}

function element(name: string, value: string | undefined, attrs = ''): string {
  return value === undefined || value === '' ? '' : `<${name}${attrs}>${text(value)}</${name}>`;
}

/** Element text: markup-heavy values (HTML) as CDATA, which the second parse reads without entity work. */
function text(value: string): string {
  const clean = value.replace(NOT_XML_CHAR, '');
  if (!/[<&]/.test(clean)) return clean.replace(/>/g, '&gt;');
  return `<![CDATA[${clean.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** The shape rss-parser is given: Atom for Atom sources, RSS 2.0 for every RSS/RDF version. */
export type CanonicalShape = 'atom' | 'rss';

export function canonicalShape(format: FeedFormat): CanonicalShape {
  return format === 'atom10' || format === 'atom03' ? 'atom' : 'rss';
}

/**
 * The document as well-formed RSS 2.0 or Atom 1.0 that rss-parser reads without surprises:
 * every text field HTML-as-text, links absolute, dates ISO, authors and categories flattened.
 * Extension elements (`dc:date` as "updated", `feedburner:origLink`, `dc:language`, `ttl`)
 * carry what rss-parser has no field for; the parser reads them through `customFields`. The
 * summary goes in `<summary>` and the full content in `<content:html>` (not `description` /
 * `content:encoded` / Atom `content`), so rss-parser does not build text snippets we never use:
 * that halves its work on a large feed.
 */
export function renderCanonicalXml(doc: XmlFeedDocument): string {
  const ns = 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"';
  const out: string[] = [];
  if (canonicalShape(doc.format) === 'atom') {
    out.push(`<feed xmlns="http://www.w3.org/2005/Atom" ${ns}>`);
    out.push(element('title', doc.title));
    if (doc.link) out.push(`<link rel="alternate" href="${x(doc.link, true)}"/>`);
    out.push(element('dc:language', doc.language), element('ttl', doc.ttlMinutes?.toString()));
    for (const entry of doc.entries) {
      out.push('<entry>');
      // Always a title: an empty <entry/> is '' to xml2js, and rss-parser then reads ''.link (String#link).
      out.push(element('id', entry.id), `<title>${text(entry.title ?? '')}</title>`);
      if (entry.link) out.push(`<link rel="alternate" href="${x(entry.link, true)}"/>`);
      out.push(element('published', entry.published), element('updated', entry.updated));
      out.push(element('summary', entry.summary), element('content:html', entry.content));
      for (const author of entry.authors) out.push(`<author>${element('name', author)}</author>`);
      for (const category of entry.categories) out.push(`<category term="${x(category, true)}"/>`);
      out.push(element('feedburner:origLink', entry.origLink), element('dc:language', entry.language));
      out.push('</entry>');
    }
    out.push('</feed>');
  } else {
    out.push(`<rss version="2.0" ${ns}><channel>`);
    out.push(element('title', doc.title), element('link', doc.link), element('language', doc.language), element('ttl', doc.ttlMinutes?.toString()));
    for (const entry of doc.entries) {
      out.push('<item>');
      out.push(`<title>${text(entry.title ?? '')}</title>`, element('link', entry.link));
      const id = entry.guid ?? entry.id;
      if (id) out.push(element('guid', id, ` isPermaLink="${entry.guid !== undefined && entry.guidIsPermaLink ? 'true' : 'false'}"`));
      out.push(element('summary', entry.summary), element('content:html', entry.content));
      out.push(element('pubDate', entry.published), element('dc:date', entry.updated));
      // rss-parser maps both author and dc:creator to `creator`; the first author goes last to win.
      for (const author of entry.authors.slice(1)) out.push(element('author', author));
      out.push(element('dc:creator', entry.authors[0]));
      for (const category of entry.categories) out.push(element('category', category));
      out.push(element('feedburner:origLink', entry.origLink), element('dc:language', entry.language));
      out.push('</item>');
    }
    out.push('</channel></rss>');
  }
  return out.join('');
}
