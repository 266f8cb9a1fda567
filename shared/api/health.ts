import type { FeedStore } from '../store/ports.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  feeds: { total: number; failing: { feedId: string; consecutiveErrors: number; lastError?: string }[] };
}

/** Pipeline health as the API reports it: degraded when any feed's last poll failed. */
export async function describeHealth(feeds: FeedStore): Promise<HealthReport> {
  const all = await feeds.listFeeds();
  const failing = all
    .filter((feed) => feed.consecutiveErrors > 0)
    .map((feed) => ({ feedId: feed.feedId, consecutiveErrors: feed.consecutiveErrors, lastError: feed.lastError }));
  return { status: failing.length > 0 ? 'degraded' : 'ok', feeds: { total: all.length, failing } };
}
