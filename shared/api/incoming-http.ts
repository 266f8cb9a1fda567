/**
 * The HTTP request and response the pages and the JSON API work with, independent of Lambda's
 * event format (the http-api handler translates Function URL events to and from these).
 */

export interface HttpRequest {
  /** Upper case: `GET`, `POST` … */
  method: string;
  /** The path without query string, e.g. `/manage`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case; repeated headers joined with commas. */
  headers: Readonly<Record<string, string>>;
  cookies: Readonly<Record<string, string>>;
  /** The body as UTF-8 text (already decoded from base64), empty when there is none. */
  body: string;
  /** The body's bytes as received (what a signature covers); `body`'s UTF-8 bytes when absent. */
  rawBody?: Uint8Array;
  /** The client's address as the platform saw it. */
  sourceIp: string;
  /** Path parameters from the router (`{queue}` …). */
  params: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Full `Set-Cookie` values. */
  cookies?: string[];
}

/** Pages carry tokens in their URLs and forms: never cache them anywhere. */
const NO_STORE = 'no-store';

/** An HTML page response. */
export function htmlResponse(
  status: number,
  body: string,
  extra: { headers?: Record<string, string>; cookies?: string[] } = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_STORE, ...extra.headers },
    body,
    ...(extra.cookies?.length ? { cookies: extra.cookies } : {}),
  };
}

/** A JSON response. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': NO_STORE, ...headers },
    body: JSON.stringify(value),
  };
}

/** 303 See Other: after a form post, the browser follows with a GET (no resubmission on reload). */
export function redirectResponse(location: string, cookies?: string[]): HttpResponse {
  return { status: 303, headers: { location, 'cache-control': NO_STORE }, body: '', ...(cookies?.length ? { cookies } : {}) };
}

/** The media type of a request body, lower case, without parameters. */
export function mediaTypeOf(request: Pick<HttpRequest, 'headers'>): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
