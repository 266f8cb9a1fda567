/** Path of a feed's WebSub callback on our HTTP API: one per feed, so a push names its feed. */
const CALLBACK_PATH_PREFIX = '/websub/';

/** The callback URL a hub calls for this feed: verification (GET) and content (POST). */
export function callbackUrlOf(baseUrl: string, feedId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${CALLBACK_PATH_PREFIX}${encodeURIComponent(feedId)}`;
}
