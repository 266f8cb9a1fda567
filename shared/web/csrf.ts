import { randomBytes } from 'node:crypto';
import type { HttpRequest } from '../api/index.ts';
import { createCsrfToken, type KeyRing, verifyCsrfToken } from '../subscriptions/index.ts';

/**
 * CSRF protection of the form posts, without server-side sessions: a signed double-submit
 * cookie. The page sets a random cookie (HttpOnly, SameSite=Lax) and puts a csrf token bound to
 * that cookie in a hidden field (signed with the token key ring, so a page opened before a key
 * rotation still posts); a post must carry both, matching. Another site can make a browser post,
 * but cannot read or set our cookie, so it cannot produce the field. The Origin and Sec-Fetch-Site
 * headers, when the browser sends them, must also say the post comes from our own pages.
 */

export const CSRF_FIELD = 'csrf';
const COOKIE_NAME = 'na_csrf';
/** On HTTPS the `__Host-` prefix pins the cookie to our host and path `/`. */
const SECURE_COOKIE_NAME = '__Host-na_csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{22,64}$/;

export interface CsrfIssue {
  /** The hidden field's value. */
  token: string;
  /** `Set-Cookie` value to send, when the request had no usable cookie. */
  setCookie?: string;
}

/** Whether the client reached us over HTTPS (a Function URL always; the local server never). */
export function isSecureRequest(request: Pick<HttpRequest, 'headers'>): boolean {
  return request.headers['x-forwarded-proto'] === 'https';
}

/** The form token for this browser, reusing its cookie when it has one. */
export function issueCsrf(request: Pick<HttpRequest, 'headers' | 'cookies'>, keys: KeyRing): CsrfIssue {
  const secure = isSecureRequest(request);
  const existing = request.cookies[secure ? SECURE_COOKIE_NAME : COOKIE_NAME];
  if (existing && COOKIE_VALUE.test(existing)) return { token: createCsrfToken(existing, keys) };
  const value = randomBytes(24).toString('base64url');
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  return {
    token: createCsrfToken(value, keys),
    setCookie: `${secure ? SECURE_COOKIE_NAME : COOKIE_NAME}=${value}; ${attributes.join('; ')}`,
  };
}

export type CsrfCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a form post: same-origin by the browser's own headers (when present), and the field
 * matching the cookie. `allowedOrigins` are the origins our pages are served from.
 */
export function checkCsrf(
  request: Pick<HttpRequest, 'headers' | 'cookies'>,
  field: string | undefined,
  keys: KeyRing,
  allowedOrigins: readonly string[],
): CsrfCheck {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, reason: `the form was posted from another site (Sec-Fetch-Site: ${site})` };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && !allowedOrigins.includes(origin)) {
    return { ok: false, reason: `the form was posted from another origin (${origin})` };
  }
  const cookie = request.cookies[isSecureRequest(request) ? SECURE_COOKIE_NAME : COOKIE_NAME];
  if (!cookie || !COOKIE_VALUE.test(cookie)) return { ok: false, reason: 'the form cookie is missing (are cookies blocked?)' };
  if (!field) return { ok: false, reason: 'the form token is missing' };
  if (!verifyCsrfToken(field, cookie, keys)) {
    return { ok: false, reason: 'the form token does not match (the page may be old: reload it)' };
  }
  return { ok: true };
}
