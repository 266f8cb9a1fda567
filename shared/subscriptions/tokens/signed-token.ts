import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing, TokenPurpose } from './key-ring.ts';

/**
 * The one token format of the subscription links, the API and the forms:
 *
 *   <key id>.<base64url(JSON claims)>.<base64url(HMAC-SHA256(purpose key, "<key id>.<claims>"))>
 *
 * The key id names the ring key that signed it (current or previous); the purpose is not in the
 * token but in the key (see `key-ring.ts`), so a manage token never verifies as an unsubscribe
 * one. Macs are compared in constant time; every part has one spelling.
 */

/** What a token says. */
export interface TokenClaims {
  /** The subject: a subscriber id (or, for CSRF, a digest of the form cookie). */
  s: string;
  /** A channel of the subscriber (unsubscribe tokens). */
  c?: string;
  /** Expiry, epoch seconds (confirmation and emailed manage tokens). */
  e?: number;
  /** The nonce of the one subscribe request a confirmation token confirms. */
  n?: string;
  /** The subscriber's manage-token version the token was issued under (revoked when it changes). */
  v?: string;
}

/** Tokens longer than this are refused before any decoding. */
export const MAX_TOKEN_LENGTH = 1024;

const TOKEN_SHAPE = /^([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{1,900})\.([A-Za-z0-9_-]{43})$/;

/** A token for `purpose`, signed with the ring's current key. */
export function signToken(ring: KeyRing, purpose: TokenPurpose, claims: TokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const keyId = ring.current.id;
  return `${keyId}.${body}.${mac(ring.current.keyFor(purpose), keyId, body).toString('base64url')}`;
}

/**
 * The claims of a token of `purpose` signed by a key the ring still holds; undefined when it is
 * malformed, tampered with, of another purpose, or signed by a key no longer held.
 */
export function verifyToken(ring: KeyRing, purpose: TokenPurpose, token: string): TokenClaims | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return undefined;
  const [, keyId, body, signature] = match as unknown as [string, string, string, string];
  const key = ring.find(keyId);
  if (!key) return undefined;
  // Compared as text, not decoded bytes: the last character's spare bits would give one mac
  // several spellings.
  const given = Buffer.from(signature, 'utf8');
  const expected = Buffer.from(mac(key.keyFor(purpose), keyId, body).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return claimsOf(body);
}

function mac(key: Buffer, keyId: string, body: string): Buffer {
  return createHmac('sha256', key).update(`${keyId}.${body}`, 'utf8').digest();
}

/** The claims, checked strictly: known fields only, each of its type. */
function claimsOf(body: string): TokenClaims | undefined {
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.toString('base64url') !== body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { s, c, e, n, v, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof s !== 'string' || s.length === 0) return undefined;
  if (c !== undefined && (typeof c !== 'string' || c.length === 0)) return undefined;
  if (e !== undefined && (typeof e !== 'number' || !Number.isSafeInteger(e))) return undefined;
  if (n !== undefined && (typeof n !== 'string' || n.length === 0)) return undefined;
  if (v !== undefined && (typeof v !== 'string' || v.length === 0)) return undefined;
  return {
    s,
    ...(c !== undefined ? { c } : {}),
    ...(e !== undefined ? { e } : {}),
    ...(n !== undefined ? { n } : {}),
    ...(v !== undefined ? { v } : {}),
  };
}
