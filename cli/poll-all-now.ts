import type { FeedStore } from '../shared/store/ports.ts';

/**
 * Makes every feed due now (the demo and `run --once` poll everything, whatever the schedule
 * says), using the same conditional update the planner uses, so it is safe alongside a planner.
 */
export async function makeAllFeedsDue(feeds: FeedStore, now: Date): Promise<number> {
  let count = 0;
  for (const feed of await feeds.listFeeds()) {
    if (await feeds.claimPoll(feed.feedId, feed.nextPollAt, now.toISOString())) count++;
  }
  return count;
}
