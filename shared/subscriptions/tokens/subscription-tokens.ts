import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';
import { signToken, verifyToken } from './signed-token.ts';

/**
 * The tokens of the subscription links, the API and the forms, one purpose each, all in the one
 * signed format of `signed-token.ts` (key id, claims, mac under the purpose's own key):
 *
 * - manage: names a subscriber and the version of its manage tokens; lets its bearer read,
 *   change, pause or delete the subscription (an emailed manage link, the API's bearer token).
 *   Revoked when the subscriber's version changes (a fresh link, an unsubscribe); emailed ones
 *   also expire.
 * - manage-link: names a subscriber; lets its bearer only ask for a fresh manage link to be
 *   emailed to the subscriber (the "manage" link in alert footers, which get forwarded).
 * - confirm: names a subscribe request (subscriber and the request's nonce) and an expiry
 *   (double opt-in link).
 * - unsubscribe: names one channel of one subscriber (the link and List-Unsubscribe of an email).
 * - csrf: binds a form to the browser's double-submit cookie.
 *
 * Signed with the ring's current key; verified with the key the token names, current or
 * previous, so a rotation keeps links working until the key after next.
 */

export type ConfirmTokenCheck =
  | { status: 'valid'; subscriberId: string; nonce: string; expiresAt: Date }
  | { status: 'expired'; subscriberId: string }
  | { status: 'invalid' };

/** What a manage token names: a subscriber, and the version it was issued under (none: a legacy token). */
export interface ManageTokenSubject {
  subscriberId: string;
  version?: string;
  expiresAt?: Date;
}

/** Who an unsubscribe token lets its bearer unsubscribe: one channel of one subscriber. */
export interface UnsubscribeTarget {
  subscriberId: string;
  channelId: string;
}

/**
 * The manage token of a subscriber under its current token `version`, valid until `expiresAt`
 * when given (emailed links expire; a webhook's API token, which cannot be emailed afresh, does not).
 */
export function createManageToken(
  subscriberId: string,
  keys: KeyRing,
  options: { version?: string | undefined; expiresAt?: Date | undefined } = {},
): string {
  return signToken(keys, 'manage', {
    s: subscriberId,
    ...(options.expiresAt ? { e: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
    ...(options.version !== undefined ? { v: options.version } : {}),
  });
}

/**
 * What a manage token names, or undefined when the token is malformed, not ours or expired at
 * `now`. Whether its version is still the subscriber's is for the caller to check.
 */
export function verifyManageToken(token: string, keys: KeyRing, now: Date): ManageTokenSubject | undefined {
  const claims = verifyToken(keys, 'manage', token);
  if (!claims || claims.c !== undefined || claims.n !== undefined) return undefined;
  if (claims.e !== undefined && claims.e * 1000 <= now.getTime()) return undefined;
  return {
    subscriberId: claims.s,
    ...(claims.v !== undefined ? { version: claims.v } : {}),
    ...(claims.e !== undefined ? { expiresAt: new Date(claims.e * 1000) } : {}),
  };
}

/** The footer's "manage" token: it only asks for a fresh manage link emailed to the subscriber. */
export function createManageLinkToken(subscriberId: string, keys: KeyRing): string {
  return signToken(keys, 'manage-link', { s: subscriberId });
}

/** The subscriber a manage-link token names, or undefined when it is malformed or not ours. */
export function verifyManageLinkToken(token: string, keys: KeyRing): string | undefined {
  const claims = verifyToken(keys, 'manage-link', token);
  return claims && Object.keys(claims).length === 1 ? claims.s : undefined;
}

/** A confirmation token for the subscribe request with `nonce`, valid until `expiresAt`. */
export function createConfirmToken(subscriberId: string, keys: KeyRing, expiresAt: Date, nonce?: string): string {
  return signToken(keys, 'confirm', {
    s: subscriberId,
    e: Math.floor(expiresAt.getTime() / 1000),
    ...(nonce !== undefined ? { n: nonce } : {}),
  });
}

/**
 * Checks a confirmation token's signature, then its expiry against `now`. A token without a
 * request nonce (issued before requests had one) is invalid: it could confirm any request.
 */
export function verifyConfirmToken(token: string, keys: KeyRing, now: Date): ConfirmTokenCheck {
  const claims = verifyToken(keys, 'confirm', token);
  if (!claims || claims.e === undefined || claims.c !== undefined || claims.v !== undefined) return { status: 'invalid' };
  if (claims.e * 1000 <= now.getTime()) return { status: 'expired', subscriberId: claims.s };
  if (claims.n === undefined) return { status: 'invalid' };
  return { status: 'valid', subscriberId: claims.s, nonce: claims.n, expiresAt: new Date(claims.e * 1000) };
}

/** The token that lets its bearer unsubscribe one channel; it does not expire. */
export function createUnsubscribeToken(target: UnsubscribeTarget, keys: KeyRing): string {
  return signToken(keys, 'unsubscribe', { s: target.subscriberId, c: target.channelId });
}

/** The channel an unsubscribe token names, or undefined when it is malformed or not ours. */
export function verifyUnsubscribeToken(token: string, keys: KeyRing): UnsubscribeTarget | undefined {
  const claims = verifyToken(keys, 'unsubscribe', token);
  return claims?.c !== undefined && Object.keys(claims).length === 2 ? { subscriberId: claims.s, channelId: claims.c } : undefined;
}

/**
 * The CSRF form token of a browser's cookie value. It carries a digest of the cookie, not the
 * cookie itself, so the page never shows the cookie's value.
 */
export function createCsrfToken(cookieValue: string, keys: KeyRing): string {
  return signToken(keys, 'csrf', { s: cookieDigest(cookieValue) });
}

/** Whether a posted form token was issued for this cookie by a key the ring holds. */
export function verifyCsrfToken(token: string, cookieValue: string, keys: KeyRing): boolean {
  const claims = verifyToken(keys, 'csrf', token);
  if (!claims || Object.keys(claims).length !== 1) return false;
  const given = Buffer.from(claims.s, 'utf8');
  const expected = Buffer.from(cookieDigest(cookieValue), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The subscriber id of an email address: derived (keyed, so ids do not reveal addresses), so a
 * second request for the same address finds the first without an index on addresses. Keyed by
 * the subscriber-id key, which is never rotated: ids must stay those of the stored subscribers.
 */
export function subscriberIdForEmail(address: string, subscriberIdKey: string): string {
  return `e-${keyedDigest('subscriber-id', normalizeEmail(address), subscriberIdKey).slice(0, 32)}`;
}

/** Lower-cased and trimmed: how addresses are compared and stored. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** A keyed hex digest of `value` for `label`: identifiers that do not reveal what they identify. */
export function keyedDigest(label: string, value: string, key: string): string {
  if (key.length === 0) throw new Error(`${label} digest failed: the key is empty`);
  return createHmac('sha256', key).update(`news-alerts/${label}/v1\n${value}`, 'utf8').digest('hex');
}

/** Constant-time equality of two secrets of any length (compares their SHA-256 digests). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function cookieDigest(cookieValue: string): string {
  return createHash('sha256').update(`news-alerts/csrf-cookie\n${cookieValue}`, 'utf8').digest('base64url').slice(0, 22);
}
