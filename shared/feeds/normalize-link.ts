/**
 * Canonical item links: absolute http(s), the publisher's URL rather than a Google redirect
 * wrapper, without tracking parameters. The same story reached through two feeds then has one
 * link, which is what dedup and "also reported by" compare.
 */

/** Query parameters that only track the click (campaign tags, ad and mail click ids). */
const TRACKING_PARAMETERS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
]);
const TRACKING_PREFIXES = ['utm_'];

/** Hosts whose `/url?url=…` (or `q=`) pages only redirect to the `url` parameter. */
const GOOGLE_HOST = /(^|\.)google\.[a-z.]+$/;

/**
 * An absolute http(s) URL resolved against `base`, unwrapped from Google News / Google Alerts
 * redirects, with tracking parameters (utm_*, fbclid, gclid, …) removed; null for anything else
 * (javascript:, mailto:, unparseable, relative without a base).
 */
export function normalizeLink(raw: string | undefined | null, base?: string): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const unwrapped = unwrapRedirect(url);
  if (unwrapped) url = unwrapped;
  // No query, no tracking parameters (and no URLSearchParams made to find none).
  if (url.search === '') return url.href;
  const tracking = [...url.searchParams.keys()].filter(isTrackingParameter);
  // Only rewrite the query when there is something to remove: re-serialising changes its encoding.
  for (const key of tracking) url.searchParams.delete(key);
  return url.href;
}

function isTrackingParameter(key: string): boolean {
  const lower = key.toLowerCase();
  return TRACKING_PARAMETERS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The target of a Google redirect wrapper: `google.com/url?url=…` (Alerts),
 * `news.google.com/news/url?…&url=…` (News, older feeds), and `news.google.com/rss/articles/…`
 * ids that still embed the URL (older base64 form); undefined for anything else.
 */
function unwrapRedirect(url: URL): URL | undefined {
  if (!GOOGLE_HOST.test(url.hostname)) return undefined;
  if (/\/url$/.test(url.pathname)) {
    const target = url.searchParams.get('url') ?? url.searchParams.get('q');
    return httpUrl(target);
  }
  const article = /^\/(?:rss\/)?articles\/([A-Za-z0-9_-]+)/.exec(url.pathname)?.[1];
  if (url.hostname === 'news.google.com' && article) {
    const bytes = Buffer.from(article.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    const embedded = /https?:\/\/[\x21-\x7e]+/.exec(bytes)?.[0];
    // The old form is a protobuf: a length byte precedes the URL, and a trailer may follow it.
    return httpUrl(embedded?.replace(/[\x00-\x20\x7f-\xff].*$/, ''));
  }
  return undefined;
}

function httpUrl(text: string | null | undefined): URL | undefined {
  if (!text) return undefined;
  try {
    const target = new URL(text);
    return target.protocol === 'http:' || target.protocol === 'https:' ? target : undefined;
  } catch {
    return undefined;
  }
}
