/**
 * Feed ingestion: fetch (bounded, SSRF-guarded, conditional), decode, parse, normalize,
 * schedule, and the two polling steps built on them (plan-polls, poll-feed).
 */
export { fetchFeed, FEED_FETCH_DEFAULTS, type FetchFeedOptions, type FetchFeedResult } from './fetch-feed.ts';
export { decodeFeed, detectCharset, type DecodedFeed, type CharsetSource } from './decode-feed.ts';
export { readFeed, type ReadFeedInput, type FeedContent } from './read-feed.ts';
export { parseFeed, describeBody, type ParsedFeed, type FeedEntry, type ParseFeedOptions } from './parse-feed.ts';
export {
  readFeedXml,
  renderCanonicalXml,
  XML_LIMITS,
  type FeedFormat,
  type XmlFeedDocument,
  type XmlFeedEntry,
} from './read-feed-xml.ts';
export { parseFeedDate } from './parse-date.ts';
export {
  normalizeEntry,
  normalizeEntries,
  normalizeItem,
  normalizeItems,
  toNewsItem,
  authorName,
  ItemRejectedError,
  ITEM_LIMITS,
  type ItemIdPolicy,
  type NormalizeContext,
  type NormalizedEntry,
  type NormalizedItems,
} from './normalize-item.ts';
export { normalizeLink } from './normalize-link.ts';
export { toPlainText, foldWhitespace, truncateText } from './plain-text.ts';
export { planPolls, type PlanPollsDeps, type PlanPollsOptions, type PlanPollsSummary } from './plan-polls.ts';
export { pollFeed, MAX_ITEMS_PER_POLL, type PollFeedDeps, type PollFeedResult } from './poll-feed.ts';
export {
  adaptiveIntervalMinutes,
  cacheMaxAgeSeconds,
  nextPollAfterFailure,
  nextPollAfterSuccess,
  publishGapMinutes,
  retryAfterSeconds,
  SCHEDULE_LIMITS,
  type ScheduleHints,
} from './schedule.ts';
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
