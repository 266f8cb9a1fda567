import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { feedConfigSchema } from '../../shared/config/config-file.ts';
import { systemClock, type Clock } from '../../shared/core/clock.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import { createDocumentClient, createDynamoDbFeedStore } from '../../shared/store/dynamodb/index.ts';
import type { FeedStore } from '../../shared/store/ports.ts';
import { feedIdPolicySchema, type FeedRecord } from '../../shared/store/records.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from '../io.ts';
import { defaultDataDir } from '../local-data.ts';
import { openPipelineTarget, type AwsTargetClients } from '../pipeline-target.ts';

export type FeedsAction = 'add' | 'list' | 'remove' | 'status';

export interface FeedsOptions {
  action: FeedsAction;
  /** add: ID URL; remove: ID; status: [ID]. */
  args: string[];
  /** The one-process runtime's data folder (default ./.news-alerts) … */
  dataDir?: string;
  /** … or a deployed stack (AWS or LocalStack), by CloudFormation stack name. */
  stack?: string;
  title?: string;
  intervalMinutes?: number;
  idPolicy?: string;
  json: boolean;
}

/** What `feeds status --json` prints per feed: the stored health plus a one-word state. */
export type FeedStatus = FeedRecord & { state: 'ok' | 'failing' | 'disabled' | 'never-polled' };

/**
 * `news-alerts feeds add|list|remove|status`: manages the feeds of the one-process runtime's
 * data folder (while `run` is stopped: LevelDB allows one process) or, with `--stack`, of a
 * deployed stack (tables found through its outputs, like apply-config) — both through
 * `openPipelineTarget`, as the other operator commands.
 *
 * - `add ID URL [--title T] [--interval MIN] [--id-policy P]`: validated like a config-file feed;
 *   adding a feed again updates it and resets its health (a feed disabled by 410 resumes).
 * - `list`: id, URL, title, interval, state.
 * - `remove ID`: the feed's row (its seen items expire on their own).
 * - `status [ID]`: the health table (last success, last error and when, consecutive errors,
 *   items seen, the adaptive interval, next poll); `--json` for the records.
 */
export async function feedsCommand(options: FeedsOptions, io: CliIo, clients?: AwsTargetClients, clock: Clock = systemClock): Promise<number> {
  const input = validate(options);
  const target = await openTarget(options, clients, input.action === 'add');
  try {
    switch (input.action) {
      case 'add': {
        const existed = (await target.feeds.getFeed(input.feed.feedId)) !== undefined;
        await target.feeds.upsertFeed(input.feed, clock.now(), { reset: true });
        const feed = (await target.feeds.getFeed(input.feed.feedId))!;
        if (options.json) io.stdout.write(`${JSON.stringify({ [existed ? 'updated' : 'added']: feed, target: target.label })}\n`);
        else {
          io.stdout.write(
            `${existed ? 'updated' : 'added'} feed ${feed.feedId} (${feed.url}) in ${target.label}; ` +
              `${existed ? 'health reset, ' : ''}due at once, then every ${feed.intervalMinutes} min or as its publishing rate suggests\n`,
          );
        }
        return EXIT_OK;
      }
      case 'remove': {
        const feedId = input.feedId;
        if (!(await target.feeds.getFeed(feedId))) {
          io.stderr.write(`news-alerts feeds remove: feed not found: no feed "${feedId}" in ${target.label}\n`);
          return EXIT_FAILURE;
        }
        await target.feeds.removeFeed(feedId);
        if (options.json) io.stdout.write(`${JSON.stringify({ removed: feedId, target: target.label })}\n`);
        else io.stdout.write(`removed feed ${feedId} from ${target.label} (a feed still in your config file comes back on the next "run")\n`);
        return EXIT_OK;
      }
      case 'list': {
        const feeds = (await target.feeds.listFeeds()).map(withState);
        if (options.json) io.stdout.write(`${JSON.stringify(feeds.map(({ feedId, url, title, intervalMinutes, state }) => ({ feedId, url, title, intervalMinutes, state })))}\n`);
        else io.stdout.write(`${formatList(feeds, target.label)}\n`);
        return EXIT_OK;
      }
      case 'status': {
        let feeds = (await target.feeds.listFeeds()).map(withState);
        if (input.feedId !== undefined) {
          feeds = feeds.filter((feed) => feed.feedId === input.feedId);
          if (feeds.length === 0) {
            io.stderr.write(`news-alerts feeds status: feed not found: no feed "${input.feedId}" in ${target.label}\n`);
            return EXIT_FAILURE;
          }
        }
        if (options.json) io.stdout.write(`${JSON.stringify(feeds)}\n`);
        else io.stdout.write(`${formatStatus(feeds, target.label, clock.now())}\n`);
        return EXIT_OK;
      }
    }
  } finally {
    await target.close();
  }
}

type ValidInput =
  | { action: 'add'; feed: Parameters<FeedStore['upsertFeed']>[0] }
  | { action: 'remove'; feedId: string }
  | { action: 'status'; feedId?: string }
  | { action: 'list' };

function validate(options: FeedsOptions): ValidInput {
  if (options.dataDir !== undefined && options.stack !== undefined) throw new UsageError('pass --data-dir or --stack, not both');
  const { action, args } = options;
  const [min, max] = ({ add: [2, 2], remove: [1, 1], status: [0, 1], list: [0, 0] } as const)[action];
  if (args.length < min || args.length > max) {
    const usage = { add: 'add needs ID and URL', remove: 'remove needs exactly one ID', status: 'status takes at most one ID', list: 'list takes no arguments' };
    throw new UsageError(usage[action]);
  }
  if (action !== 'add' && (options.title !== undefined || options.intervalMinutes !== undefined || options.idPolicy !== undefined)) {
    throw new UsageError('--title, --interval and --id-policy only go with add');
  }
  if (action === 'list') return { action };
  if (action === 'remove') return { action, feedId: args[0]! };
  if (action === 'status') return { action, feedId: args[0] };

  const parsed = feedConfigSchema.safeParse({ id: args[0], url: args[1], title: options.title, intervalMinutes: options.intervalMinutes });
  if (!parsed.success) throw new ConfigError(`feed is invalid: ${formatZodIssues(parsed.error.issues)}`);
  let idPolicy;
  if (options.idPolicy !== undefined) {
    const policy = feedIdPolicySchema.safeParse(options.idPolicy);
    if (!policy.success) throw new UsageError(`--id-policy must be one of ${feedIdPolicySchema.options.join(', ')}, got "${options.idPolicy}"`);
    idPolicy = policy.data;
  }
  const { id, url, title, intervalMinutes } = parsed.data;
  return { action, feed: { feedId: id, url, title, intervalMinutes, idPolicy } };
}

interface Target {
  feeds: FeedStore;
  /** "data folder /path" or "stack NewsAlerts". */
  label: string;
  close(): Promise<void>;
}

async function openTarget(options: FeedsOptions, clients: AwsTargetClients | undefined, creating: boolean): Promise<Target> {
  if (options.stack !== undefined && options.stack.trim() === '') throw new UsageError('--stack needs a stack name');
  const dataDir = resolve(options.dataDir ?? defaultDataDir);
  // Adding is a deliberate first step on a new machine: it may create the data folder; the
  // other actions refuse one that does not exist (a typo must not look like "no feeds").
  if (options.stack === undefined && creating) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const target = await openPipelineTarget({ stack: options.stack, dataDir }, { queues: false, tables: ['feeds'] }, clients);
  const feeds = createDynamoDbFeedStore({ client: createDocumentClient(target.dynamodb), tableName: target.tables.feeds });
  return { feeds, label: target.description, close: () => target.close() };
}

function withState(feed: FeedRecord): FeedStatus {
  const state = feed.disabled ? 'disabled' : feed.consecutiveErrors > 0 ? 'failing' : feed.lastSuccessAt ? 'ok' : 'never-polled';
  return { ...feed, state };
}

function formatList(feeds: FeedStatus[], label: string): string {
  if (feeds.length === 0) return `no feeds in ${label}`;
  const rows = feeds.map((f) => [f.feedId, f.state, `${f.intervalMinutes}m`, f.title ?? '', f.url]);
  return table(['FEED', 'STATE', 'EVERY', 'TITLE', 'URL'], rows);
}

function formatStatus(feeds: FeedStatus[], label: string, now: Date): string {
  if (feeds.length === 0) return `no feeds in ${label}`;
  const rows = feeds.map((f) => [
    f.feedId,
    f.state === 'failing' ? `failing×${f.consecutiveErrors}` : f.state,
    when(f.lastSuccessAt, now),
    f.lastErrorAt ? when(f.lastErrorAt, now) : '-',
    String(f.itemsSeen ?? 0),
    `${f.pollIntervalMinutes ?? f.intervalMinutes}m`,
    f.disabled ? 'never (disabled)' : when(f.nextPollAt, now),
  ]);
  const lines = [table(['FEED', 'STATE', 'LAST SUCCESS', 'LAST ERROR', 'ITEMS', 'EVERY', 'NEXT POLL'], rows)];
  const problems = feeds.filter((f) => f.lastError || f.disabledReason);
  if (problems.length > 0) {
    lines.push('', 'Errors:');
    for (const f of problems) lines.push(`  ${f.feedId}: ${f.disabledReason ?? f.lastError}`);
  }
  return lines.join('\n');
}

/** An ISO time as `2030-01-01 00:00Z (5m ago)`. */
function when(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const minutes = Math.round((Date.parse(iso) - now.getTime()) / 60_000);
  const span = Math.abs(minutes) < 120 ? `${Math.abs(minutes)}m` : Math.abs(minutes) < 2880 ? `${Math.round(Math.abs(minutes) / 60)}h` : `${Math.round(Math.abs(minutes) / 1440)}d`;
  const relative = minutes === 0 ? 'now' : minutes < 0 ? `${span} ago` : `in ${span}`;
  return `${iso.slice(0, 16).replace('T', ' ')}Z (${relative})`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
