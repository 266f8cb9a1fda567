/**
 * Element and attribute names of a feed, by namespace: every element becomes a `Key`
 * (`family:local`), so `a:feed`, `rss:item` and RSS 2.0 in a namespace are read alike.
 */
import type sax from 'sax';
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
export function keyOf(uri: string, prefix: string, local: string, aliases: ReadonlyMap<string, string>): Key {
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
export function aliasUnknownAtomNamespace(tag: sax.QualifiedTag, aliases: Map<string, string>): void {
  const uri = tag.uri.toLowerCase();
  if (tag.local.toLowerCase() !== 'feed' || uri === '' || NS[uri] !== undefined) return;
  const version = Object.values(tag.attributes).find((a) => (a as sax.QualifiedAttribute).local === 'version');
  aliases.set(uri, (version as sax.QualifiedAttribute | undefined)?.value.startsWith('0.') ? 'atom03' : 'atom');
}

export function attributesOf(tag: sax.QualifiedTag): Record<string, string> {
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
