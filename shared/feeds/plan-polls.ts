import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import type { PollMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore } from '../store/ports.ts';
import type { FeedRecord } from '../store/records.ts';
import { SCHEDULE_LIMITS } from './schedule.ts';

export interface PlanPollsDeps {
  feeds: FeedStore;
  queue: MessageQueue;
  clock: Clock;
  log: Log;
}

export interface PlanPollsOptions {
  /**
   * How long this run may plan, in milliseconds of real time: the run is bounded by time, not by
   * a count of feeds. Feeds still due when it runs out keep their place (most overdue first in
   * their shard) for the next run.
   */
  budgetMs: number;
  /** Due feeds read per index Query (default 200). */
  pageSize?: number;
}

export interface PlanPollsSummary {
  /** Feeds that were due (listed by the index). */
  due: number;
  /** Poll messages sent (due feeds this planner claimed; another planner took the rest). */
  planned: number;
  /** Shards of the due index read (in parallel). */
  shards: number;
  /** Shards not read to their end because the time budget ran out. */
  unfinished: number;
}

/** Claims and sends in groups of one SQS batch, so a failure loses at most a group's turn. */
const GROUP_SIZE = 10;
const DEFAULT_PAGE_SIZE = 200;
/** Groups claimed and sent at once in each shard. */
const GROUPS_IN_FLIGHT = 4;
/** Bound on the pages one shard is read for in a run, whatever the clock says. */
const MAX_PAGES_PER_SHARD = 10_000;

/** Longest a claim holds a feed: the poll records the real next poll time when it finishes. */
const MAX_CLAIM_MINUTES = 60;

/**
 * Enqueues one poll message per due (enabled) feed, found through the feed store's sharded due
 * index: every shard is read at once, earliest first, page by page, and each page is claimed and
 * sent in groups of one SQS batch (10), so one run plans as many feeds as its time budget and the
 * SQS send rate allow. Each feed is first claimed by moving its `nextPollAt` to now + its
 * interval (at most an hour) with a conditional write, so planners that overlap (or an index
 * that lags) enqueue it once; the poll then sets the next poll time from its outcome (adaptive
 * interval or backoff). A crash between claim and send costs that feed one claim, never its
 * polling.
 *
 * A feed due before the next run is taken now: waiting for that run would make it later than
 * its due time, and its due time is the operator's promise. So a feed is polled at most one
 * planner period early, never late.
 */
export async function planPolls(deps: PlanPollsDeps, options: PlanPollsOptions): Promise<PlanPollsSummary> {
  const { feeds, queue, clock, log } = deps;
  const now = clock.now();
  const stopAt = Date.now() + options.budgetMs;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  // Due strictly before the next run: one due exactly then is that run's.
  const horizon = new Date(now.getTime() + SCHEDULE_LIMITS.plannerPeriodMinutes * 60_000 - 1);

  const claimGroup = async (group: FeedRecord[]): Promise<number> => {
    const claimed = await Promise.all(
      group.map(async (feed) => {
        const minutes = Math.min(feed.pollIntervalMinutes ?? feed.intervalMinutes, MAX_CLAIM_MINUTES);
        const next = new Date(now.getTime() + minutes * 60_000).toISOString();
        const won = await feeds.claimPoll(feed.feedId, feed.nextPollAt, next);
        return won ? feed : undefined;
      }),
    );
    const messages: PollMessage[] = claimed
      .filter((feed) => feed !== undefined)
      .map((feed) => ({ feedId: feed.feedId, plannedAt: now.toISOString() }));
    if (messages.length > 0) await queue.send('poll', messages);
    return messages.length;
  };

  const planShard = async (shard: number): Promise<{ due: number; planned: number; finished: boolean }> => {
    let due = 0;
    let planned = 0;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES_PER_SHARD; page++) {
      if (Date.now() >= stopAt) return { due, planned, finished: false };
      const result = await feeds.pageDueFeeds(shard, horizon, { limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
      due += result.feeds.length;
      const groups: FeedRecord[][] = [];
      for (let start = 0; start < result.feeds.length; start += GROUP_SIZE) groups.push(result.feeds.slice(start, start + GROUP_SIZE));
      for (let wave = 0; wave < groups.length; wave += GROUPS_IN_FLIGHT) {
        const counts = await Promise.all(groups.slice(wave, wave + GROUPS_IN_FLIGHT).map(claimGroup));
        planned += counts.reduce((sum, n) => sum + n, 0);
      }
      cursor = result.nextCursor;
      if (cursor === undefined) return { due, planned, finished: true };
    }
    return { due, planned, finished: false };
  };

  const shards = await Promise.all(Array.from({ length: feeds.dueShards }, (_, shard) => planShard(shard)));
  const summary: PlanPollsSummary = {
    due: shards.reduce((sum, s) => sum + s.due, 0),
    planned: shards.reduce((sum, s) => sum + s.planned, 0),
    shards: shards.length,
    unfinished: shards.filter((s) => !s.finished).length,
  };
  log.info('polls planned', { ...summary });
  return summary;
}
