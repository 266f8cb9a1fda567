/**
 * Feed ingestion: fetch (bounded, SSRF-guarded, conditional), decode, parse, normalize, and the
 * two polling steps built on them (plan-polls, poll-feed).
 */
export { fetchFeed, FEED_FETCH_DEFAULTS, type FetchFeedOptions, type FetchFeedResult } from './fetch-feed.ts';
export { decodeFeed, detectCharset, type DecodedFeed, type CharsetSource } from './decode-feed.ts';
export { parseFeed, describeBody, type ParsedFeed, type FeedEntry } from './parse-feed.ts';
export {
  normalizeItem,
  normalizeItems,
  normalizeLink,
  parsePublished,
  ItemRejectedError,
  ITEM_LIMITS,
  type NormalizeContext,
  type NormalizedItems,
} from './normalize-item.ts';
export { toPlainText, foldWhitespace, truncateText } from './plain-text.ts';
export { planPolls, type PlanPollsDeps, type PlanPollsOptions, type PlanPollsSummary } from './plan-polls.ts';
export { pollFeed, MAX_ITEMS_PER_POLL, type PollFeedDeps, type PollFeedResult } from './poll-feed.ts';
export { nextPollAfterFailure, MAX_BACKOFF_MINUTES } from './backoff.ts';
export { createTopicEngineLoader, type TopicEngineLoader, type TopicEngineLoaderOptions } from './topic-engine-loader.ts';
export {
  FeedError,
  FeedFetchError,
  FeedHttpError,
  FeedNetworkError,
  FeedParseError,
  FeedRedirectError,
  FeedTimeoutError,
  FeedTooLargeError,
  FeedUrlRefusedError,
  type BodyShape,
} from './errors.ts';
