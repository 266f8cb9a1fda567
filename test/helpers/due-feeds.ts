import type { FeedStore } from '../../shared/store/ports.ts';
import type { FeedRecord } from '../../shared/store/records.ts';

/**
 * Enabled feeds whose `nextPollAt` is at or before `now`, most overdue first, at most `limit`,
 * read from every shard of the store's due index (`pageDueFeeds`) as the planner reads it: what
 * tests check a feed's place in the index with. Production plans by pages (plan-polls.ts).
 */
export async function listDueFeeds(feeds: FeedStore, now: Date, limit: number): Promise<FeedRecord[]> {
  if (limit <= 0) return [];
  // Each shard's first `limit` are the only candidates for the overall first `limit`.
  const perShard = await Promise.all(
    Array.from({ length: feeds.dueShards }, async (_, shard) => {
      const due: FeedRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await feeds.pageDueFeeds(shard, now, { limit: limit - due.length, ...(cursor === undefined ? {} : { cursor }) });
        due.push(...page.feeds);
        cursor = page.nextCursor;
      } while (cursor !== undefined && due.length < limit);
      return due;
    }),
  );
  return perShard
    .flat()
    .sort((a, b) => (a.nextPollAt < b.nextPollAt ? -1 : a.nextPollAt > b.nextPollAt ? 1 : 0))
    .slice(0, limit);
}
