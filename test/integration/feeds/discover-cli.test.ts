/**
 * Feed discovery through `main`, as an operator runs it: `feeds add PAGE_URL` against a real HTTP
 * server on 127.0.0.1 (allowed with ALLOW_PRIVATE_NETWORK=true, as for any local feed), and
 * `parse` naming the feeds an HTML page advertises.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { captureIo } from '../../helpers/capture-io.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';

async function run(args: string[], options: { input?: string; tty?: boolean } = {}) {
  const { io, out, err } = captureIo(options.input ?? '');
  if (options.tty) Object.assign(io.stdin, { isTTY: true });
  const code = await main(args, io);
  return { code, out: out(), err: err() };
}

const rss = (title: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>/</link><item><guid>1</guid><title>One</title></item></channel></rss>`;
const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk Atom</title><entry><id>a</id><title>A</title></entry></feed>';
const json = '{"version":"https://jsonfeed.org/version/1.1","title":"Desk JSON","items":[{"id":"j","title":"J"},{"id":"k","title":"K"}]}';
const html = (head: string) => `<!doctype html><html><head><title>Desk</title>${head}</head><body><p>News.</p></body></html>`;

let server: FeedServer;
let dir: string;
beforeAll(async () => {
  server = await startFeedServer();
  dir = mkdtempSync(join(tmpdir(), 'discover-cli-'));
  const send = (type: string, body: string) => (_q: unknown, s: import('node:http').ServerResponse) =>
    s.writeHead(200, { 'content-type': type }).end(body);
  server.routes.set(
    '/',
    send(
      'text/html',
      html(
        '<link rel="alternate" type="application/rss+xml" title="Desk RSS" href="/rss.xml"><link rel="alternate" type="application/atom+xml" href="atom.xml"><link rel="alternate" type="application/feed+json" href="/feed.json"><link rel="alternate" type="application/rss+xml" href="/gone.xml">',
      ),
    ),
  );
  server.routes.set('/rss.xml', send('application/rss+xml', rss('Desk RSS')));
  server.routes.set('/atom.xml', send('application/atom+xml', atom));
  server.routes.set('/feed.json', send('application/feed+json', json));
  server.routes.set('/gone.xml', (_q, s) => s.writeHead(404).end());
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.unstubAllEnvs());

describe('news-alerts feeds add PAGE_URL', () => {
  it('lists the advertised feeds that answer, and without a terminal or --yes exits 1 with a sentence', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const dataDir = join(dir, 'listed');
    const result = await run(['feeds', 'add', `${server.origin}/`, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      `3 feeds found for ${server.origin}/:\n` +
        `  1. Desk RSS — ${server.origin}/rss.xml (RSS, 1 item, advertised by the page)\n` +
        `  2. Desk Atom — ${server.origin}/atom.xml (Atom, 1 item, advertised by the page)\n` +
        `  3. Desk JSON — ${server.origin}/feed.json (JSON Feed, 2 items, advertised by the page)\n`,
    );
    expect(result.err).toBe(
      'news-alerts feeds add: 3 feeds found and none chosen: pass --yes to add the first, or run "news-alerts feeds add ID FEED_URL" with the one you want\n',
    );
  });

  it('takes the first with --yes, under an id made from its title', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const dataDir = join(dir, 'yes');
    const result = await run(['feeds', 'add', `${server.origin}/`, '--yes', '--data-dir', dataDir]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`added feed desk-rss (${server.origin}/rss.xml) in data folder ${dataDir}`);
  });

  it('asks on a terminal and adds the one picked', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const dataDir = join(dir, 'asked');
    const result = await run(['feeds', 'add', `${server.origin}/`, '--data-dir', dataDir, '--json'], { input: '7\n3\n', tty: true });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Add which? [1-3, Enter for 1, q to quit] Type a number from 1 to 3, or q.');
    // On a real terminal the operator's Enter ends the prompt's line; here the JSON follows it.
    const added = JSON.parse(result.out.slice(result.out.indexOf('{"added"')));
    expect(added).toMatchObject({ added: { feedId: 'desk-json', url: `${server.origin}/feed.json`, title: 'Desk JSON' } });
  });

  it('tries the common paths when the page advertises nothing, and adds a feed URL given alone at once', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const dataDir = join(dir, 'common');
    // A blog that advertises nothing; its feed sits at a common path.
    const blog = await startFeedServer();
    blog.routes.set('/blog/', (_q, s) => s.writeHead(200, { 'content-type': 'text/html' }).end(html('')));
    blog.routes.set('/index.xml', (_q, s) => s.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('Index Feed')));
    try {
      const listed = await run(['feeds', 'add', `${blog.origin}/blog/`, '--data-dir', dataDir]);
      expect(listed.out).toBe(
        `1 feed found for ${blog.origin}/blog/:\n  1. Index Feed — ${blog.origin}/index.xml (RSS, 1 item, at a common path)\n`,
      );
      const found = await run(['feeds', 'add', `${blog.origin}/blog/`, '--yes', '--data-dir', dataDir]);
      expect(found.err).toBe('');
      expect(found.out).toContain(`added feed index-feed (${blog.origin}/index.xml)`);
    } finally {
      await blog.stop();
    }
    const direct = await run(['feeds', 'add', `${server.origin}/atom.xml`, '--data-dir', dataDir]);
    expect(direct.out).toContain(`added feed desk-atom (${server.origin}/atom.xml)`);
  });

  it('says so when nothing is found, and keeps the SSRF guard: a loopback page is refused by default', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const other = await startFeedServer();
    other.routes.set('/', (_q, s) => s.writeHead(200, { 'content-type': 'text/html' }).end(html('')));
    try {
      const none = await run(['feeds', 'add', `${other.origin}/`, '--data-dir', join(dir, 'none')]);
      expect(none.code).toBe(1);
      expect(none.err).toBe(
        `news-alerts feeds add: no feed found: the page advertises none and none of /feed, /rss.xml, /atom.xml, /feed.xml, /index.xml, /feed.json answers with one (${other.origin}/)\n`,
      );
    } finally {
      await other.stop();
    }
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'false');
    const refused = await run(['feeds', 'add', `${server.origin}/`, '--yes', '--data-dir', join(dir, 'refused')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`news-alerts feeds: feed URL refused: 127.0.0.1 is a loopback address (${server.origin}/)\n`);
  });

  it('is a usage error for one argument that is not a URL', async () => {
    const result = await run(['feeds', 'add', 'just-an-id']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("feeds add needs ID URL, or a web page's http(s) URL alone to find its feeds");
  });
});

describe('news-alerts parse on an HTML page', () => {
  it('names the feeds the page advertises, in the message and as data', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const { code, out } = await run(['parse', `${server.origin}/`, '--json']);
    expect(code).toBe(1);
    const { error } = JSON.parse(out);
    expect(error.code).toBe('not-a-feed:html');
    expect(error.message).toBe(
      `feed parse failed: the body is an HTML page, not a feed; the page advertises 4 feeds: ${server.origin}/rss.xml (RSS), ${server.origin}/atom.xml (Atom), ${server.origin}/feed.json (JSON Feed), ${server.origin}/gone.xml (RSS) (${server.origin}/)`,
    );
    expect(error.feeds).toEqual([
      { url: `${server.origin}/rss.xml`, kind: 'rss', title: 'Desk RSS' },
      { url: `${server.origin}/atom.xml`, kind: 'atom' },
      { url: `${server.origin}/feed.json`, kind: 'json' },
      { url: `${server.origin}/gone.xml`, kind: 'rss' },
    ]);
  });
});
