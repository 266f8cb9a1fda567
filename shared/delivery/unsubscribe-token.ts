import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens for email links: `<base64url(subscriberId)>.<base64url(HMAC-SHA256)>`, keyed
 * by a server-side secret (the proposed `UNSUBSCRIBE_SECRET`). Unforgeable without the secret; they
 * do not expire, and rotating the secret invalidates every link sent before.
 */

const PURPOSE = 'news-alerts/unsubscribe/v1';

/** The token that lets its bearer unsubscribe `subscriberId`. */
export function createUnsubscribeToken(subscriberId: string, secret: string): string {
  const id = Buffer.from(subscriberId, 'utf8').toString('base64url');
  return `${id}.${mac(subscriberId, secret).toString('base64url')}`;
}

/** The subscriber a token names, or undefined when it is malformed or not ours. */
export function verifyUnsubscribeToken(token: string, secret: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  const subscriberId = Buffer.from(parts[0], 'base64url').toString('utf8');
  if (Buffer.from(subscriberId, 'utf8').toString('base64url') !== parts[0]) return undefined;
  const given = Buffer.from(parts[1], 'base64url');
  const expected = mac(subscriberId, secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? subscriberId : undefined;
}

function mac(subscriberId: string, secret: string): Buffer {
  if (secret.length === 0) throw new Error('unsubscribe token failed: the secret is empty');
  return createHmac('sha256', secret).update(`${PURPOSE}\n${subscriberId}`, 'utf8').digest();
}
