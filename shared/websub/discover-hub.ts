/**
 * WebSub discovery (W3C WebSub §4): the hub and the topic URL of a feed, from the HTTP `Link`
 * header first, then the document's own `<link rel="hub">` / `<atom:link rel="self">` (Atom and
 * RSS with the Atom namespace alike). Only the feed's head is read (up to its first item), and
 * only as ASCII: the URLs are ASCII, and a UTF-16 feed simply offers no hub.
 */

export interface DiscoveredHub {
  hub: string;
  /** The topic: the `rel="self"` URL, else the URL the feed was fetched from. */
  topic: string;
}

/** Bytes of the document searched for its links: a feed's head is far shorter. */
const HEAD_BYTES = 64 * 1024;

/** The hub and topic a fetched feed advertises; undefined when it offers none (or only unusable URLs). */
export function discoverHub(input: { linkHeader?: string | null; body: Uint8Array; feedUrl: string }): DiscoveredHub | undefined {
  const fromHeader = linksOfHeader(input.linkHeader ?? '', input.feedUrl);
  const fromDocument = linksOfDocument(input.body, input.feedUrl);
  const hub = fromHeader.hub ?? fromDocument.hub;
  if (!hub) return undefined;
  const topic = fromHeader.self ?? fromDocument.self ?? input.feedUrl;
  return { hub, topic };
}

interface Links {
  hub?: string;
  self?: string;
}

/** `Link: <https://hub.example/>; rel="hub", <https://example.org/feed>; rel="self"` (RFC 8288). */
function linksOfHeader(header: string, base: string): Links {
  const links: Links = {};
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    take(links, rels, match[1]!, base);
  }
  return links;
}

function linksOfDocument(body: Uint8Array, base: string): Links {
  let head = Buffer.from(body.subarray(0, HEAD_BYTES)).toString('latin1');
  const firstItem = head.search(/<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]/);
  if (firstItem >= 0) head = head.slice(0, firstItem);
  const links: Links = {};
  for (const tag of head.matchAll(/<(?:[A-Za-z_][\w.-]*:)?link\b([^>]*)>/g)) {
    const attributes: Record<string, string> = {};
    for (const attribute of (tag[1] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes[attribute[1]!.toLowerCase()] = decodeEntities(attribute[2] ?? attribute[3] ?? '');
    }
    if (attributes.rel && attributes.href) take(links, attributes.rel.toLowerCase().split(/\s+/), attributes.href, base);
  }
  return links;
}

function take(links: Links, rels: string[], href: string, base: string): void {
  const url = absoluteHttpUrl(href.trim(), base);
  if (!url) return;
  if (rels.includes('hub')) links.hub ??= url;
  if (rels.includes('self')) links.self ??= url;
}

function absoluteHttpUrl(ref: string, base: string): string | undefined {
  try {
    const url = new URL(ref, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (entity, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : entity;
  });
}
