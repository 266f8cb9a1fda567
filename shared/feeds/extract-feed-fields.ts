/**
 * Per-format field extraction: an entry's (or the feed's) fields, as read, to values. Where
 * formats and extensions give the same field twice (Atom `title` and `dc:title`, `published` and
 * `dcterms:issued`), the better-ranked one wins, first in document order among equals.
 */
import { parseFeedDate } from './parse-date.ts';
import { isAtomish } from './detect-feed-format.ts';
import type { Draft, FeedFormat, FieldNode, XmlFeedDocument, XmlFeedEntry } from './xml-document.ts';
import { atomLink, resolveUrl, rssLink } from './xml-links.ts';
import { familyOf, localOf } from './xml-names.ts';
import { atomTextHtml, hasElements, rssHtml, rssTextHtml, serializeChildren, textOf } from './xml-text-constructs.ts';

function personName(node: FieldNode): string | undefined {
  const child = (local: string) => node.children.find((c): c is FieldNode => typeof c !== 'string' && localOf(c.key) === local);
  const name = child('name');
  const email = child('email');
  const fromName = name ? textOf(name).trim() : '';
  if (fromName) return fromName;
  const fromEmail = email ? textOf(email).trim() : '';
  if (fromEmail) return fromEmail;
  return hasElements(node) ? undefined : textOf(node).trim() || undefined;
}

export function entryFromFields(draft: Draft, format: FeedFormat): XmlFeedEntry {
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
          if (!node.attrs.src) contents.push([0, atomTextHtml(node)]);
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
          const value = (node.attrs.label ?? node.attrs.term ?? textOf(node)).trim();
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
            const permaLink = node.attrs.isPermaLink?.trim().toLowerCase() ?? node.attrs.ispermalink?.trim().toLowerCase();
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

export function feedFromFields(
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
