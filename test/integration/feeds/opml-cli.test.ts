/**
 * `news-alerts feeds import|export` through `main` against a real data folder (dynalite on
 * LevelDB): OPML in and out, categories kept as tags, round-trip safe, hostile files refused
 * before anything is written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/capture-io.ts';

const readerExport = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Exported from a reader</title></head>
  <body>
    <outline text="UN News" type="rss" xmlUrl="https://news.un.org/feed/rss.xml"/>
    <outline text="World">
      <outline text="Wire" type="rss" xmlUrl="https://wire.example.org/rss" category="/Sanctions"/>
      <outline text="Europe">
        <outline title="Brief" text="Brief" type="rss" xmlUrl="https://brief.example.net/atom.xml"/>
      </outline>
    </outline>
    <outline text="Sanctions">
      <outline text="Wire" type="rss" xmlUrl="https://wire.example.org/rss"/>
    </outline>
  </body>
</opml>
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opml-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('news-alerts feeds import and export', () => {
  it('imports an OPML file with its categories as tags, and export → import → export is identical', async () => {
    const dataDir = join(dir, 'data');
    const file = join(dir, 'reader.opml');
    writeFileSync(file, readerExport);

    const imported = await runCli(['feeds', 'import', file, '--data-dir', dataDir]);
    expect(imported).toMatchObject({ code: 0, err: '' });
    expect(imported.out).toBe(
      `imported 3 feeds from ${file} into data folder ${dataDir}: 3 added, 0 updated (matched by URL)\n` +
        'listed more than once, imported once with the tags of each listing: https://wire.example.org/rss\n',
    );
    const list = JSON.parse((await runCli(['feeds', 'list', '--json', '--data-dir', dataDir])).out);
    expect(list).toEqual([
      {
        feedId: 'brief',
        url: 'https://brief.example.net/atom.xml',
        title: 'Brief',
        intervalMinutes: 10,
        tags: ['World/Europe'],
        state: 'never-polled',
      },
      { feedId: 'un-news', url: 'https://news.un.org/feed/rss.xml', title: 'UN News', intervalMinutes: 10, state: 'never-polled' },
      {
        feedId: 'wire',
        url: 'https://wire.example.org/rss',
        title: 'Wire',
        intervalMinutes: 10,
        tags: ['Sanctions', 'World'],
        state: 'never-polled',
      },
    ]);

    const first = await runCli(['feeds', 'export', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('<outline text="World/Europe" title="World/Europe">');
    expect(first.out).toContain('xmlUrl="https://wire.example.org/rss" category="/World"/>');

    // Round trip: the export imported (into the same folder, and into a fresh one) exports the same bytes.
    const exported = join(dir, 'exported.opml');
    const saved = await runCli(['feeds', 'export', '--out', exported, '--data-dir', dataDir]);
    expect(saved.out).toBe(`exported 3 feeds from data folder ${dataDir} to ${exported}\n`);
    expect(readFileSync(exported, 'utf8')).toBe(first.out);
    const again = await runCli(['feeds', 'import', exported, '--data-dir', dataDir]);
    expect(again.out).toContain('3 feeds');
    expect(again.out).toContain('0 added, 3 updated (matched by URL)');
    expect((await runCli(['feeds', 'export', '--data-dir', dataDir])).out).toBe(first.out);

    const fresh = join(dir, 'fresh');
    expect((await runCli(['feeds', 'import', exported, '--data-dir', fresh])).code).toBe(0);
    expect((await runCli(['feeds', 'export', '--data-dir', fresh])).out).toBe(first.out);
    // Importing keeps the interval of a feed already there.
    expect(
      (await runCli(['feeds', 'add', 'brief', 'https://brief.example.net/atom.xml', '--interval', '30', '--data-dir', dataDir])).code,
    ).toBe(0);
    expect((await runCli(['feeds', 'import', exported, '--data-dir', dataDir])).code).toBe(0);
    expect(JSON.parse((await runCli(['feeds', 'list', '--json', '--data-dir', dataDir])).out)[0]).toMatchObject({
      feedId: 'brief',
      intervalMinutes: 30,
      tags: ['World/Europe'],
    });
  });

  it('refuses a hostile or broken OPML file with one clear sentence and writes nothing', async () => {
    const dataDir = join(dir, 'hostile');
    const cases: [string, string, string][] = [
      [
        'xxe.opml',
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body><outline text="&x;" type="rss" xmlUrl="https://a.example/rss"/></body></opml>',
        'OPML file refused: it declares DTD entities, which OPML never needs (entity expansion or XXE)',
      ],
      [
        'no-url.opml',
        '<opml><body><outline text="ok" type="rss" xmlUrl="https://a.example/rss"/><outline text="Broken" type="rss"/></body></opml>',
        'OPML file has 1 bad feed outline',
      ],
      ['missing.opml', '', 'OPML file cannot be read: no such file'],
      [
        'loopback.opml',
        '<opml><body><outline text="Local" type="rss" xmlUrl="http://127.0.0.1:8080/rss"/></body></opml>',
        'OPML feed on line 1 refused: 127.0.0.1 is a loopback address',
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      if (content) writeFileSync(file, content);
      const result = await runCli(['feeds', 'import', file, '--data-dir', dataDir]);
      expect(result.code, name).toBe(1);
      expect(result.err, name).toContain(message);
      expect(result.err, name).toContain(name === 'loopback.opml' ? 'ALLOW_PRIVATE_NETWORK=true' : file);
      expect(result.err, name).not.toMatch(/\n\s+at /);
    }
    expect((await runCli(['feeds', 'list', '--data-dir', dataDir])).out).toBe(`no feeds in data folder ${dataDir}\n`);
  });
});
