import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens for email links and List-Unsubscribe headers, keyed by a server-side secret
 * (`UNSUBSCRIBE_SECRET`): `<base64url(subscriberId)>.<base64url(channelId)>.<base64url(HMAC-SHA256)>`.
 * Unforgeable without the secret; they name one channel of one subscriber, do not expire, and
 * rotating the secret invalidates every link sent before. Tokens of the first version
 * (`<subscriberId>.<mac>`, no channel) still verify, as naming the whole subscriber.
 */

/** Who a token lets its bearer unsubscribe: one channel, or (old tokens) every channel. */
export interface UnsubscribeTarget {
  subscriberId: string;
  /** Absent on tokens that name the whole subscriber. */
  channelId?: string;
}

const PURPOSE_V1 = 'news-alerts/unsubscribe/v1';
const PURPOSE_V2 = 'news-alerts/unsubscribe/v2';

/** The token that lets its bearer unsubscribe `target` (a subscriber id alone names them all). */
export function createUnsubscribeToken(target: UnsubscribeTarget | string, secret: string): string {
  const { subscriberId, channelId } = typeof target === 'string' ? { subscriberId: target, channelId: undefined } : target;
  const id = encode(subscriberId);
  if (channelId === undefined) return `${id}.${macV1(subscriberId, secret).toString('base64url')}`;
  return `${id}.${encode(channelId)}.${macV2(subscriberId, channelId, secret).toString('base64url')}`;
}

/** The target a token names, or undefined when it is malformed or not ours. Constant-time compare. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeTarget | undefined {
  const parts = token.split('.');
  if (parts.some((part) => part.length === 0)) return undefined;
  if (parts.length === 2) {
    const subscriberId = decode(parts[0]!);
    if (subscriberId === undefined) return undefined;
    return same(parts[1]!, macV1(subscriberId, secret)) ? { subscriberId } : undefined;
  }
  if (parts.length === 3) {
    const subscriberId = decode(parts[0]!);
    const channelId = decode(parts[1]!);
    if (subscriberId === undefined || channelId === undefined) return undefined;
    return same(parts[2]!, macV2(subscriberId, channelId, secret)) ? { subscriberId, channelId } : undefined;
  }
  return undefined;
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The text of a canonical base64url part, or undefined (so one token has one spelling). */
function decode(part: string): string | undefined {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  return text.length > 0 && encode(text) === part ? text : undefined;
}

function same(givenPart: string, expected: Buffer): boolean {
  const given = Buffer.from(givenPart, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function macV1(subscriberId: string, secret: string): Buffer {
  return hmac(secret, `${PURPOSE_V1}\n${subscriberId}`);
}

function macV2(subscriberId: string, channelId: string, secret: string): Buffer {
  // Lengths first, so no (subscriber, channel) pair can be re-split into another.
  return hmac(secret, `${PURPOSE_V2}\n${subscriberId.length}:${subscriberId}\n${channelId.length}:${channelId}`);
}

function hmac(secret: string, text: string): Buffer {
  if (secret.length === 0) throw new Error('unsubscribe token failed: the secret is empty');
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}
