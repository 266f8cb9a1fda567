import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { feedConfigSchema } from '../../shared/config/config-file.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { redactUrl, redactUrlsIn } from '../../shared/outbound-http/index.ts';
import { systemClock, type Clock } from '../../shared/core/clock.ts';
import type { FeedStore } from '../../shared/store/ports.ts';
import type { FeedRecord } from '../../shared/store/records.ts';
import { intervalInUseOf, type IntervalInUse } from '../../shared/feeds/index.ts';
import { describeFeedDelivery, type FeedDeliveryView } from '../../shared/websub/index.ts';
import { localAdminToken } from '../local-admin-token.ts';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../io.ts';
import { defaultDataDir } from '../options.ts';
import { refuseNonPublicUrls } from '../private-network.ts';
import { openPipelineTarget, type AwsTargetClients, type TargetChoice } from '../pipeline-target.ts';
import { assignFeedIds } from '../../shared/config/opml.ts';
import { chooseDiscoveredFeed } from './feeds-discover.ts';
import { exportOpml, importOpml } from './feeds-opml.ts';

/** What `feeds` does: where (data folder or stack), and the action with its arguments. */
export type FeedsOptions = TargetChoice & { json: boolean } & (
    | {
        action: 'add';
        id: string;
        url: string;
        title?: string | undefined;
        intervalMinutes?: number | undefined;
        maxIntervalMinutes?: number | undefined;
        idPolicy?: FeedRecord['idPolicy'];
      }
    | { action: 'list' }
    | { action: 'remove'; id: string }
    | { action: 'status'; id?: string | undefined }
    | { action: 'poll'; id?: string | undefined; api?: string | undefined }
    | {
        action: 'discover';
        pageUrl: string;
        title?: string | undefined;
        intervalMinutes?: number | undefined;
        maxIntervalMinutes?: number | undefined;
        idPolicy?: FeedRecord['idPolicy'];
        yes: boolean;
      }
    | { action: 'import'; file: string; intervalMinutes?: number | undefined }
    | { action: 'export'; out?: string | undefined }
  );

/**
 * What `feeds status --json` prints per feed: the stored health, a one-word state, the interval in
 * use with its reason, and how its news arrives (`delivery`: WebSub push or polling) in place of
 * the stored subscription, whose secret is never printed. The URL and error text are redacted (no
 * credentials or query values: a terminal, a CI log or a pasted report is no place for an API key).
 */
export type FeedStatus = Omit<FeedRecord, 'websub'> & {
  state: 'ok' | 'failing' | 'disabled' | 'never-polled';
  intervalInUse: IntervalInUse;
  delivery: FeedDeliveryView;
};

/**
 * `news-alerts feeds add|list|remove|status`: manages the feeds of the one-process runtime's
 * data folder (while `run` is stopped: LevelDB allows one process) or, with `--stack`, of a
 * deployed stack (tables found through its outputs, like apply-config) — both through
 * `openPipelineTarget`, as the other operator commands.
 *
 * - `add ID URL [--title T] [--interval MIN] [--id-policy P]`: validated like a config-file feed;
 *   adding a feed again updates it and resets its health (a feed disabled by 410 resumes).
 * - `add PAGE_URL [--yes]`: the feeds the page advertises (or at common paths), one chosen (see
 *   `feeds-discover.ts`), added under an id made from its title; a feed already there by URL is updated.
 * - `list`: id, URL, title, interval, state.
 * - `remove ID`: the feed's row (its seen items expire on their own).
 * - `status [ID]`: the health table (last success, last error and when, consecutive errors,
 *   items seen, the adaptive interval, next poll); `--json` for the records.
 * - `import FILE.opml [--interval MIN]`: the file's feeds, categories as tags (see `feeds-opml.ts`).
 * - `export [--out FILE]`: the feeds as OPML 2.0; export → import → export gives the same file.
 *
 * Every URL and error text printed is redacted (`redactUrl`): the stored URL keeps its key. The
 * OPML export is the exception: a backup the operator keeps, so an import restores the URLs whole.
 */
export async function feedsCommand(
  options: FeedsOptions,
  io: CliIo,
  clients?: AwsTargetClients,
  clock: Clock = systemClock,
): Promise<number> {
  if (options.action === 'discover') return discoverAndAdd(options, io, clients, clock);
  const input = validate(options);
  if (input.action === 'add') await refuseNonPublicUrls([{ url: input.feed.url, where: 'feed URL' }], { resolve: true });
  if (input.action === 'poll' && input.api !== undefined) return pollThroughApi(input.api, input.feedId, options, io);
  const target = await openTarget(options, clients, input.action === 'add' || input.action === 'import');
  try {
    switch (input.action) {
      case 'add': {
        const stored = await target.feeds.getFeed(input.feed.feedId);
        const existed = stored !== undefined;
        // Tags come from OPML or the config file; adding the feed again keeps them.
        await target.feeds.upsertFeed({ ...input.feed, tags: stored?.tags }, clock.now(), { reset: true });
        const feed = withState((await target.feeds.getFeed(input.feed.feedId))!, clock.now());
        if (options.json) io.stdout.write(`${JSON.stringify({ [existed ? 'updated' : 'added']: feed, target: target.label })}\n`);
        else {
          io.stdout.write(
            `${existed ? 'updated' : 'added'} feed ${feed.feedId} (${feed.url}) in ${target.label}; ` +
              `${existed ? 'health reset, ' : ''}due at once, then at most every ${feed.intervalMinutes} min` +
              `${feed.maxIntervalMinutes ? ` (up to ${feed.maxIntervalMinutes} min while it is quiet)` : ''}, more often while it is busy\n`,
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
        else
          io.stdout.write(`removed feed ${feedId} from ${target.label} (a feed still in your config file comes back on the next "run")\n`);
        return EXIT_OK;
      }
      case 'list': {
        const feeds = (await target.feeds.listFeeds()).map((feed) => withState(feed, clock.now()));
        if (options.json)
          io.stdout.write(
            `${JSON.stringify(feeds.map(({ feedId, url, title, intervalMinutes, tags, state }) => ({ feedId, url, title, intervalMinutes, tags, state })))}\n`,
          );
        else io.stdout.write(`${formatList(feeds, target.label)}\n`);
        return EXIT_OK;
      }
      case 'poll': {
        // Stopped or remote: due at once, so the planner takes it on its next run (every minute
        // in AWS, at start locally); the poll then records its outcome as usual.
        const now = clock.now();
        const all = await target.feeds.listFeeds();
        const feeds =
          input.feedId === undefined ? all.filter((feed) => !feed.disabled) : all.filter((feed) => feed.feedId === input.feedId);
        if (feeds.length === 0 && input.feedId !== undefined) {
          io.stderr.write(`news-alerts feeds poll: feed not found: no feed "${input.feedId}" in ${target.label}\n`);
          return EXIT_FAILURE;
        }
        const due: string[] = [];
        for (const feed of feeds) if (await target.feeds.claimPoll(feed.feedId, feed.nextPollAt, now.toISOString())) due.push(feed.feedId);
        if (options.json) io.stdout.write(`${JSON.stringify({ due, target: target.label })}\n`);
        else
          io.stdout.write(
            `${due.join(', ') || 'no feed'} due now in ${target.label}: polled on the planner's next run ` +
              `(every minute in AWS; at start for a stopped "run" — for a running one use --api)\n`,
          );
        return EXIT_OK;
      }
      case 'status': {
        let feeds = (await target.feeds.listFeeds()).map((feed) => withState(feed, clock.now()));
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
      case 'import': {
        const outcome = await importOpml(target.feeds, input.file, input.intervalMinutes, clock.now());
        if (options.json) io.stdout.write(`${JSON.stringify({ ...outcome, target: target.label })}\n`);
        else {
          const total = outcome.added.length + outcome.updated.length;
          io.stdout.write(
            `imported ${total} feed${total === 1 ? '' : 's'} from ${outcome.file} into ${target.label}: ` +
              `${outcome.added.length} added, ${outcome.updated.length} updated (matched by URL)\n`,
          );
          if (outcome.duplicates.length > 0) {
            io.stdout.write(`listed more than once, imported once with the tags of each listing: ${outcome.duplicates.join(', ')}\n`);
          }
        }
        return EXIT_OK;
      }
      case 'export': {
        const opml = await exportOpml(target.feeds);
        if (input.out === undefined) io.stdout.write(opml);
        else {
          const path = resolve(input.out);
          await writeFile(path, opml);
          const count = (await target.feeds.listFeeds()).length;
          if (options.json) io.stdout.write(`${JSON.stringify({ exported: count, file: path, target: target.label })}\n`);
          else io.stdout.write(`exported ${count} feed${count === 1 ? '' : 's'} from ${target.label} to ${path}\n`);
        }
        return EXIT_OK;
      }
    }
  } finally {
    await target.close();
  }
}

/** `feeds add PAGE_URL`: discovery first (network), then the chosen feed is added as `add ID URL` would. */
async function discoverAndAdd(
  options: FeedsOptions & { action: 'discover' },
  io: CliIo,
  clients: AwsTargetClients | undefined,
  clock: Clock,
): Promise<number> {
  const choice = await chooseDiscoveredFeed(
    options.pageUrl,
    { yes: options.yes, allowPrivateNetwork: process.env.ALLOW_PRIVATE_NETWORK === 'true' },
    io,
  );
  if (choice.status === 'not-chosen') {
    io.stderr.write(`news-alerts feeds add: ${choice.message}\n`);
    return EXIT_FAILURE;
  }
  const { feed } = choice;
  const target = await openTarget(options, clients, true);
  let id: string;
  try {
    [id] = assignFeedIds([{ url: feed.url, title: options.title ?? feed.title }], await target.feeds.listFeeds()) as [string];
  } finally {
    await target.close();
  }
  return feedsCommand(
    { ...options, action: 'add', id, url: feed.url, title: options.title ?? (feed.title || undefined) },
    io,
    clients,
    clock,
  );
}

type ValidInput =
  | { action: 'add'; feed: Parameters<FeedStore['upsertFeed']>[0] }
  | { action: 'remove'; feedId: string }
  | { action: 'status'; feedId?: string | undefined }
  | { action: 'poll'; feedId?: string | undefined; api?: string | undefined }
  | { action: 'list' }
  | { action: 'import'; file: string; intervalMinutes?: number | undefined }
  | { action: 'export'; out?: string | undefined };

/** A feed to add is validated like a config-file feed, before the target is opened. */
function validate(options: Exclude<FeedsOptions, { action: 'discover' }>): ValidInput {
  switch (options.action) {
    case 'list':
      return { action: 'list' };
    case 'remove':
      return { action: 'remove', feedId: options.id };
    case 'status':
      return { action: 'status', feedId: options.id };
    case 'poll':
      return { action: 'poll', feedId: options.id, api: options.api };
    case 'import':
      return { action: 'import', file: options.file, intervalMinutes: options.intervalMinutes };
    case 'export':
      return { action: 'export', out: options.out };
    case 'add': {
      const parsed = feedConfigSchema.safeParse({
        id: options.id,
        url: options.url,
        title: options.title,
        intervalMinutes: options.intervalMinutes,
        maxIntervalMinutes: options.maxIntervalMinutes,
      });
      if (!parsed.success) throw new ConfigError(`feed is invalid: ${formatZodIssues(parsed.error.issues)}`);
      const { id, url, title, intervalMinutes, maxIntervalMinutes } = parsed.data;
      return { action: 'add', feed: { feedId: id, url, title, intervalMinutes, maxIntervalMinutes, idPolicy: options.idPolicy } };
    }
  }
}

interface Target {
  feeds: FeedStore;
  /** "data folder /path" or "stack NewsAlerts". */
  label: string;
  close(): Promise<void>;
}

async function openTarget(options: FeedsOptions, clients: AwsTargetClients | undefined, creating: boolean): Promise<Target> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir);
  // Adding is a deliberate first step on a new machine: it may create the data folder; the
  // other actions refuse one that does not exist (a typo must not look like "no feeds").
  if (options.stack === undefined && creating) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const target = await openPipelineTarget({ stack: options.stack, dataDir }, { queues: false, tables: ['feeds'] }, clients);
  return { feeds: target.stores.feeds, label: target.description, close: () => target.close() };
}

/**
 * "Poll now" on a running pipeline: `POST /api/admin/feeds/{id}/poll` for the feed (or each feed
 * the admin API lists), with the operator's token from NEWS_ALERTS_ADMIN_TOKEN or, for a local
 * `run`, its data folder.
 */
async function pollThroughApi(api: string, feedId: string | undefined, options: FeedsOptions, io: CliIo): Promise<number> {
  const token = process.env.NEWS_ALERTS_ADMIN_TOKEN ?? (await localAdminToken(options.dataDir));
  if (!token) {
    io.stderr.write(
      'news-alerts feeds poll: no operator token: set NEWS_ALERTS_ADMIN_TOKEN, or give the --data-dir of the running "run"\n',
    );
    return EXIT_FAILURE;
  }
  const base = api.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  try {
    let ids = feedId === undefined ? [] : [feedId];
    if (feedId === undefined) {
      const listed = await fetch(`${base}/api/admin/feeds`, { headers });
      if (!listed.ok) return apiFailure(io, `${base}/api/admin/feeds`, listed);
      ids = ((await listed.json()) as { feeds: { feedId: string }[] }).feeds.map((feed) => feed.feedId);
    }
    const queued: string[] = [];
    for (const id of ids) {
      const url = `${base}/api/admin/feeds/${encodeURIComponent(id)}/poll`;
      const answer = await fetch(url, { method: 'POST', headers });
      if (answer.status !== 202) return apiFailure(io, url, answer);
      queued.push(id);
    }
    if (options.json) io.stdout.write(`${JSON.stringify({ queued, api: base })}\n`);
    else io.stdout.write(`poll queued now for ${queued.join(', ') || 'no feed'} on ${base}; "feeds status" shows the outcome\n`);
    return EXIT_OK;
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    io.stderr.write(`news-alerts feeds poll: cannot reach the pipeline: ${reason} (${base}); is "news-alerts run" running there?\n`);
    return EXIT_FAILURE;
  }
}

async function apiFailure(io: CliIo, url: string, response: Response): Promise<number> {
  const body = (await response.json().catch(() => ({}))) as { detail?: string };
  io.stderr.write(
    `news-alerts feeds poll: the pipeline refused: HTTP ${response.status}${body.detail ? `, ${body.detail}` : ''} (${url})\n`,
  );
  return EXIT_FAILURE;
}

function withState(feed: FeedRecord, now: Date): FeedStatus {
  const state = feed.disabled ? 'disabled' : feed.consecutiveErrors > 0 ? 'failing' : feed.lastSuccessAt ? 'ok' : 'never-polled';
  const { websub: _secretHolder, ...rest } = shown(feed);
  const delivery = describeFeedDelivery(feed, now);
  return {
    ...rest,
    state,
    intervalInUse: intervalInUseOf(feed),
    delivery: { ...delivery, hub: delivery.hub === null ? null : redactUrl(delivery.hub) },
  };
}

/** A feed as printed: its URL and error texts redacted. */
function shown(feed: FeedRecord): FeedRecord {
  return {
    ...feed,
    url: redactUrl(feed.url),
    ...(feed.lastError === undefined ? {} : { lastError: redactUrlsIn(feed.lastError) }),
    ...(feed.disabledReason === undefined ? {} : { disabledReason: redactUrlsIn(feed.disabledReason) }),
  };
}

function formatList(feeds: FeedStatus[], label: string): string {
  if (feeds.length === 0) return `no feeds in ${label}`;
  const rows = feeds.map((f) => [f.feedId, f.state, `${f.intervalMinutes}m`, f.title ?? '', (f.tags ?? []).join(','), f.url]);
  return table(['FEED', 'STATE', 'EVERY', 'TITLE', 'TAGS', 'URL'], rows);
}

function formatStatus(feeds: FeedStatus[], label: string, now: Date): string {
  if (feeds.length === 0) return `no feeds in ${label}`;
  const rows = feeds.map((f) => [
    f.feedId,
    f.state === 'failing' ? `failing×${f.consecutiveErrors}` : f.state,
    when(f.lastSuccessAt, now),
    f.lastErrorAt ? when(f.lastErrorAt, now) : '-',
    String(f.itemsSeen ?? 0),
    `${f.intervalInUse.minutes}m ${f.intervalInUse.reason}`,
    f.disabled ? 'never (disabled)' : when(f.nextPollAt, now),
  ]);
  const lines = [table(['FEED', 'STATE', 'LAST SUCCESS', 'LAST ERROR', 'ITEMS', 'INTERVAL (WHY)', 'NEXT POLL'], rows)];
  const hubbed = feeds.filter((f) => f.delivery.hub !== null);
  if (hubbed.length > 0) {
    lines.push('', 'WebSub (feeds without a line here are polled only):');
    for (const f of hubbed) {
      const hub = hostOf(f.delivery.hub!);
      lines.push(
        f.delivery.mode === 'push'
          ? `  ${f.feedId}: pushed by ${hub}, lease until ${when(f.delivery.leaseExpiresAt ?? undefined, now)}, last push ${when(f.delivery.lastPushAt ?? undefined, now)}; safety polls continue`
          : `  ${f.feedId}: polled (hub ${hub}): ${f.delivery.reason ?? 'not pushed'}`,
      );
      if (f.delivery.refusedPushes > 0) lines.push(`    ${f.delivery.refusedPushes} push(es) refused (unsigned or badly signed)`);
    }
  }
  const problems = feeds.filter((f) => f.lastError || f.disabledReason);
  if (problems.length > 0) {
    lines.push('', 'Errors:');
    for (const f of problems) lines.push(`  ${f.feedId}: ${f.disabledReason ?? f.lastError}`);
  }
  return lines.join('\n');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** An ISO time as `2030-01-01 00:00Z (5m ago)`. */
function when(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const minutes = Math.round((Date.parse(iso) - now.getTime()) / 60_000);
  const span =
    Math.abs(minutes) < 120
      ? `${Math.abs(minutes)}m`
      : Math.abs(minutes) < 2880
        ? `${Math.round(Math.abs(minutes) / 60)}h`
        : `${Math.round(Math.abs(minutes) / 1440)}d`;
  const relative = minutes === 0 ? 'now' : minutes < 0 ? `${span} ago` : `in ${span}`;
  return `${iso.slice(0, 16).replace('T', ' ')}Z (${relative})`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
