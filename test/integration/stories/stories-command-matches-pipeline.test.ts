/**
 * `news-alerts stories` makes the pipeline's decision: the same items, each from its own outlet's
 * feed, are polled through the real pipeline (poll-feed on dynalite + fauxqs, feeds on a real
 * HTTP server) and read by the command, in the same order; both must group them alike.
 */
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import type { TopicEngine } from '../../../shared/classify/index.ts';
import { pollFeed } from '../../../shared/feeds/poll-feed.ts';
import { handleQueuedItems } from '../../helpers/handle-queued-items.ts';
import { alertMessageSchema } from '../../../shared/messages/schemas.ts';
import { conditionalRoute, startFeedServer, type FeedServer } from '../feeds/feed-server.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';

interface Line {
  id: string;
  title: string;
  summary: string;
  published: string;
}
const lines: Line[] = readFileSync(new URL('../../fixtures/stories/places-and-paraphrases.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Line);

/** Every item is on topic, so the pipeline places every item in a story. */
const everyItem: Pick<TopicEngine, 'classify'> = {
  classify: () => [{ topic: 'un-meeting', label: 'un-meeting', score: 1, matched: [] }],
};

const link = (id: string) => `https://example.org/${id}`;
const rss = (line: Line) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${line.id}</title><link>https://example.org/</link><description>d</description>` +
  `<item><title>${line.title}</title><link>${link(line.id)}</link><guid isPermaLink="false">${line.id}</guid>` +
  `<pubDate>${new Date(line.published).toUTCString()}</pubDate><description>${line.summary}</description></item></channel></rss>`;

/** Groups as sorted lists of ids, sorted: comparable whatever the story ids are. */
const groupsOf = (storyOf: Map<string, string>) => {
  const groups = new Map<string, string[]>();
  for (const [id, story] of storyOf) groups.set(story, [...(groups.get(story) ?? []), id].sort());
  return [...groups.values()].sort((a, b) => a[0]!.localeCompare(b[0]!));
};

let engines: PipelineEngines;
let server: FeedServer;
beforeAll(async () => {
  [engines, server] = await Promise.all([startPipelineEngines(), startFeedServer()]);
});
afterAll(async () => {
  await Promise.all([engines?.stop(), server?.stop()]);
});

describe('news-alerts stories vs the pipeline', () => {
  it('groups the same items in the same order exactly as poll-feed does', async () => {
    const pipeline = new Map<string, string>();
    for (const line of lines) {
      const feedId = `outlet-${line.id}`;
      server.routes.set(`/${feedId}`, conditionalRoute(rss(line)));
      await engines.deps.feeds.upsertFeed({ feedId, url: `${server.origin}/${feedId}`, intervalMinutes: 10 }, engines.clock.now());
      const result = await pollFeed({ feedId, plannedAt: engines.clock.now().toISOString() }, engines.deps);
      expect(result).toMatchObject({ status: 'ok', new: 1 });
      expect(await handleQueuedItems(engines.drain, { ...engines.deps, engine: async () => everyItem })).toMatchObject({ new: 1 });
      engines.clock.advanceMinutes(1);
    }
    // Founders alert; members join silently: a story's members are read from the store.
    const founders = (await engines.drain('alert')).map((body) => alertMessageSchema.parse(body).storyId);
    for (const storyId of founders) {
      for (const member of await engines.deps.stories!.listMembers(storyId)) pipeline.set(member.link!.split('/').pop()!, storyId);
    }
    expect([...pipeline.keys()].sort()).toEqual(lines.map((l) => l.id).sort());

    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => (out += chunk));
    const input = lines.map((line) => JSON.stringify({ ...line, link: link(line.id) })).join('\n');
    expect(await main(['stories', '-'], { stdin: Readable.from([input]), stdout, stderr: new PassThrough() })).toBe(0);
    const command = new Map(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; story: string })
        .map((c): [string, string] => [c.id, c.story]),
    );

    expect(groupsOf(command)).toEqual(groupsOf(pipeline));
    // And the grouping is the one wanted: the Peru debate apart, the paraphrased vote joined, the
    // council-session request apart from the next round of talks.
    expect(groupsOf(pipeline)).toEqual([['doha'], ['gva'], ['ist'], ['lk', 'lk2'], ['pe'], ['rq'], ['sc'], ['v1', 'v2']]);
  });
});
