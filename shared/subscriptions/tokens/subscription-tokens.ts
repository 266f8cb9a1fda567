import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens of the subscription pages and API, keyed by the server secret
 * (`UNSUBSCRIBE_SECRET`): `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`. Each purpose
 * signs under its own label, so a confirmation token is never accepted as a manage token and
 * neither as an unsubscribe token. Macs are compared in constant time. Rotating the secret
 * invalidates every token issued before.
 *
 * - manage: names a subscriber; lets its bearer read, change, pause or delete the subscription
 *   (the link in every email, and the API's bearer token). It does not expire.
 * - confirm: names a pending subscriber and an expiry (double opt-in link).
 */

export type TokenPurpose = 'manage' | 'confirm';

/** Tokens longer than this are refused before any decoding. */
export const MAX_TOKEN_LENGTH = 1024;

interface TokenPayload {
  /** Subscriber id. */
  s: string;
  /** Expiry, epoch seconds. */
  e?: number;
}

export type ConfirmTokenCheck =
  | { status: 'valid'; subscriberId: string; expiresAt: Date }
  | { status: 'expired'; subscriberId: string }
  | { status: 'invalid' };

/** The manage token of a subscriber. */
export function createManageToken(subscriberId: string, secret: string): string {
  return sign('manage', { s: subscriberId }, secret);
}

/** The subscriber a manage token names, or undefined when the token is malformed or not ours. */
export function verifyManageToken(token: string, secret: string): string | undefined {
  return verify('manage', token, secret)?.s;
}

/** A confirmation token, valid until `expiresAt`. */
export function createConfirmToken(subscriberId: string, secret: string, expiresAt: Date): string {
  return sign('confirm', { s: subscriberId, e: Math.floor(expiresAt.getTime() / 1000) }, secret);
}

/** Checks a confirmation token's signature, then its expiry against `now`. */
export function verifyConfirmToken(token: string, secret: string, now: Date): ConfirmTokenCheck {
  const payload = verify('confirm', token, secret);
  if (!payload || payload.e === undefined) return { status: 'invalid' };
  if (payload.e * 1000 <= now.getTime()) return { status: 'expired', subscriberId: payload.s };
  return { status: 'valid', subscriberId: payload.s, expiresAt: new Date(payload.e * 1000) };
}

/**
 * The subscriber id of an email address: derived (keyed, so ids do not reveal addresses), so a
 * second request for the same address finds the first without an index on addresses.
 */
export function subscriberIdForEmail(address: string, secret: string): string {
  return `e-${keyedDigest('subscriber-id', normalizeEmail(address), secret).slice(0, 32)}`;
}

/** Lower-cased and trimmed: how addresses are compared and stored. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** A keyed hex digest of `value` for `label`: identifiers that do not reveal what they identify. */
export function keyedDigest(label: string, value: string, secret: string): string {
  return createHmac('sha256', secret).update(`news-alerts/${label}/v1\n${value}`, 'utf8').digest('hex');
}

/** Constant-time equality of two secrets of any length (compares their SHA-256 digests). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function sign(purpose: TokenPurpose, payload: TokenPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(purpose, body, secret).toString('base64url')}`;
}

function verify(purpose: TokenPurpose, token: string, secret: string): TokenPayload | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  const [body, signature] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(purpose, body, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    if (payload === null || typeof payload !== 'object') return undefined;
    const { s, e } = payload as Record<string, unknown>;
    if (typeof s !== 'string' || s.length === 0) return undefined;
    if (e !== undefined && (typeof e !== 'number' || !Number.isInteger(e))) return undefined;
    return e === undefined ? { s } : { s, e };
  } catch {
    return undefined;
  }
}

function mac(purpose: TokenPurpose, body: string, secret: string): Buffer {
  if (secret.length === 0) throw new Error(`${purpose} token failed: the secret is empty`);
  return createHmac('sha256', secret).update(`news-alerts/${purpose}/v1\n${body}`, 'utf8').digest();
}
