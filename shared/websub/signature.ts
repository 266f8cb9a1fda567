import { createHmac, timingSafeEqual } from 'node:crypto';

/** The digests WebSub allows in `X-Hub-Signature` (sha1 for older hubs, per the Recommendation). */
const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/** Why a push's signature was not accepted, or the algorithm that verified it. */
export type HubSignatureCheck =
  | { valid: true; algorithm: string }
  | { valid: false; reason: 'unsigned' | 'malformed' | 'unsupported-algorithm' | 'mismatch' };

/**
 * Checks a content distribution's `X-Hub-Signature: <algo>=<hex HMAC of the raw body>` with the
 * subscription's secret. The comparison is timing-safe; the body must be the bytes as received.
 */
export function checkHubSignature(header: string | undefined, body: Uint8Array, secret: string): HubSignatureCheck {
  const value = header?.trim();
  if (!value) return { valid: false, reason: 'unsigned' };
  const match = /^([A-Za-z0-9]+)=([0-9A-Fa-f]+)$/.exec(value);
  if (!match) return { valid: false, reason: 'malformed' };
  const algorithm = match[1]!.toLowerCase();
  if (!ALGORITHMS.has(algorithm)) return { valid: false, reason: 'unsupported-algorithm' };
  const expected = createHmac(algorithm, secret).update(body).digest();
  const given = Buffer.from(match[2]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'mismatch' };
  return { valid: true, algorithm };
}
