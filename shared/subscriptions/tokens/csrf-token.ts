import { createHmac } from 'node:crypto';

/**
 * The CSRF form token of a browser's cookie value: HMAC(secret, cookie), keyed by the server
 * secret (`UNSUBSCRIBE_SECRET`) under its own label. `shared/web/csrf.ts` sets the cookie and
 * checks the posted field against this.
 */
export function formToken(cookieValue: string, secret: string): string {
  return createHmac('sha256', secret).update(`news-alerts/csrf/v1\n${cookieValue}`, 'utf8').digest('base64url');
}
