/**
 * Links of a feed: `xml:base` in scope, relative links resolved against it (then the document's
 * URL, or for a file the feed's own link), and the link elements of Atom and RSS.
 */
import type { FieldNode, XmlFeedDocument } from './xml-document.ts';
import { hasElements, textOf } from './xml-text-constructs.ts';

export function resolveBase(xmlBase: string | undefined, parentBase: string | undefined): string | undefined {
  if (xmlBase === undefined) return parentBase;
  return resolveUrl(xmlBase.trim(), parentBase) ?? parentBase;
}

/** `ref` resolved against `base`; undefined when it cannot be made absolute. */
export function resolveUrl(ref: string, base: string | undefined): string | undefined {
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
export function resolveWithoutDocumentUrl(doc: XmlFeedDocument, selfLink: string | undefined): void {
  const self = selfLink && ABSOLUTE.test(selfLink) ? selfLink : undefined;
  if (doc.link && !ABSOLUTE.test(doc.link) && self) doc.link = resolveUrl(doc.link, self) ?? doc.link;
  const base = doc.link && ABSOLUTE.test(doc.link) ? doc.link : self;
  if (!base) return;
  for (const entry of doc.entries) {
    if (entry.link && !ABSOLUTE.test(entry.link)) entry.link = resolveUrl(entry.link, base) ?? entry.link;
    if (entry.origLink && !ABSOLUTE.test(entry.origLink)) entry.origLink = resolveUrl(entry.origLink, base) ?? entry.origLink;
  }
}

/** An Atom `<link>`'s href, resolved; undefined without one. */
export function atomLink(node: FieldNode): { rel: string; href: string } | undefined {
  // A link given as element text instead of href (seen in the wild) still counts.
  const href = node.attrs.href?.trim() || (hasElements(node) ? undefined : textOf(node).trim());
  if (!href) return undefined;
  const rel = (node.attrs.rel ?? 'alternate').trim().toLowerCase() || 'alternate';
  return { rel, href: resolveUrl(href, node.base) ?? href };
}

/** An RSS `<link>`'s text (or, in broken feeds, its href), resolved. */
export function rssLink(node: FieldNode): string | undefined {
  const raw = textOf(node).trim() || node.attrs.href?.trim();
  if (!raw) return undefined;
  return resolveUrl(raw, node.base) ?? raw;
}
