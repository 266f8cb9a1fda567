/**
 * Feed ingestion: fetch (bounded, SSRF-guarded, conditional), decode, parse (RSS, Atom, JSON
 * Feed), normalize, schedule, discovery (the feeds behind a web page), and the two polling steps
 * built on them (plan-polls, poll-feed), and the handling of the new items poll-feed hands on
 * (classify-items: stories, classify, alerts).
 */
export { fetchFeed } from './fetch-feed.ts';
export { readFeed, type FeedContent } from './read-feed.ts';
export { COMMON_FEED_PATHS, discoverFeeds, type DiscoveredFeed } from './discover-feeds.ts';
export { planPolls, type PlanPollsSummary } from './plan-polls.ts';
export { pollFeed, type PollFeedDeps, type PushSubscriptions } from './poll-feed.ts';
export { handleItems, type HandleItemsDeps } from './handle-items.ts';
export { intervalInUseOf, type IntervalInUse } from './schedule.ts';
export { createTopicEngineLoader } from './topic-engine-loader.ts';
export {
  FeedError,
  FeedHttpError,
  FeedNetworkError,
  FeedParseError,
  FeedRedirectError,
  FeedTimeoutError,
  FeedTooLargeError,
  FeedUrlRefusedError,
} from './errors.ts';
