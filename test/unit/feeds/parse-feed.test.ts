import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../shared/feeds/errors.ts';
import { describeBody, parseFeed } from '../../../shared/feeds/parse-feed.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url), 'utf8');
const url = 'https://news.example.org/feed.xml';

describe('parseFeed', () => {
  it('reads an RSS 2.0 feed: title and entries', async () => {
    const feed = await parseFeed(fixture('world-desk.rss.xml'), url);
    expect(feed.title).toBe('World Desk & Wire');
    expect(feed.entries).toHaveLength(3);
    expect(feed.entries[0]).toMatchObject({ guid: 'wd-1001', creator: 'Mara Lindqvist' });
  });

  it('reads an Atom feed, keeping an entry whose date rss-parser cannot convert', async () => {
    const feed = await parseFeed(fixture('policy-briefs.atom.xml'), url);
    expect(feed.title).toBe('Policy Briefs');
    expect(feed.entries.map((e) => e.id)).toEqual(['urn:briefs:2025:0042', 'urn:briefs:2025:0043']);
    expect(feed.entries[1]).toMatchObject({ title: 'Garbage date entry', pubDate: 'the day after tomorrow' });
  });

  it.each([
    ['an HTML page', fixture('not-a-feed.html'), 'html', 'the body is an HTML page, not a feed'],
    ['JSON', '{"items": []}', 'json', 'the body is JSON, not an RSS or Atom feed'],
    ['an empty body', ' \n ', 'empty', 'the body is empty'],
    ['binary data', '\uFFFD'.repeat(200) + 'PNG', 'binary', 'the body is binary data, not text'],
    ['plain text', 'Service unavailable', 'text', 'the body is not XML (it starts with "Service unavailable")'],
    ['XML of another kind', '<?xml version="1.0"?><config><a/></config>', 'xml', 'XML but not RSS or Atom (root element <config>)'],
    ['broken XML', '<rss version="2.0"><channel><title>x</channel></rss>', 'xml', 'invalid XML:'],
  ])('says what the body is when it is %s', async (_label, body, shape, message) => {
    const act = parseFeed(body, url);
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(`feed parse failed: ${message}`);
    await expect(act).rejects.toMatchObject({ looksLike: shape, retryable: false });
  });
});

describe('describeBody', () => {
  it('does not take a feed whose items carry HTML for an HTML page', () => {
    const rss = '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><rss version="2.0"><channel><description><![CDATA[<html><body>x</body></html>]]></description></channel></rss>';
    expect(describeBody(rss)).toBe('xml');
  });
});
