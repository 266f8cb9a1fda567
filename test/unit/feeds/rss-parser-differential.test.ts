/**
 * Our one-pass reader beside rss-parser 3.13.0 (the parser the project started with, kept as the
 * reference) on every document of the conformance corpus that rss-parser reads: for the fields
 * both read (title as plain text, link, guid / id, date to the second), each entry agrees, or
 * rss-parser has nothing where we read a value (rdf:about ids, dcterms and Atom 0.3 dates, a
 * permalink guid as the link, relative links resolved). The few documents where both read a
 * value and differ are listed with the reason, and the list is kept true in both directions.
 */
import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../../shared/feeds/decode-feed.ts';
import { normalizeEntries, normalizeLink } from '../../../shared/feeds/normalize-item.ts';
import { parseFeed } from '../../../shared/feeds/parse-feed.ts';
import { toPlainText } from '../../../shared/feeds/plain-text.ts';

const fixtures = new URL('../../fixtures/conformance/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', fixtures), 'utf8')) as {
  file: string;
  feedUrl?: string;
  responseHeaders?: Record<string, string>;
}[];

/** Documents where both read a value and the values differ: where rss-parser is wrong, and why. */
const DIFFERENCES: Record<string, { fields: string[]; why: string }> = {
  'feedparser/wellformed/atom10/entry_title_text_plain_brackets.xml': {
    fields: ['title'],
    why: 'an Atom type="text" title holding "&lt;blink&gt;" is literal text; rss-parser strips it as markup',
  },
  'feedparser/wellformed/atom/entry_title_text_plain_brackets.xml': {
    fields: ['title'],
    why: 'same as its Atom 1.0 twin, in Atom 0.3',
  },
  'feedparser/wellformed/atom/entry_title_naked_markup.xml': {
    fields: ['title'],
    why: 'a title with inline markup: rss-parser keeps only the text outside the elements',
  },
  'node-feedparser/complexNamespaceFeed.xml': {
    fields: ['count'],
    why: 'the items are in the RSS namespace under a prefix rss-parser matches literally, so it reads none',
  },
};

/** A field of an rss-parser item: a string, or xml2js's `{ _: text }` for an element with attributes. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { _?: unknown })._ === 'string') return (value as { _: string })._;
  return undefined;
}

/** The fields of one document on which rss-parser and we both read a value and disagree (undefined: rss-parser rejects it). */
async function disagreements(file: string, body: Buffer, feedUrl: string | undefined, contentType: string | undefined) {
  // Both read the same text: decoding is ours either way (rss-parser takes a string).
  const source = (await decodeFeed(body, contentType)).text;
  let raw: { items?: Record<string, unknown>[] };
  try {
    raw = await new Parser().parseString(source);
  } catch {
    return undefined;
  }
  const parsed = await parseFeed(source, { feedUrl, label: file });
  const ours = normalizeEntries(parsed, feedUrl);
  const items = raw.items ?? [];
  const fields = new Set<string>();
  let agreed = 0;
  if (items.length !== ours.length) fields.add('count');
  items.slice(0, ours.length).forEach((item, n) => {
    const entry = ours[n]!;
    const pairs: Record<string, [string | null, string | null]> = {
      title: [toPlainText(text(item.title) ?? ''), entry.title],
      // The entry's own link: the publisher's (origLink), which we prefer, is a field rss-parser does not read.
      link: [normalizeLink(text(item.link), feedUrl), normalizeLink(parsed.entries[n]!.link, feedUrl)],
      id: [(text(item.guid) ?? text(item.id))?.trim() || null, entry.id],
      date: [text(item.isoDate)?.slice(0, 19) ?? null, (entry.published ?? entry.updated)?.slice(0, 19) ?? null],
    };
    for (const [field, [theirs, ourValue]] of Object.entries(pairs)) {
      if (theirs === ourValue) agreed++;
      else if (theirs) fields.add(field);
    }
  });
  return { fields: [...fields], agreed };
}

describe('our reader beside rss-parser on the conformance corpus', () => {
  it('agrees on every field both read, except the listed documents', async () => {
    const seen = new Set<string>();
    const found: Record<string, string[]> = {};
    let read = 0;
    let agreed = 0;
    for (const testCase of cases) {
      if (seen.has(testCase.file)) continue;
      seen.add(testCase.file);
      let body: Buffer;
      try {
        body = readFileSync(new URL(`feeds/${testCase.file}`, fixtures));
      } catch {
        continue; // Not redistributable: see the fixtures README.
      }
      const result = await disagreements(testCase.file, body, testCase.feedUrl, testCase.responseHeaders?.['Content-Type']);
      if (!result) continue;
      read++;
      agreed += result.agreed;
      if (result.fields.length > 0) found[testCase.file] = result.fields;
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(DIFFERENCES).map(([file, { fields }]) => [file, fields])));
    // The comparison means something: most of the corpus, thousands of agreeing values.
    expect(read).toBeGreaterThan(150);
    expect(agreed).toBeGreaterThan(5000);
  });
});
