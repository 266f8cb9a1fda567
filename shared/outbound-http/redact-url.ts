/**
 * URLs fit to show: feed URLs sometimes carry credentials (`https://user:pass@…`) or an API key
 * in the query (`?apikey=…`), and webhook URLs are secrets in themselves. One redaction for every
 * place a URL is shown (health, status page, CLI, API, logs, error text).
 */

/** What stands for a value that was removed. */
const REDACTED = '[redacted]';

/**
 * A URL without its secrets: user name and password dropped, every query value replaced by
 * `[redacted]` (the names stay: `?apikey=[redacted]` still says what the feed is configured with),
 * the fragment dropped. Text that is not a URL is returned as it is.
 */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return String(input);
  }
  const host = url.host === '' ? '' : `//${url.host}`;
  const names = [...url.searchParams.keys()];
  const query = names.length === 0 ? '' : `?${names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&')}`;
  return `${url.protocol}${host}${url.pathname}${query}`;
}

/** Where a URL starts in free text, and the characters that end it. */
const URL_IN_TEXT = /\b[a-z][a-z\d+.-]*:\/\/[^\s<>"'`()[\]{}]+/gi;

/**
 * Free text (an error message, a server's reason) with every URL in it redacted as
 * {@link redactUrl} does, so internal error text can be shown to the operator without the
 * credentials or keys of the URLs it quotes.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (found) => {
    // A sentence's closing punctuation is not part of the URL.
    const trailing = /[.,;:!?]+$/.exec(found)?.[0] ?? '';
    return redactUrl(found.slice(0, found.length - trailing.length)) + trailing;
  });
}
