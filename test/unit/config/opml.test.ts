import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../shared/config/config-file.ts';
import { assignFeedIds, OPML_LIMITS, parseOpml, renderOpml } from '../../../shared/config/opml.ts';
import { ConfigError } from '../../../shared/core/errors.ts';

const source = '/tmp/subscriptions.opml';

/** An export of the shape Miniflux and NetNewsWire write: folders, a category attribute, a feed listed twice. */
const readerExport = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title><dateCreated>Tue, 04 Mar 2025 08:30:00 GMT</dateCreated></head>
  <body>
    <outline text="Loose &amp; Unfiled" type="rss" xmlUrl="https://loose.example.org/rss" htmlUrl="https://loose.example.org/"/>
    <outline text="News">
      <outline text="World">
        <outline text="World Desk" title="World Desk — Wire" type="rss" xmlUrl="https://news.example.org/feed.xml" category="/Diplomacy,/UN/"/>
      </outline>
      <outline title="Briefs" text="Policy Briefs" type="rss" XMLURL="https://briefs.example.net/atom.xml"/>
    </outline>
    <outline text="Sanctions">
      <outline text="World Desk" type="rss" xmlUrl="https://news.example.org/feed.xml"/>
    </outline>
  </body>
</opml>`;

describe('parseOpml', () => {
  it('reads feeds with their folders and category attribute as tags, merging a feed listed twice', () => {
    const document = parseOpml(readerExport, source);
    expect(document.title).toBe('My subscriptions');
    expect(document.feeds).toEqual([
      { url: 'https://loose.example.org/rss', title: 'Loose & Unfiled', tags: [], line: 5 },
      {
        url: 'https://news.example.org/feed.xml',
        title: 'World Desk — Wire',
        tags: ['Diplomacy', 'News/World', 'Sanctions', 'UN'],
        line: 8,
      },
      { url: 'https://briefs.example.net/atom.xml', title: 'Briefs', tags: ['News'], line: 10 },
    ]);
    expect(document.duplicates).toEqual(['https://news.example.org/feed.xml']);
  });

  it('names the line of every feed outline without a usable xmlUrl, and reads nothing', () => {
    const opml = `<opml version="1.0"><body>
      <outline text="No URL" type="rss"/>
      <outline text="Mail" type="rss" xmlUrl="mailto:desk@example.org"/>
      <outline text="Fine" type="rss" xmlUrl="https://fine.example.org/rss"/>
    </body></opml>`;
    expect(() => parseOpml(opml, source)).toThrow(
      new ConfigError(
        `OPML file has 2 bad feed outlines (${source}):\n  line 2: the feed outline "No URL" has no xmlUrl\n  line 3: xmlUrl must be an http(s) URL, got "mailto:desk@example.org"`,
      ),
    );
  });

  it.each([
    [
      'an external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><opml><body><outline text="&xxe;" xmlUrl="https://a.example/"/></body></opml>',
      'OPML file refused: it declares DTD entities, which OPML never needs (entity expansion or XXE)',
    ],
    [
      'entity expansion (billion laughs)',
      `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><opml><body><outline text="&b;" xmlUrl="https://a.example/"/></body></opml>`,
      'OPML file refused: it declares DTD entities',
    ],
    [
      'an undeclared entity',
      '<opml><body><outline text="&nope;" xmlUrl="https://a.example/"/></body></opml>',
      'OPML file is not well-formed XML: Invalid character entity',
    ],
    ['broken XML', '<opml><body><outline text="a" xmlUrl="https://a.example/"></body></opml>', 'OPML file is not well-formed XML'],
    ['another XML document', '<rss version="2.0"><channel/></rss>', 'not an OPML file: the root element is <rss>, not <opml>'],
    ['an empty file', '   ', 'not an OPML file: it holds no XML element'],
    [
      'a file past the size cap',
      `<opml>${' '.repeat(OPML_LIMITS.maxBytes)}</opml>`,
      `OPML file is too large: over ${OPML_LIMITS.maxBytes} bytes`,
    ],
    [
      'too many outlines',
      `<opml><body>${'<outline text="x" type="rss" xmlUrl="https://a.example/"/>'.repeat(OPML_LIMITS.maxOutlines + 1)}</body></opml>`,
      `OPML file has more than ${OPML_LIMITS.maxOutlines} outlines`,
    ],
    [
      'outlines nested too deep',
      `<opml><body>${'<outline text="f">'.repeat(40)}${'</outline>'.repeat(40)}</body></opml>`,
      `OPML outlines nest deeper than ${OPML_LIMITS.maxDepth} levels`,
    ],
  ])('refuses %s with a clear ConfigError naming the file', (_label, opml, message) => {
    const act = () => parseOpml(opml, source);
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
    expect(act).toThrow(`(${source})`);
  });
});

describe('renderOpml', () => {
  const feeds = [
    { feedId: 'world-desk', url: 'https://news.example.org/feed.xml?a=1&b=2', title: 'World "Desk"', tags: ['Sanctions', 'Diplomacy'] },
    { feedId: 'loose', url: 'https://loose.example.org/rss' },
    { feedId: 'briefs', url: 'https://briefs.example.net/atom.xml', title: 'Briefs', tags: ['News'] },
  ];

  it('writes untagged feeds first, then a folder per first tag with further tags as categories, escaped', () => {
    expect(renderOpml(feeds)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>news-alerts feeds</title></head>
  <body>
    <outline type="rss" text="loose" title="loose" xmlUrl="https://loose.example.org/rss"/>
    <outline text="Diplomacy" title="Diplomacy">
      <outline type="rss" text="World &quot;Desk&quot;" title="World &quot;Desk&quot;" xmlUrl="https://news.example.org/feed.xml?a=1&amp;b=2" category="/Sanctions"/>
    </outline>
    <outline text="News" title="News">
      <outline type="rss" text="Briefs" title="Briefs" xmlUrl="https://briefs.example.net/atom.xml"/>
    </outline>
  </body>
</opml>
`);
  });

  it('reads back to the same feeds, titles and tags', () => {
    const back = parseOpml(renderOpml(feeds), source).feeds;
    expect(back.map(({ url, title, tags }) => ({ url, title, tags }))).toEqual([
      { url: 'https://loose.example.org/rss', title: 'loose', tags: [] },
      { url: 'https://news.example.org/feed.xml?a=1&b=2', title: 'World "Desk"', tags: ['Diplomacy', 'Sanctions'] },
      { url: 'https://briefs.example.net/atom.xml', title: 'Briefs', tags: ['News'] },
    ]);
  });
});

describe('assignFeedIds', () => {
  it('reuses the id of a stored feed with the same URL, else slugs the title or host, unique', () => {
    const feeds = parseOpml(
      `<opml><body>
        <outline type="rss" text="Le Monde — International" xmlUrl="https://lemonde.example/intl.xml"/>
        <outline type="rss" text="Le Monde: International" xmlUrl="https://lemonde.example/intl2.xml"/>
        <outline type="rss" text="  " xmlUrl="https://www.wire.example.com/rss"/>
        <outline type="rss" text="Kept" xmlUrl="https://kept.example/rss"/>
      </body></opml>`,
      source,
    ).feeds;
    const ids = assignFeedIds(feeds, [
      { feedId: 'mine', url: 'https://kept.example/rss' },
      { feedId: 'le-monde-international', url: 'https://elsewhere.example/' },
    ]);
    expect(ids).toEqual(['le-monde-international-2', 'le-monde-international-3', 'wire-example-com', 'mine']);
  });
});

describe('a config file naming an OPML file', () => {
  it('reads the file (relative to the config) into feeds with tags; a feed listed inline wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opml-config-'));
    try {
      writeFileSync(join(dir, 'feeds.opml'), readerExport);
      writeFileSync(
        join(dir, 'news-alerts.yaml'),
        'feeds:\n  - id: loose\n    url: https://loose.example.org/rss\n  - opml: feeds.opml\n    intervalMinutes: 30\n',
      );
      const config = await loadConfigFile(join(dir, 'news-alerts.yaml'));
      expect(config.feeds).toEqual([
        { id: 'loose', url: 'https://loose.example.org/rss', intervalMinutes: 10 },
        {
          id: 'world-desk-wire',
          url: 'https://news.example.org/feed.xml',
          title: 'World Desk — Wire',
          intervalMinutes: 30,
          tags: ['Diplomacy', 'News/World', 'Sanctions', 'UN'],
        },
        { id: 'briefs', url: 'https://briefs.example.net/atom.xml', title: 'Briefs', intervalMinutes: 30, tags: ['News'] },
      ]);

      writeFileSync(join(dir, 'broken.yaml'), 'feeds:\n  - opml: nowhere.opml\n');
      await expect(loadConfigFile(join(dir, 'broken.yaml'))).rejects.toThrow(
        `config file is invalid: feeds names an OPML file that cannot be read: no such file (${join(dir, 'nowhere.opml')}, in ${join(dir, 'broken.yaml')})`,
      );
      writeFileSync(join(dir, 'bad.yaml'), 'feeds:\n  - opml: ""\n');
      await expect(loadConfigFile(join(dir, 'bad.yaml'))).rejects.toThrow('config file is invalid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
