/**
 * Which feed format a document is, from its root element (RSS 0.9x / 2.0, RSS 1.0 (RDF), Atom
 * 0.3 / 1.0), or that it is an HTML page or another XML vocabulary; and whether a field is read
 * by Atom's rules.
 */
import type { FeedFormat, FieldNode, Key } from './xml-document.ts';
import { familyOf, isRssFamily } from './xml-names.ts';

export function detectFormat(key: Key, attrs: Record<string, string>): FeedFormat | 'html' | 'none' {
  const family = key.slice(0, key.indexOf(':'));
  const local = key.slice(key.indexOf(':') + 1);
  if (local === 'feed' && (family === 'atom' || family === 'atom03' || family === '')) {
    if (family === 'atom03' || (family === '' && attrs.version?.startsWith('0.'))) return 'atom03';
    return 'atom10';
  }
  if (local === 'rss' && (family === '' || family === 'rss')) {
    const version = attrs.version?.trim() ?? '';
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

export function isAtomish(node: FieldNode, format: FeedFormat): boolean {
  const family = familyOf(node.key);
  return family === 'atom' || family === 'atom03' || (family === '' && format.startsWith('atom'));
}
