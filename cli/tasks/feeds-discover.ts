import { createInterface } from 'node:readline/promises';
import { COMMON_FEED_PATHS, discoverFeeds, type DiscoveredFeed } from '../../shared/feeds/index.ts';
import type { CliIo } from '../io.ts';

/** What choosing among the feeds a page offers came to: one feed, or a sentence and an exit. */
export type FeedChoice = { status: 'chosen'; feed: DiscoveredFeed } | { status: 'not-chosen'; message: string };

/**
 * `feeds add PAGE_URL`: the feeds behind a page (see `discoverFeeds`), then one of them: the
 * only one, the first with `--yes`, or the operator's pick when stdin is a terminal. Without a
 * terminal and without `--yes` nothing is picked: the feeds are listed on stdout and the
 * message says how to go on.
 */
export async function chooseDiscoveredFeed(
  pageUrl: string,
  options: { yes: boolean; allowPrivateNetwork: boolean },
  io: CliIo,
): Promise<FeedChoice> {
  const feeds = await discoverFeeds(pageUrl, {
    allowPrivateNetwork: options.allowPrivateNetwork,
    userAgent: 'news-alerts/0.1 (feed discovery; command line)',
  });
  if (feeds.length === 0) {
    return {
      status: 'not-chosen',
      message: `no feed found: the page advertises none and none of ${COMMON_FEED_PATHS.join(', ')} answers with one (${pageUrl})`,
    };
  }
  if (feeds.length === 1 && feeds[0]!.via === 'given') return { status: 'chosen', feed: feeds[0]! };
  if (options.yes) return { status: 'chosen', feed: feeds[0]! };
  const listing = feeds.map((feed, i) => `  ${i + 1}. ${describe(feed)}`).join('\n');
  if (!isTerminal(io)) {
    io.stdout.write(`${plural(feeds.length)} found for ${pageUrl}:\n${listing}\n`);
    return {
      status: 'not-chosen',
      message: `${plural(feeds.length)} found and none chosen: pass --yes to add the first, or run "news-alerts feeds add ID FEED_URL" with the one you want`,
    };
  }
  io.stdout.write(`${plural(feeds.length)} found for ${pageUrl}:\n${listing}\n`);
  const lines = createInterface({ input: io.stdin, terminal: false })[Symbol.asyncIterator]();
  const ask = `Add which? [1-${feeds.length}, Enter for 1, q to quit] `;
  try {
    for (;;) {
      io.stdout.write(ask);
      const next = await lines.next();
      // stdin closed without an answer.
      if (next.done) return { status: 'not-chosen', message: 'no feed added: no answer' };
      const answer = String(next.value).trim().toLowerCase();
      if (answer === 'q') return { status: 'not-chosen', message: 'no feed added: you chose none' };
      const index = answer === '' ? 1 : Number(answer);
      if (Number.isInteger(index) && index >= 1 && index <= feeds.length) return { status: 'chosen', feed: feeds[index - 1]! };
      io.stdout.write(`Type a number from 1 to ${feeds.length}, or q.\n`);
    }
  } finally {
    await lines.return?.();
  }
}

function describe(feed: DiscoveredFeed): string {
  const kind = feed.format.startsWith('json') ? 'JSON Feed' : feed.format.startsWith('atom') ? 'Atom' : 'RSS';
  const how = feed.via === 'advertised' ? 'advertised by the page' : feed.via === 'common-path' ? 'at a common path' : 'the URL given';
  return `${feed.title || '(untitled)'} — ${feed.url} (${kind}, ${feed.entries} item${feed.entries === 1 ? '' : 's'}, ${how})`;
}

function plural(count: number): string {
  return count === 1 ? '1 feed' : `${count} feeds`;
}

/** Whether stdin is an interactive terminal (tests pass a stream marked as one). */
function isTerminal(io: CliIo): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true;
}
