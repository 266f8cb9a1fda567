import { redactUrl, redactUrlsIn } from '../outbound-http/index.ts';
import type { FeedStore } from '../store/ports.ts';

/** What anyone may see: the pipeline's state and counts, nothing about a feed. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  feeds: { total: number; failing: number };
}

/** What the operator sees with the admin token: which feeds fail, and why (URLs and error text redacted). */
export interface HealthDetails extends HealthReport {
  failingFeeds: { feedId: string; url: string; consecutiveErrors: number; lastError: string | null }[];
}

/**
 * Pipeline health as the API reports it: degraded when any feed's last poll failed. Public by
 * default, so only counts; `details` (the operator, by the admin token) adds the failing feeds,
 * their URLs without credentials or query values and their error text, redacted the same way.
 */
export async function describeHealth(feeds: FeedStore, options: { details: boolean }): Promise<HealthReport | HealthDetails> {
  const all = await feeds.listFeeds();
  const failing = all.filter((feed) => feed.consecutiveErrors > 0);
  const report: HealthReport = { status: failing.length > 0 ? 'degraded' : 'ok', feeds: { total: all.length, failing: failing.length } };
  if (!options.details) return report;
  return {
    ...report,
    failingFeeds: failing.map((feed) => ({
      feedId: feed.feedId,
      url: redactUrl(feed.url),
      consecutiveErrors: feed.consecutiveErrors,
      lastError: feed.lastError === undefined ? null : redactUrlsIn(feed.lastError),
    })),
  };
}
