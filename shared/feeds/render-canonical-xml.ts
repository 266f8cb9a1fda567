/**
 * The canonical document rss-parser is given: what the first pass read, written back as plain,
 * well-formed RSS 2.0 or Atom 1.0.
 */
import type { FeedFormat, XmlFeedDocument } from './xml-document.ts';
import { escapeHtml } from './xml-text-constructs.ts';

/** Characters XML 1.0 cannot carry, even escaped. */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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

/**
 * The shape rss-parser is given: Atom for Atom and JSON Feed sources (both keep published and
 * modified dates apart), RSS 2.0 for every RSS/RDF version.
 */
export type CanonicalShape = 'atom' | 'rss';

export function canonicalShape(format: FeedFormat): CanonicalShape {
  return format === 'atom10' || format === 'atom03' || format === 'json10' || format === 'json11' ? 'atom' : 'rss';
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
  const ns =
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"';
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
    out.push(
      element('title', doc.title),
      element('link', doc.link),
      element('language', doc.language),
      element('ttl', doc.ttlMinutes?.toString()),
    );
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
