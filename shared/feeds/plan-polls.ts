import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import type { PollMessage } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore } from '../store/ports.ts';
import { SCHEDULE_LIMITS } from './schedule.ts';

export interface PlanPollsDeps {
  feeds: FeedStore;
  queue: MessageQueue;
  clock: Clock;
  log: Log;
}

export interface PlanPollsOptions {
  /** At most this many due feeds per run; the rest are due on the next run. */
  limit: number;
}

export interface PlanPollsSummary {
  /** Feeds that were due. */
  due: number;
  /** Poll messages sent (due feeds this planner claimed; another planner took the rest). */
  planned: number;
}

/** Claims and sends in groups of one SQS batch, so a failure loses at most a group's turn. */
const GROUP_SIZE = 10;

/** Longest a claim holds a feed: the poll records the real next poll time when it finishes. */
const MAX_CLAIM_MINUTES = 60;

/**
 * Enqueues one poll message per due (enabled) feed. Each feed is first claimed by moving its
 * `nextPollAt` to now + its interval (at most an hour) with a conditional write, so planners that
 * overlap enqueue it once; the poll then sets the next poll time from its outcome (adaptive
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
  // Due strictly before the next run: one due exactly then is that run's.
  const horizon = new Date(now.getTime() + SCHEDULE_LIMITS.plannerPeriodMinutes * 60_000 - 1);
  const due = await feeds.listDueFeeds(horizon, options.limit);
  let planned = 0;

  for (let start = 0; start < due.length; start += GROUP_SIZE) {
    const group = due.slice(start, start + GROUP_SIZE);
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
    planned += messages.length;
  }

  log.info('polls planned', { due: due.length, planned });
  return { due: due.length, planned };
}
