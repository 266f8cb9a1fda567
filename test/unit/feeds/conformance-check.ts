/**
 * Checks one case of the feed-parsing conformance corpus (test/fixtures/conformance/cases.json,
 * semantics in ../shared/corpus/feeds/README.md §2) against `readFeed`: decode → parse →
 * normalize, exactly the path the poller takes.
 */
import { FeedError } from '../../../shared/feeds/errors.ts';
import { normalizeLink } from '../../../shared/feeds/normalize-link.ts';
import { readFeed } from '../../../shared/feeds/read-feed.ts';

export interface ConformanceItem {
  index: number;
  title?: string;
  link?: string | null;
  linkAlternatives?: string[];
  id?: string;
  published?: string;
  updated?: string;
  summaryIncludes?: string;
  summaryExcludes?: string;
  author?: string;
}

export interface ConformanceCase {
  id: string;
  file: string;
  level: 'core' | 'lenient';
  feedUrl?: string;
  responseHeaders?: Record<string, string>;
  errorAcceptable?: boolean;
  expect: {
    feedTitle?: string;
    feedLink?: string;
    itemCount?: number;
    mustNotThrow?: boolean;
    items?: ConformanceItem[];
  };
}

const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Instants compared at whole seconds (feedparser drops fractions). */
const seconds = (iso: string | null) => (iso === null ? null : Math.floor(Date.parse(iso) / 1000));
/** Our link canonicalisation applied to an expected link too, as the corpus README asks. */
const canonical = (link: string) => normalizeLink(link, link);

/** The failures of one case: an empty list means it passes. */
export async function checkCase(testCase: ConformanceCase, body: Uint8Array): Promise<string[]> {
  const failures: string[] = [];
  let feed: Awaited<ReturnType<typeof readFeed>>;
  try {
    feed = await readFeed({
      body,
      contentType: testCase.responseHeaders?.['Content-Type'],
      contentLocation: testCase.responseHeaders?.['Content-Location'],
      feedUrl: testCase.feedUrl,
    });
  } catch (error) {
    // A clean, typed error is a pass where the case allows one; anything else is a failure.
    const clean = error instanceof FeedError;
    if (!(testCase.errorAcceptable && !testCase.expect.mustNotThrow && clean)) {
      failures.push(`threw ${clean ? '' : 'an untyped error: '}${(error as Error).message}`);
    }
    return failures;
  }
  const expected = testCase.expect;
  if (expected.feedTitle !== undefined && feed.title !== expected.feedTitle.trim()) {
    failures.push(`feedTitle ${JSON.stringify(feed.title)}, expected ${JSON.stringify(expected.feedTitle)}`);
  }
  if (expected.feedLink !== undefined && feed.link !== canonical(expected.feedLink)) {
    failures.push(`feedLink ${feed.link}, expected ${expected.feedLink}`);
  }
  if (expected.itemCount !== undefined && feed.entries.length !== expected.itemCount) {
    failures.push(`itemCount ${feed.entries.length}, expected ${expected.itemCount}`);
  }
  for (const item of expected.items ?? []) {
    const entry = feed.entries[item.index];
    const at = `item[${item.index}]`;
    if (!entry) {
      failures.push(`${at} missing`);
      continue;
    }
    if (item.title !== undefined && entry.title !== item.title.trim()) {
      failures.push(`${at}.title ${JSON.stringify(entry.title)}, expected ${JSON.stringify(item.title)}`);
    }
    if (item.link !== undefined) {
      const ok =
        item.link === null
          ? entry.link === null
          : [item.link, ...(item.linkAlternatives ?? [])].some((link) => canonical(link) === entry.link);
      if (!ok) failures.push(`${at}.link ${entry.link}, expected ${item.link}`);
    }
    if (item.id !== undefined && entry.id !== item.id.trim())
      failures.push(`${at}.id ${JSON.stringify(entry.id)}, expected ${JSON.stringify(item.id)}`);
    if (item.published !== undefined && seconds(entry.published) !== seconds(item.published)) {
      failures.push(`${at}.published ${entry.published}, expected ${item.published}`);
    }
    if (item.updated !== undefined && seconds(entry.updated) !== seconds(item.updated)) {
      failures.push(`${at}.updated ${entry.updated}, expected ${item.updated}`);
    }
    const text = fold(entry.summary || entry.content);
    if (item.summaryIncludes !== undefined && !text.includes(fold(item.summaryIncludes))) {
      failures.push(`${at}.summary lacks ${JSON.stringify(item.summaryIncludes)}: ${JSON.stringify(text.slice(0, 120))}`);
    }
    if (item.summaryExcludes !== undefined && text.includes(fold(item.summaryExcludes))) {
      failures.push(`${at}.summary contains ${JSON.stringify(item.summaryExcludes)}`);
    }
    if (item.author !== undefined && entry.author !== item.author.trim()) {
      failures.push(`${at}.author ${JSON.stringify(entry.author)}, expected ${JSON.stringify(item.author)}`);
    }
  }
  return failures;
}
