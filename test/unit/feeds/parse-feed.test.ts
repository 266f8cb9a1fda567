import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../shared/feeds/errors.ts';
import { normalizeEntries } from '../../../shared/feeds/normalize-item.ts';
import { describeBody, parseFeed } from '../../../shared/feeds/parse-feed.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url), 'utf8');
const url = 'https://news.example.org/feed.xml';

describe('parseFeed', () => {
  it('reads an RSS 2.0 feed: title, link and entries', async () => {
    const feed = await parseFeed(fixture('world-desk.rss.xml'), url);
    expect(feed).toMatchObject({ format: 'rss2', title: 'World Desk &amp; Wire', link: 'https://news.example.org/' });
    expect(feed.entries).toHaveLength(3);
    expect(feed.entries[0]).toMatchObject({ guid: 'wd-1001', authors: ['Mara Lindqvist'], published: '2025-03-04T08:30:00.000Z' });
    // An unreadable date is dropped, not guessed.
    expect(feed.entries[1]!.published).toBeUndefined();
  });

  it('reads an Atom feed, keeping an entry whose date cannot be read', async () => {
    const feed = await parseFeed(fixture('policy-briefs.atom.xml'), url);
    expect(feed).toMatchObject({ format: 'atom10', link: 'https://briefs.example.net/' });
    const entries = normalizeEntries(feed, url);
    expect(entries.map((e) => e.id)).toEqual(['urn:briefs:2025:0042', 'urn:briefs:2025:0043']);
    expect(entries[0]).toMatchObject({
      title: 'Ministers extend sanctions on shipping firms <update>',
      link: 'https://news.example.org/posts/sanctions-extended',
      published: '2025-03-06T05:15:00.000Z',
      author: 'Ines Carvalho',
      categories: ['Sanctions'],
      summary: 'The asset freeze now covers twelve more vessels.',
    });
    expect(entries[1]).toMatchObject({ title: 'Garbage date entry', published: null, updated: null });
  });

  it('resolves relative links against Content-Location before the feed URL', async () => {
    const doc = '<rss version="2.0"><channel><item><title>t</title><link>/a</link></item></channel></rss>';
    const feed = await parseFeed(doc, { feedUrl: url, contentLocation: 'https://mirror.example.com/x/feed' });
    expect(feed.entries[0]!.link).toBe('https://mirror.example.com/a');
  });

  it('recovers from broken XML and says how much it recovered from', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>x</channel><item><title>kept &eacute; &nope;</title></item></rss>',
      url,
    );
    expect(feed.recovered.count).toBeGreaterThan(0);
    expect(feed.recovered.samples[0]).toMatch(/Unexpected close tag|Invalid character entity/);
    expect(normalizeEntries(feed, url).map((e) => e.title)).toEqual(['kept é &nope;']);
  });

  it.each([
    ['an HTML page', fixture('not-a-feed.html'), 'html', 'the body is an HTML page, not a feed'],
    ['JSON that is not a JSON Feed', '{"status": "ok"}', 'json', 'the body is JSON, not a JSON Feed (no "items" array)'],
    [
      'truncated JSON',
      '{"version": "https://jsonfeed.org/version/1.1", "items": [',
      'json',
      'refused: JSON could not be read: Unexpected end of JSON input',
    ],
    ['an empty body', ' \n ', 'empty', 'the body is empty'],
    ['binary data', `${'\uFFFD'.repeat(200)}PNG`, 'binary', 'the body is binary data, not text'],
    ['plain text', 'Service unavailable', 'text', 'the body is not XML (it starts with "Service unavailable")'],
    ['XML of another kind', '<?xml version="1.0"?><config><a/></config>', 'xml', 'XML but not RSS or Atom (root element <config>)'],
    [
      'an XHTML page',
      '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
      'html',
      'the body is an HTML page, not a feed',
    ],
  ])('says what the body is when it is %s', async (_label, body, shape, message) => {
    const act = parseFeed(body, url);
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(`feed parse failed: ${message} (${url})`);
    await expect(act).rejects.toMatchObject({ looksLike: shape, retryable: false });
  });
});

describe('describeBody', () => {
  it('does not take a feed whose items carry HTML for an HTML page', () => {
    const rss =
      '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><rss version="2.0"><channel><description><![CDATA[<html><body>x</body></html>]]></description></channel></rss>';
    expect(describeBody(rss)).toBe('xml');
  });

  it('does not take a feed with an HTML doctype for an HTML page', () => {
    expect(describeBody('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss><channel/></rss>')).toBe('xml');
  });
});
