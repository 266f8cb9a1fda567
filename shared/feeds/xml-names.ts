/**
 * Element and attribute names of a feed, by namespace: every element becomes a `Key`
 * (`family:local`), so `a:feed`, `rss:item` and RSS 2.0 in a namespace are read alike.
 */
import type { Key } from './xml-document.ts';

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
 * The keys of one document's elements (`keyOf`), each worked out once: a feed repeats a few
 * dozen names thousands of times. `prefix` only matters when sax gave an unbound prefix as the
 * URI, so the URI and local name determine the key; `clear` after the aliases change.
 */
export class ElementKeys {
  private readonly byUri = new Map<string, Map<string, Key>>();

  constructor(private readonly aliases: ReadonlyMap<string, string>) {}

  of(uri: string, prefix: string, local: string): Key {
    let byLocal = this.byUri.get(uri);
    if (byLocal === undefined) {
      byLocal = new Map();
      this.byUri.set(uri, byLocal);
    }
    let key = byLocal.get(local);
    if (key === undefined) {
      key = keyOf(uri, prefix, local, this.aliases);
      byLocal.set(local, key);
    }
    return key;
  }

  clear(): void {
    this.byUri.clear();
  }
}

/** In-scope namespace bindings, prefix → URI ('' is the default namespace). */
export type NamespaceScope = Record<string, string>;

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** The bindings every document starts with. No prototype: `constructor:x` is an unbound prefix, not Object's. */
export function rootScope(): NamespaceScope {
  return Object.assign(Object.create(null) as NamespaceScope, { xml: XML_NAMESPACE, xmlns: XMLNS_NAMESPACE });
}

/** One start tag with its names resolved: what sax's `xmlns` mode gives, at a fraction of its cost. */
export interface QualifiedElement {
  uri: string;
  prefix: string;
  local: string;
  /** The bindings in scope inside this element (the parent's object when it declares none). */
  scope: NamespaceScope;
  /** Attributes by local name (unprefixed) or `family:local`; namespace declarations left out. */
  attrs: Record<string, string>;
  /** The attributes as sax gave them (names as written). */
  attributes: Readonly<Record<string, string>>;
}

/** The prefix of `prefix:local` as sax splits it ('' when there is no colon). */
function namePrefix(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? '' : name.slice(0, colon);
}

/** The local part of `prefix:local` as sax splits it (`a:b:c` is prefix `a`, local `b`). */
function nameLocal(name: string): string {
  const colon = name.indexOf(':');
  if (colon < 0) return name;
  const second = name.indexOf(':', colon + 1);
  return name.slice(colon + 1, second < 0 ? name.length : second);
}

/**
 * Resolves a start tag's element and attribute names against the bindings in scope, as
 * Namespaces in XML says (the default namespace applies to elements, not attributes). A prefix
 * bound nowhere is reported to `fail` (sax's own words) and read as its usual namespace by
 * `keyOf`, exactly as sax's `xmlns` mode did.
 */
export function resolveNames(
  name: string,
  attributes: Readonly<Record<string, string>>,
  parentScope: NamespaceScope,
  fail: (message: string) => void,
): QualifiedElement {
  let scope = parentScope;
  for (const attr in attributes) {
    if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) continue;
    const bound = attr === 'xmlns' ? '' : nameLocal(attr);
    const value = attributes[attr]!;
    if (bound === 'xml' && value !== XML_NAMESPACE) fail(`xml: prefix must be bound to ${XML_NAMESPACE}\nActual: ${value}`);
    else if (bound === 'xmlns' && value !== XMLNS_NAMESPACE) fail(`xmlns: prefix must be bound to ${XMLNS_NAMESPACE}\nActual: ${value}`);
    else {
      if (scope === parentScope) scope = Object.create(parentScope) as NamespaceScope;
      scope[bound] = value;
    }
  }
  const prefix = namePrefix(name);
  const local = nameLocal(name);
  let uri = scope[prefix] || '';
  if (prefix && !uri) {
    fail(`Unbound namespace prefix: ${JSON.stringify(name)}`);
    uri = prefix;
  }
  const attrs: Record<string, string> = {};
  for (const attr in attributes) {
    const value = attributes[attr]!;
    if (attr === 'xmlns') continue;
    const attrPrefix = namePrefix(attr);
    const attrLocal = nameLocal(attr);
    if (attrPrefix === '') {
      attrs[attrLocal] = value;
      continue;
    }
    if (attrPrefix === 'xmlns') continue;
    let attrUri = scope[attrPrefix] || '';
    if (!attrUri) {
      fail(`Unbound namespace prefix: ${JSON.stringify(attrPrefix)}`);
      attrUri = attrPrefix;
    }
    const lower = attrUri.toLowerCase();
    const family = NS[lower] ?? (USUAL_PREFIXES.has(attrPrefix) ? attrPrefix : attrUri);
    // xml:base, xml:lang, rdf:about by family.
    attrs[`${family}:${attrLocal}`] = value;
  }
  return { uri, prefix, local, scope, attrs, attributes };
}

/**
 * A `<feed>` root in a namespace we do not know (pre-standard Atom drafts such as "necho") is
 * read as Atom: its namespace becomes an alias of Atom's for this document.
 */
export function aliasUnknownAtomNamespace(tag: QualifiedElement, aliases: Map<string, string>): void {
  const uri = tag.uri.toLowerCase();
  if (tag.local.toLowerCase() !== 'feed' || uri === '' || NS[uri] !== undefined) return;
  aliases.set(uri, versionOf(tag.attributes)?.startsWith('0.') ? 'atom03' : 'atom');
}

/** The first attribute whose local name is `version`, whatever its namespace. */
function versionOf(attributes: Readonly<Record<string, string>>): string | undefined {
  for (const attr in attributes) if (attr !== 'xmlns' && nameLocal(attr) === 'version') return attributes[attr];
  return undefined;
}

export function isRssFamily(key: Key): boolean {
  const family = key.slice(0, key.indexOf(':'));
  return family === '' || family === 'rss' || family === 'rss090';
}

export function isAtomFamily(key: Key): boolean {
  const family = key.slice(0, key.indexOf(':'));
  return family === 'atom' || family === 'atom03' || family === '';
}

export function familyOf(key: Key): string {
  return key.slice(0, key.indexOf(':'));
}

export function localOf(key: Key): string {
  return key.slice(key.indexOf(':') + 1);
}
