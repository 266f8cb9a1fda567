/**
 * The one token module of subscriptions: versioned keys (a ring of the current and previous
 * key, each token naming its key), one signed format, one purpose per token with its own
 * derived key, and the keyed digests that name subscribers without revealing addresses.
 */
export { createKeyRing, createKeyRingReader, MIN_KEY_LENGTH, type KeyRing, type SigningKey, type TokenPurpose } from './key-ring.ts';
export { MAX_TOKEN_LENGTH, type TokenClaims } from './signed-token.ts';
export {
  createConfirmToken,
  createCsrfToken,
  createManageToken,
  createUnsubscribeToken,
  keyedDigest,
  normalizeEmail,
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyCsrfToken,
  verifyManageToken,
  verifyUnsubscribeToken,
  type ConfirmTokenCheck,
  type UnsubscribeTarget,
} from './subscription-tokens.ts';
