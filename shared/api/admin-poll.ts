import type { Clock } from '../core/clock.ts';
import { ProblemError } from '../core/problem.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedStore } from '../store/ports.ts';

/** What `POST /api/admin/feeds/{id}/poll` answers: the poll is queued; the feed's status shows its outcome. */
export interface PollNowAnswer {
  feedId: string;
  queued: true;
  plannedAt: string;
}

export interface PollNowDeps {
  feeds: Pick<FeedStore, 'getFeed' | 'listFeeds'>;
  queue: Pick<MessageQueue, 'send'>;
  clock: Clock;
}

/**
 * Polls a feed now, whatever its schedule: sends its poll message to the poll queue, as the
 * planner would (the poll then records its outcome and next poll as usual). An unknown feed is
 * `not-found` (404); a feed disabled by 410 Gone is refused (422): adding it again resumes it.
 */
export async function pollFeedNow(deps: PollNowDeps, feedId: string): Promise<PollNowAnswer> {
  const feed = await deps.feeds.getFeed(feedId);
  if (!feed) throw new ProblemError('not-found', `no feed "${feedId}"`);
  if (feed.disabled) {
    throw new ProblemError(
      'invalid-input',
      `feed "${feedId}" is disabled (${feed.disabledReason ?? 'HTTP 410 Gone'}); add it again (news-alerts feeds add) to resume polling`,
    );
  }
  const plannedAt = deps.clock.now().toISOString();
  await deps.queue.send('poll', [{ feedId, plannedAt }]);
  return { feedId, queued: true, plannedAt };
}

/** Polls every feed not disabled now (the status page's "Poll all"); the ids queued. */
export async function pollAllFeedsNow(deps: PollNowDeps): Promise<string[]> {
  const feeds = (await deps.feeds.listFeeds()).filter((feed) => !feed.disabled);
  const plannedAt = deps.clock.now().toISOString();
  if (feeds.length > 0)
    await deps.queue.send(
      'poll',
      feeds.map((feed) => ({ feedId: feed.feedId, plannedAt })),
    );
  return feeds.map((feed) => feed.feedId);
}
