/**
 * JSON Feed 1.1 and 1.0 conformance: read like RSS and Atom into the same normalized entries.
 * Fixtures are our own (test/fixtures/feeds/*.feed.json), written to the spec's fields.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../shared/feeds/errors.ts';
import { readFeed } from '../../../shared/feeds/read-feed.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url));
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('JSON Feed 1.1', () => {
  it('reads the feed and its items into the normalized entry shape', async () => {
    const feed = await readFeed({ body: fixture('desk-notes.feed.json'), contentType: 'application/feed+json' });

    expect(feed).toMatchObject({ format: 'json11', title: 'Desk Notes & Briefs', link: 'https://notes.example.org/', language: 'en-GB' });
    // The string in the items array is not an item.
    expect(feed.entries).toHaveLength(3);
    expect(feed.entries[0]).toEqual({
      id: 'https://notes.example.org/2025/03/security-council-vote',
      // Relative to feed_url when the document's own URL is unknown (a file).
      link: 'https://notes.example.org/2025/03/security-council-vote',
      // title is plain text: markup in it is text, not HTML.
      title: 'Security Council <b>vote</b> on ceasefire resolution',
      summary: 'Members vote on a draft resolution calling for a ceasefire.',
      content: 'The Security Council voted on Tuesday.',
      published: '2025-03-04T07:30:00.000Z',
      updated: '2025-03-04T10:00:00.000Z',
      author: 'Mara Lindqvist',
      categories: ['un', 'ceasefire'],
      language: null,
    });
  });

  it('takes content_text as the summary, a numeric id as a string, external_url as the link, the feed authors', async () => {
    const feed = await readFeed({ body: fixture('desk-notes.feed.json') });
    expect(feed.entries[1]).toMatchObject({
      id: '1002',
      link: 'https://wire.example.net/sanctions-extended',
      title: '',
      // Line breaks of content_text are kept as breaks, which plain text reads as spaces.
      summary: 'Sanctions extended for six months. The council agreed on Friday.',
      content: '',
      published: null,
      updated: '2025-03-05T12:00:00.000Z',
      author: 'The Desk',
    });
    // An unreadable date is dropped, never guessed, as in RSS and Atom.
    expect(feed.entries[2]).toMatchObject({ id: 'no-date', published: null, updated: null });
  });

  it('resolves relative URLs against the URL the document came from', async () => {
    const feed = await readFeed({
      body: bytes({ version: 'https://jsonfeed.org/version/1.1', home_page_url: '/', items: [{ id: 'a', url: 'posts/a' }] }),
      feedUrl: 'https://mirror.example.org/news/feed.json',
    });
    expect(feed.link).toBe('https://mirror.example.org/');
    expect(feed.entries[0]!.link).toBe('https://mirror.example.org/news/posts/a');
  });

  it('reads a document with a byte-order mark and leading white space', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      bytes('\n  {"version":"https://jsonfeed.org/version/1.1","items":[{"id":"x","title":"Grüße"}]}'),
    ]);
    const feed = await readFeed({ body });
    expect(feed.entries.map((e) => e.title)).toEqual(['Grüße']);
  });

  it('reads at most maxEntries items', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}` }));
    const feed = await readFeed({ body: bytes({ version: 'https://jsonfeed.org/version/1.1', items }), maxEntries: 2 });
    expect(feed.entries.map((e) => e.id)).toEqual(['i0', 'i1']);
    expect(feed.entriesDropped).toBe(3);
  });
});

describe('JSON Feed 1.0', () => {
  it('reads the 1.0 author object and the same fields', async () => {
    const feed = await readFeed({ body: fixture('old-wire.feed.json') });
    expect(feed.format).toBe('json10');
    expect(feed.entries).toEqual([
      expect.objectContaining({
        id: 'w-1',
        link: 'https://wire.example.com/talks-resume',
        title: 'Talks resume in Geneva',
        summary: 'Negotiators met again.',
        published: '2024-11-02T09:00:00.000Z',
        author: 'Wire Staff',
      }),
    ]);
  });
});

describe('JSON that is not a JSON Feed', () => {
  it.each([
    ['an object without items', '{"status":"ok"}', 'the body is JSON, not a JSON Feed (no "items" array)'],
    ['an array', '[1, 2, 3]', 'the body is JSON, not a JSON Feed (no "items" array)'],
    ['items that is not an array', '{"version":"https://jsonfeed.org/version/1.1","items":{}}', 'the body is JSON, not a JSON Feed'],
    ['truncated JSON', '{"items": [{"id": "a"', 'refused: JSON could not be read'],
  ])('fails with a parse error naming what it is: %s', async (_label, body, message) => {
    const act = readFeed({ body: bytes(body), feedUrl: 'https://x.example.org/feed.json' });
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(message);
    await expect(act).rejects.toMatchObject({ looksLike: 'json', retryable: false });
  });
});
