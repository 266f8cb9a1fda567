import type { FeedRecord } from '../../shared/store/records.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../io.ts';
import { absoluteUrl, integerIn, jsonOption, targetOptions } from '../options.ts';

type FeedIdPolicy = NonNullable<FeedRecord['idPolicy']>;

/** The item identity policies (the records' schema holds the same: the check below fails to compile otherwise). */
const idPolicies = ['auto', 'guid', 'link', 'content'] as const satisfies readonly FeedIdPolicy[];
const everyPolicyListed: [Exclude<FeedIdPolicy, (typeof idPolicies)[number]>] extends [never] ? true : never = true;
void everyPolicyListed;

/** `news-alerts feeds add|list|remove|status|import|export` (see `tasks/feeds.ts`). */
export const command = defineCommand({
  name: 'feeds',
  summary: 'add, list, remove feeds and show their health, in the local data folder or a deployed stack',
  actions: {
    add: {
      args: [
        { name: 'ID', noun: 'ID URL, or a page URL alone' },
        { name: 'URL', optional: true },
      ],
      description:
        'add a feed (or update it, resetting its health: a feed disabled by HTTP 410 resumes); ' +
        'given a web page URL alone, find the feeds it advertises (or at common paths) and ask which, or take the first with --yes',
    },
    list: { description: 'the feeds, their interval and state' },
    remove: { args: [{ name: 'ID' }], description: 'remove a feed' },
    poll: {
      args: [{ name: 'ID', optional: true }],
      description:
        "poll a feed (or --all) now: through a running pipeline's admin API with --api, else made due at once in the data folder or stack",
    },
    status: {
      args: [{ name: 'ID', optional: true }],
      description: 'health: last success, last error, consecutive errors, items seen, interval, next poll',
    },
    // OPML (feed-features): import and export, categories kept as tags.
    import: {
      args: [{ name: 'FILE', noun: 'an OPML file' }],
      description:
        'add the feeds of an OPML file (categories become tags; a feed already there by URL is updated, keeping its interval; new ones poll every 10 min)',
    },
    export: { description: 'write the feeds as OPML 2.0 (tags as categories) to stdout, or to --out' },
  },
  options: {
    title: { type: 'string', value: 'T', actions: ['add'], description: "the feed's display name" },
    interval: {
      type: 'string',
      value: 'MIN',
      actions: ['add'],
      parse: integerIn(1, 1440, 'minutes'),
      // The config file's default (test/unit/cli/commands.test.ts holds them equal).
      defaultHelp: '10',
      description: 'longest minutes a healthy feed waits between polls, 1–1440',
    },
    maxInterval: {
      type: 'string',
      value: 'MIN',
      actions: ['add'],
      parse: integerIn(1, 1440, 'minutes'),
      description: "let a quiet feed (or the server's ttl / max-age) stretch the interval up to MIN, 1–1440",
    },
    idPolicy: {
      type: 'string',
      value: 'P',
      actions: ['add'],
      parse: idPolicyOf,
      defaultHelp: 'auto',
      description: `item identity: ${idPolicies.join(', ')}`,
    },
    all: { type: 'boolean', actions: ['poll'], description: 'every feed' },
    api: {
      type: 'string',
      value: 'URL',
      actions: ['poll'],
      parse: absoluteUrl,
      description:
        "a running pipeline's HTTP API (run: http://127.0.0.1:3000; AWS: the Function URL); token from NEWS_ALERTS_ADMIN_TOKEN or the data folder",
    },
    out: { type: 'string', value: 'FILE', actions: ['export'], description: 'write the OPML to FILE instead of stdout' },
    yes: { type: 'boolean', short: 'y', actions: ['add'], description: 'feeds add URL: take the first feed found without asking' },
    ...targetOptions,
    json: jsonOption,
  },
  async run(input, io) {
    const { feedsCommand } = await import('../tasks/feeds.ts');
    const { title, interval, maxInterval, idPolicy, all, api, out, yes, dataDir, stack, json } = input.values;
    const common = { dataDir, stack, json };
    switch (input.action) {
      case 'add': {
        const [id, url] = input.args;
        if (url !== undefined) {
          return feedsCommand(
            { ...common, action: 'add', id, url, title, intervalMinutes: interval, maxIntervalMinutes: maxInterval, idPolicy },
            io,
          );
        }
        if (!/^https?:\/\//i.test(id))
          throw new UsageError(`feeds add needs ID URL, or a web page's http(s) URL alone to find its feeds, got "${id}"`);
        return feedsCommand(
          { ...common, action: 'discover', pageUrl: id, title, intervalMinutes: interval, maxIntervalMinutes: maxInterval, idPolicy, yes },
          io,
        );
      }
      case 'remove':
        return feedsCommand({ ...common, action: 'remove', id: input.args[0] }, io);
      case 'status':
        return feedsCommand({ ...common, action: 'status', id: input.args[0] }, io);
      case 'list':
        return feedsCommand({ ...common, action: 'list' }, io);
      case 'poll': {
        const [id] = input.args;
        if ((id === undefined) === !all) throw new UsageError('feeds poll needs a feed ID or --all (one of them)');
        return feedsCommand({ ...common, action: 'poll', id, api }, io);
      }
      case 'import':
        return feedsCommand({ ...common, action: 'import', file: input.args[0] }, io);
      case 'export':
        return feedsCommand({ ...common, action: 'export', out }, io);
    }
  },
});

function idPolicyOf(text: string, flag: string): FeedIdPolicy {
  const policy = idPolicies.find((known) => known === text);
  if (policy === undefined) throw new UsageError(`${flag} must be one of ${idPolicies.join(', ')}, got "${text}"`);
  return policy;
}
