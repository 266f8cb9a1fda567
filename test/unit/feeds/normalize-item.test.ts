import { describe, expect, it } from 'vitest';
import { authorName, normalizeEntries, normalizeItem, normalizeItems, normalizeLink } from '../../../shared/feeds/normalize-item.ts';
import { parseFeedDate } from '../../../shared/feeds/parse-date.ts';
import { parseFeed, type FeedEntry } from '../../../shared/feeds/parse-feed.ts';
import { toPlainText } from '../../../shared/feeds/plain-text.ts';
import { newsItemSchema } from '../../../shared/messages/schemas.ts';

const context = { feedId: 'world-desk', feedUrl: 'https://news.example.org/feeds/world.xml', source: 'World Desk' };

/** A parsed entry (as `parseFeed` gives it: text as HTML, dates ISO) with only the given fields. */
const entry = (fields: Partial<FeedEntry>): FeedEntry => ({ authors: [], categories: [], ...fields });
/** Parsed entries in plain terms, as `readFeed` gives them to `normalizeItems`. */
const normalized = (list: Partial<FeedEntry>[]) => normalizeEntries({ entries: list.map(entry), format: 'rss2' }, context.feedUrl);

describe('toPlainText', () => {
  it('decodes entities, strips tags and folds whitespace', () => {
    expect(toPlainText('<p>Talks&nbsp;resume &amp; envoys&#8217;   hopes\n rise</p>')).toBe('Talks resume & envoys’ hopes rise');
  });

  it('drops script and style contents and comments', () => {
    expect(toPlainText('<p>Vote</p><script type="text/javascript">var x = "<b>";</script><style>p{}</style><!-- hidden -->held')).toBe(
      'Vote held',
    );
  });

  it('keeps escaped markup as literal text, and survives ">" inside attributes', () => {
    expect(toPlainText('&lt;b&gt;bold&lt;/b&gt;')).toBe('<b>bold</b>');
    expect(toPlainText('<a title="a > b" href="/x">link</a> text')).toBe('link text');
  });

  it('keeps a lone "<" that opens no tag, and treats an unterminated tag as text', () => {
    expect(toPlainText('a < b and c<d')).toBe('a < b and c<d');
    expect(toPlainText('x <a href="never closed')).toBe('x <a href="never closed');
  });

  it('gets through hostile markup (thousands of unclosed tags, quotes and scripts)', () => {
    expect(toPlainText('<a title="x'.repeat(20_000))).toBe(`<a title="x${'<a title="x'.repeat(19_999)}`);
    expect(toPlainText(`ok${'<script>'.repeat(20_000)}`)).toBe('ok');
    expect(toPlainText(`${'<b>'.repeat(50_000)}text`)).toBe('text');
  });

  it('separates words across block tags', () => {
    expect(toPlainText('<p>First</p><p>Second</p>line<br/>break')).toBe('First Second line break');
  });

  it('reads tag names in any case, and quoted values after "=" with spaces around it', () => {
    expect(toPlainText("<DIV class = 'a>b'>First</DIV>Second<H1-X>third")).toBe('First Secondthird');
    expect(toPlainText('<a title\u00a0=\u3000"x>y">link</a>')).toBe('link');
  });

  it('reads C1 controls as windows-1252 and drops spoofing characters', () => {
    expect(toPlainText('Talks&#150;resume\u202e \u0093now\u0094\u200b')).toBe('Talks–resume “now”');
  });
});

describe('normalizeLink', () => {
  it('resolves relative links against the feed URL', () => {
    expect(normalizeLink('/world/story-1', context.feedUrl)).toBe('https://news.example.org/world/story-1');
    expect(normalizeLink('story-2.html', context.feedUrl)).toBe('https://news.example.org/feeds/story-2.html');
  });

  it('drops utm_* parameters and keeps the others', () => {
    expect(normalizeLink('https://a.example/x?utm_source=rss&id=7&UTM_Medium=feed#top', context.feedUrl)).toBe(
      'https://a.example/x?id=7#top',
    );
    expect(normalizeLink('https://a.example/x?utm_source=rss', context.feedUrl)).toBe('https://a.example/x');
  });

  it('leaves a query without tracking parameters exactly as it was', () => {
    expect(normalizeLink('https://a.example/search?q=a%20b&x=1', context.feedUrl)).toBe('https://a.example/search?q=a%20b&x=1');
  });

  it('drops other click trackers too', () => {
    expect(normalizeLink('https://a.example/x?fbclid=1&gclid=2&mc_eid=3&story=9', context.feedUrl)).toBe('https://a.example/x?story=9');
  });

  it('unwraps Google Alerts and Google News redirect wrappers', () => {
    expect(
      normalizeLink('https://www.google.com/url?rct=j&sa=t&url=https://www.reuters.com/world/x-2025-03-06/&ct=ga&cd=1', context.feedUrl),
    ).toBe('https://www.reuters.com/world/x-2025-03-06/');
    expect(
      normalizeLink(
        'http://news.google.com/news/url?sa=t&fd=R&usg=AFQ&url=http://www.telegraph.co.uk/news/1.html?utm_source=g',
        context.feedUrl,
      ),
    ).toBe('http://www.telegraph.co.uk/news/1.html');
    // An opaque article id that embeds no URL stays as it is.
    expect(normalizeLink('https://news.google.com/rss/articles/AAAA?oc=5', context.feedUrl)).toBe(
      'https://news.google.com/rss/articles/AAAA?oc=5',
    );
  });

  it('refuses non-http links', () => {
    expect(normalizeLink('javascript:alert(1)', context.feedUrl)).toBeNull();
    expect(normalizeLink('mailto:desk@example.org', context.feedUrl)).toBeNull();
    expect(normalizeLink('   ', context.feedUrl)).toBeNull();
  });
});

describe('parseFeedDate', () => {
  it('turns RFC 822 and ISO dates into UTC ISO strings', () => {
    expect(parseFeedDate('Tue, 04 Mar 2025 09:30:00 +0100')).toBe('2025-03-04T08:30:00.000Z');
    expect(parseFeedDate('2025-03-06T07:15:00+02:00')).toBe('2025-03-06T05:15:00.000Z');
  });

  it('reads obsolete zones, two-digit years and zone-less dates (as UTC) by rule', () => {
    expect(parseFeedDate('Mon, 26 January 2004 16:31:00 ET')).toBe('2004-01-26T21:31:00.000Z');
    expect(parseFeedDate('Thu, 01 Jan 04 19:48:21 GMT')).toBe('2004-01-01T19:48:21.000Z');
    expect(parseFeedDate('2004-07-08 23:56:58')).toBe('2004-07-08T23:56:58.000Z');
  });

  it.each(['not a date at all', 'foo 12', '', '31/12/2025', 'Sun, Dec x 2012 11:47:32 GMT', '22013', '2003-12-31T25:14:55Z'])(
    'reads %j as null',
    (raw) => {
      expect(parseFeedDate(raw)).toBeNull();
    },
  );
});

describe('normalizeItem', () => {
  it('builds a valid NewsItem with plain text, an absolute clean link and a stable key', () => {
    const item = normalizeItem(
      entry({
        title: 'UN &amp; allies <b>meet</b>',
        link: '/world/un-meets?utm_source=feed&page=2',
        guid: ' wd-1 ',
        published: '2025-03-05T14:00:00.000Z',
        authors: ['A. Writer', 'B. Editor'],
        summary: '<p>The council&rsquo;s vote</p>',
        categories: ['Diplomacy', 'United &amp; Nations', 'un', 'Diplomacy'],
      }),
      context,
    );
    expect(newsItemSchema.parse(item)).toEqual(item);
    expect(item).toMatchObject({
      feedId: 'world-desk',
      source: 'World Desk',
      guid: 'wd-1',
      title: 'UN & allies meet',
      summary: 'The council’s vote',
      link: 'https://news.example.org/world/un-meets?page=2',
      published: '2025-03-05T14:00:00.000Z',
      author: 'A. Writer',
      categories: ['Diplomacy', 'United & Nations', 'un'],
    });
    expect(item.itemKey).toMatch(/^world-desk#[0-9a-f]{32}$/);
    // The key depends on the guid only, not on the title or link.
    expect(normalizeItem(entry({ guid: 'wd-1', title: 'Changed headline' }), context).itemKey).toBe(item.itemKey);
  });

  it('keys by link when there is no guid, and by title + date when there is neither', () => {
    const byLink = normalizeItem(entry({ title: 'A', link: 'https://a.example/1?utm_source=x' }), context);
    expect(normalizeItem(entry({ title: 'B', link: 'https://a.example/1' }), context).itemKey).toBe(byLink.itemKey);
    const byTitle = normalizeItem(entry({ title: 'Only a title', published: '2025-03-01T00:00:00.000Z' }), context);
    expect(byTitle.link).toBeNull();
    expect(normalizeItem(entry({ title: 'Only a title', published: '2025-03-02T00:00:00.000Z' }), context).itemKey).not.toBe(
      byTitle.itemKey,
    );
  });

  it('identifies an Atom or JSON Feed entry by its id alone, an RSS one by its guid first', () => {
    const both = entry({ title: 'T', id: 'urn:x:1', guid: 'g-1' });
    expect(normalizeItem(both, context, 'atom10').guid).toBe('urn:x:1');
    expect(normalizeItem(both, context, 'json11').guid).toBe('urn:x:1');
    expect(normalizeItem(both, context, 'rss2').guid).toBe('g-1');
  });

  it('gives a garbage date as null instead of failing the item', async () => {
    const parsed = await parseFeed(
      '<rss version="2.0"><channel><item><title>T</title><guid>g</guid><pubDate>yesterday-ish</pubDate></item></channel></rss>',
      context.feedUrl,
    );
    expect(normalizeItem(parsed.entries[0]!, context).published).toBeNull();
  });

  it('prefers the publisher URL (feedburner:origLink) over the tracking redirect', () => {
    const item = normalizeItem(
      entry({ title: 'T', guid: 'g', link: 'https://feeds.example/~r/x/1', origLink: 'https://pub.example/story' }),
      context,
    );
    expect(item.link).toBe('https://pub.example/story');
  });

  it('bounds the summary', () => {
    const item = normalizeItem(entry({ title: 'T', guid: 'g', content: 'word '.repeat(2000) }), context);
    expect(item.summary.length).toBeLessThanOrEqual(2000);
    expect(item.summary.endsWith('…')).toBe(true);
  });

  it('rejects an item its schema refuses, with the issue the schema finds (a key past 512 characters)', () => {
    expect(() => normalizeItem(entry({ title: 'T', guid: 'g' }), { ...context, feedId: 'f'.repeat(480) })).toThrow(
      /^item is invalid: itemKey: /,
    );
  });

  it('drops characters no feed text can hold (controls, lone surrogates)', () => {
    const item = normalizeItem(entry({ title: 'Vote\u0001 held\uD800', guid: 'g\u0002' }), context);
    expect(item).toMatchObject({ title: 'Vote held', guid: 'g' });
  });
});

describe('authorName', () => {
  it.each([
    ['me@example.com (Example editor)', 'Example editor'],
    ['Example editor <me@example.com>', 'Example editor'],
    ['Example editor (me@example.com)', 'Example editor'],
    ['me@example.com', 'me@example.com'],
    ['  Mara &amp; Jo ', 'Mara & Jo'],
  ])('reads %j as %j', (raw, name) => {
    expect(authorName(raw)).toBe(name);
  });
});

describe('normalizeItems', () => {
  it('skips and counts entries with nothing to identify them, and repeated entries, keeping the rest', () => {
    const result = normalizeItems(
      normalized([{ title: 'Kept', guid: 'a' }, { title: '' }, {}, { title: 'Again', guid: 'a' }, { title: 'Also kept', guid: 'b' }]),
      context,
    );
    expect(result.items.map((i) => i.title)).toEqual(['Kept', 'Also kept']);
    expect(result.skipped).toEqual({ 'no-identity': 2, 'repeated-in-feed': 1 });
  });

  it('keys by link the entries of a feed that gives one guid to different stories', () => {
    const result = normalizeItems(
      normalized([
        { title: 'One', guid: 'same', link: 'https://a.example/1' },
        { title: 'Two', guid: 'same', link: 'https://a.example/2' },
      ]),
      context,
    );
    expect(result.items.map((i) => i.title)).toEqual(['One', 'Two']);
    expect(new Set(result.items.map((i) => i.itemKey)).size).toBe(2);
  });

  it("follows the feed's id policy", () => {
    const entries = normalized([{ title: 'Same story', guid: 'changes-every-poll-1', link: 'https://a.example/s', summary: 'text' }]);
    const again = normalized([{ title: 'Same story', guid: 'changes-every-poll-2', link: 'https://a.example/s', summary: 'text' }]);
    const key = (policy: 'auto' | 'link' | 'content', list: typeof entries) =>
      normalizeItems(list, { ...context, idPolicy: policy }).items[0]!.itemKey;
    expect(key('auto', entries)).not.toBe(key('auto', again));
    expect(key('link', entries)).toBe(key('link', again));
    expect(key('content', entries)).toBe(key('content', again));
  });
});
