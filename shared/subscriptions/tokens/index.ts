/**
 * The one token module of subscriptions: versioned keys (a ring of the current and previous
 * key, each token naming its key), one signed format, one purpose per token with its own
 * derived key, and the keyed digests that name subscribers without revealing addresses.
 */
export { createKeyRingReader, type KeyRing } from './key-ring.ts';
export {
  createConfirmToken,
  createCsrfToken,
  createManageLinkToken,
  createManageToken,
  createUnsubscribeToken,
  keyedDigest,
  normalizeEmail,
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyCsrfToken,
  verifyManageLinkToken,
  verifyManageToken,
  verifyUnsubscribeToken,
} from './subscription-tokens.ts';
