import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../shared/feeds/errors.ts';
import { readFeed } from '../../../shared/feeds/read-feed.ts';
import { readFeedXml } from '../../../shared/feeds/read-feed-xml.ts';
import { HostileXmlError, XML_LIMITS } from '../../../shared/feeds/xml-document.ts';
import { escapeBareAmpersands } from '../../../shared/feeds/xml-entity-guard.ts';

const base = 'https://feeds.example.org/world/rss.xml';
const read = (xml: string) => readFeed({ body: Buffer.from(xml, 'utf8'), feedUrl: base });

describe('readFeedXml: what rss-parser alone gets wrong', () => {
  it('identifies elements by namespace, not prefix', async () => {
    const feed = await read(
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Prefixed</a:title><a:entry><a:id>urn:1</a:id><a:title>One</a:title></a:entry></a:feed>',
    );
    expect(feed).toMatchObject({ format: 'atom10', title: 'Prefixed' });
    expect(feed.entries.map((e) => [e.id, e.title])).toEqual([['urn:1', 'One']]);
  });

  it('resolves links against nested xml:base, then the document URL', async () => {
    const feed = await read(
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/blog/">' +
        '<entry xml:base="2025/"><link href="post-1"/></entry>' +
        '<entry><link href="/about"/></entry></feed>',
    );
    expect(feed.entries.map((e) => e.link)).toEqual(['https://site.example/blog/2025/post-1', 'https://site.example/about']);
    const rss = await read('<rss version="2.0"><channel><item><link>../story?utm_source=x&amp;id=2</link></item></channel></rss>');
    expect(rss.entries[0]!.link).toBe('https://feeds.example.org/story?id=2');
  });

  it('keeps Atom text literal, renders xhtml and html as text, drops script contents', async () => {
    const feed = await read(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry>' +
        '<title type="text">History of the &lt;blink&gt; tag</title>' +
        '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b><script>steal()</script></div></summary>' +
        '</entry><entry><title type="html">A &amp;amp; B &lt;i&gt;now&lt;/i&gt;</title></entry></feed>',
    );
    expect(feed.entries.map((e) => e.title)).toEqual(['History of the <blink> tag', 'A & B now']);
    expect(feed.entries[0]!.summary).toBe('Example Atom');
  });

  it('never lets a permalink-false guid become the link, and promotes a permalink guid', async () => {
    const feed = await read(
      '<rss version="2.0"><channel>' +
        '<item><guid isPermaLink="false">https://x.example/not-a-link</guid></item>' +
        '<item><guid>https://x.example/p/1</guid></item></channel></rss>',
    );
    expect(feed.entries.map((e) => [e.id, e.link])).toEqual([
      ['https://x.example/not-a-link', null],
      ['https://x.example/p/1', 'https://x.example/p/1'],
    ]);
  });

  it('reads the feed language and its ttl (or sy:updatePeriod)', async () => {
    const rss = await read('<rss version="2.0"><channel><language>uk</language><ttl>45</ttl></channel></rss>');
    expect(rss).toMatchObject({ language: 'uk', ttlMinutes: 45 });
    const sy = await read(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">' +
        '<channel><title>t</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel></rdf:RDF>',
    );
    expect(sy).toMatchObject({ format: 'rss1', ttlMinutes: 360 });
  });

  it('expands a plain internal entity', async () => {
    const feed = await read(
      '<!DOCTYPE rss [<!ENTITY id "tag:example.com,">]><rss version="2.0"><channel><item><guid isPermaLink="false">&id;2025</guid></item></channel></rss>',
    );
    expect(feed.entries[0]!.id).toBe('tag:example.com,2025');
  });

  it('reads a truncated document as far as it goes', async () => {
    const feed = await read('<rss version="2.0"><channel><title>Cut</title><item><title>First</title></item><item><title>Sec');
    expect(feed.title).toBe('Cut');
    expect(feed.entries.map((e) => e.title)).toEqual(['First', 'Sec']);
  });

  it('escapes bare ampersands outside CDATA only', () => {
    expect(escapeBareAmpersands('<a>?x=1&y=2 &amp; &#38; &eacute;</a><![CDATA[a&b]]>')).toBe(
      '<a>?x=1&amp;y=2 &amp; &#38; &eacute;</a><![CDATA[a&b]]>',
    );
  });

  it('reads no more than maxEntries entries and says how many it left', () => {
    const items = '<item><title>x</title></item>'.repeat(30);
    const doc = readFeedXml(`<rss version="2.0"><channel>${items}</channel></rss>`, { maxEntries: 10 });
    expect(doc.entries).toHaveLength(10);
    expect(doc.entriesDropped).toBe(20);
  });
});

describe('readFeedXml: hostile documents', () => {
  const billionLaughs =
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
    ']><rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>';

  it('refuses billion laughs without expanding anything', async () => {
    const act = read(billionLaughs);
    await expect(act).rejects.toBeInstanceOf(FeedParseError);
    await expect(act).rejects.toThrow(
      'refused: the document uses the entity &lol9;, which refers to other entities (entity expansion attack)',
    );
  });

  it('refuses a quadratic blow-up once expansion passes its budget', () => {
    const big = 'x'.repeat(1000);
    const doc = `<!DOCTYPE rss [<!ENTITY a "${big}">]><rss version="2.0"><channel><item><title>${'&a;'.repeat(100_000)}</title></item></channel></rss>`;
    expect(() => readFeedXml(doc)).toThrow(HostileXmlError);
    expect(() => readFeedXml(doc)).toThrow(`entity expansion exceeds ${XML_LIMITS.maxEntityExpansion} characters`);
  });

  it('refuses an external entity (XXE) and never reads the file or URL', async () => {
    for (const target of ['file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/']) {
      const doc = `<!DOCTYPE rss [<!ENTITY x SYSTEM "${target}">]><rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>`;
      const act = read(doc);
      await expect(act).rejects.toThrow('refused: the document uses the external entity &x; (XXE); it is never fetched');
    }
  });

  it('reads a document that merely declares a parameter entity it never uses', async () => {
    const doc =
      '<!DOCTYPE rss [<!ENTITY % ext SYSTEM "http://example.com/x.dtd"> %ext;]><rss version="2.0"><channel><title>ok</title></channel></rss>';
    expect((await read(doc)).title).toBe('ok');
  });

  it('flattens markup nested deeper than a field allows, keeping its text', async () => {
    const deep = `<rss version="2.0"><channel><item><title>deep</title><description>${'<div>'.repeat(500)}text${'</div>'.repeat(500)}</description></item></channel></rss>`;
    const feed = await read(deep);
    expect(feed.entries[0]).toMatchObject({ title: 'deep', summary: 'text' });
  });

  it('refuses 100 000-deep nesting (each level declaring a namespace) in linear time', async () => {
    const levels = 100_000;
    const deep = `<rss version="2.0"><channel><item><description>${'<a xmlns:p="urn:x">'.repeat(levels)}${'</a>'.repeat(levels)}</description></item></channel></rss>`;
    await expect(read(deep)).rejects.toThrow(`feed parse failed: refused: elements nested deeper than ${XML_LIMITS.maxDepth} levels`);
  });

  it('reads a sloppy feed that uses dc: without declaring it, however many items', async () => {
    const items = '<item><title>t</title><dc:creator>Desk</dc:creator><dc:date>2025-03-06T10:00:00Z</dc:date></item>'.repeat(1500);
    const feed = await read(`<rss version="2.0"><channel>${items}</channel></rss>`);
    expect(feed.entries).toHaveLength(1500);
    expect(feed.entries[0]).toMatchObject({ author: 'Desk', updated: '2025-03-06T10:00:00.000Z' });
  });

  it('gives up on a document that is mostly errors', () => {
    expect(() => readFeedXml(`<rss version="2.0"><channel>${'&bad '.repeat(5000)}</channel></rss>`)).not.toThrow();
    expect(() => readFeedXml(`<rss version="2.0"><channel>${'</x>'.repeat(XML_LIMITS.maxErrors + 5)}</channel></rss>`)).toThrow(
      /more than 1000 XML errors/,
    );
  });
});
