import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { feedConfigSchema } from '../../shared/config/config-file.ts';
import { assignFeedIds, OPML_LIMITS, parseOpml, renderOpml } from '../../shared/config/opml.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import type { FeedStore } from '../../shared/store/ports.ts';
import { refuseNonPublicUrls } from '../private-network.ts';

/** What `feeds import` did. */
export interface OpmlImportOutcome {
  file: string;
  added: string[];
  updated: string[];
  /** URLs listed more than once in the file, imported once with every listing's tags. */
  duplicates: string[];
}

/**
 * Reads an OPML file (bounded: `OPML_LIMITS.maxBytes` read at most) and writes its feeds: a feed
 * whose URL is already there keeps its id, intervals and id policy and takes the file's title
 * and tags; a new one gets an id from its title and `intervalMinutes`, and is due at once.
 * Everything is checked before anything is written; loopback and private addresses are refused
 * unless ALLOW_PRIVATE_NETWORK=true, as for `feeds add`.
 */
export async function importOpml(
  feeds: FeedStore,
  path: string,
  intervalMinutes: number | undefined,
  now: Date,
): Promise<OpmlImportOutcome> {
  const file = resolve(path);
  const document = parseOpml(await readBounded(file), file);
  // The rule `feeds add` and the config file apply (no DNS here: a list may hold thousands).
  await refuseNonPublicUrls(
    document.feeds.map((feed) => ({ url: feed.url, where: `OPML feed on line ${feed.line}` })),
    { resolve: false },
  );
  const existing = await feeds.listFeeds();
  const ids = assignFeedIds(document.feeds, existing);
  const byId = new Map(existing.map((feed) => [feed.feedId, feed]));
  const writes = document.feeds.map((feed, i) => {
    const feedId = ids[i]!;
    const stored = byId.get(feedId);
    const parsed = feedConfigSchema.safeParse({
      id: feedId,
      url: feed.url,
      title: feed.title,
      intervalMinutes: intervalMinutes ?? stored?.intervalMinutes,
      tags: feed.tags.length > 0 ? feed.tags : undefined,
    });
    if (!parsed.success) {
      throw new ConfigError(`OPML feed is invalid: ${formatZodIssues(parsed.error.issues)} (line ${feed.line} of ${file})`);
    }
    const { id, url, title, tags } = parsed.data;
    const definition = {
      feedId: id,
      url,
      title,
      intervalMinutes: parsed.data.intervalMinutes,
      // What OPML cannot carry stays as the operator set it.
      maxIntervalMinutes: stored?.maxIntervalMinutes,
      idPolicy: stored?.idPolicy,
      tags,
    };
    return { stored, feed: definition };
  });
  const outcome: OpmlImportOutcome = { file, added: [], updated: [], duplicates: document.duplicates };
  for (const { stored, feed } of writes) {
    await feeds.upsertFeed(feed, now);
    (stored ? outcome.updated : outcome.added).push(feed.feedId);
  }
  return outcome;
}

/** The stored feeds as OPML 2.0 (see `renderOpml`). */
export async function exportOpml(feeds: FeedStore): Promise<string> {
  return renderOpml(await feeds.listFeeds());
}

/** The file's text, refusing one larger than the OPML cap before reading it all. */
async function readBounded(file: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`OPML file cannot be read: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))} (${file})`);
  }
  try {
    const { size } = await handle.stat();
    if (!(await handle.stat()).isFile()) throw new ConfigError(`OPML file cannot be read: not a file (${file})`);
    if (size > OPML_LIMITS.maxBytes) throw new ConfigError(`OPML file is too large: over ${OPML_LIMITS.maxBytes} bytes (${file})`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
