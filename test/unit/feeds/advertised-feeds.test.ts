import { describe, expect, it } from 'vitest';
import { findAdvertisedFeeds } from '../../../shared/feeds/advertised-feeds.ts';
import { FeedParseError } from '../../../shared/feeds/errors.ts';
import { parseFeed } from '../../../shared/feeds/parse-feed.ts';

const page = `<!DOCTYPE html>
<html lang="en"><head>
  <meta charset="utf-8">
  <title>Desk</title>
  <base href="https://www.example.org/news/">
  <link rel="stylesheet" href="/style.css">
  <link rel="alternate" type="application/rss+xml" title="Desk &amp; Wire (RSS)" href="rss.xml">
  <link rel=alternate type=application/atom+xml href=/atom.xml>
  <LINK REL="Alternate Home" TYPE="application/feed+json; charset=utf-8" HREF="https://cdn.example.net/feed.json">
  <link rel="alternate" type="application/json" href="rss.xml">
  <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
  <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
  <link rel="alternate" type="application/rss+xml">
</head>
<body><link rel="alternate" type="application/rss+xml" href="/in-body.xml"></body></html>`;

describe('findAdvertisedFeeds', () => {
  it('finds the RSS, Atom and JSON feeds a page links to in its head, resolved against <base>, each once', () => {
    expect(findAdvertisedFeeds(page, 'https://www.example.org/')).toEqual([
      { url: 'https://www.example.org/news/rss.xml', kind: 'rss', title: 'Desk & Wire (RSS)' },
      { url: 'https://www.example.org/atom.xml', kind: 'atom' },
      { url: 'https://cdn.example.net/feed.json', kind: 'json' },
    ]);
  });

  it('resolves against the page URL without <base>, and finds nothing on a page without links', () => {
    expect(
      findAdvertisedFeeds(
        '<html><head><link rel="alternate" type="application/rss+xml" href="feed/"></head></html>',
        'https://a.example/blog/',
      ),
    ).toEqual([{ url: 'https://a.example/blog/feed/', kind: 'rss' }]);
    expect(findAdvertisedFeeds('<html><head><title>x</title></head><body>hi</body></html>', 'https://a.example/')).toEqual([]);
    expect(findAdvertisedFeeds('<<<>>> not markup &&&', undefined)).toEqual([]);
  });
});

describe("parseFeed's HTML page error", () => {
  it('names the feeds the page advertises', async () => {
    const act = parseFeed(page, 'https://www.example.org/');
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(
      'feed parse failed: the body is an HTML page, not a feed; the page advertises 3 feeds: https://www.example.org/news/rss.xml (RSS), https://www.example.org/atom.xml (Atom), https://cdn.example.net/feed.json (JSON Feed) (https://www.example.org/)',
    );
    await expect(act).rejects.toMatchObject({
      looksLike: 'html',
      advertisedFeeds: expect.arrayContaining([expect.objectContaining({ kind: 'atom' })]),
    });
  });
});
