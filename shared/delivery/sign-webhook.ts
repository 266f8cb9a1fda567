import { createHmac } from 'node:crypto';
import { NewsAlertsError } from '../core/errors.ts';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the secret's decoded bytes, base64, sent as
 * `webhook-signature: v1,<sig>`. During a secret rotation the subscriber holds two secrets; we sign
 * with each and send both signatures space-separated, so the receiver accepts either.
 */

/** A signing secret that is not `whsec_` + base64. Retrying cannot fix it. */
export class WebhookSecretError extends NewsAlertsError {}

const SECRET_PREFIX = 'whsec_';

/** The secret's key bytes: base64 after the optional `whsec_` prefix. */
export function decodeWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new WebhookSecretError('webhook secret is invalid: expected whsec_ followed by base64');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) {
    throw new WebhookSecretError('webhook secret is invalid: shorter than 16 bytes');
  }
  return key;
}

/**
 * The secrets held in a subscriber's `webhookSecret`: one, or several separated by whitespace
 * while a rotation is under way (newest first by convention).
 */
export function parseWebhookSecrets(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((secret) => secret.length > 0);
}

/** The `webhook-signature` header value: `v1,<base64>` per secret, space-separated. */
export function signWebhook(input: { id: string; timestamp: number; body: string; secrets: string[] }): string {
  if (input.secrets.length === 0) throw new WebhookSecretError('webhook signing failed: no secret');
  const signed = `${input.id}.${input.timestamp}.${input.body}`;
  return input.secrets
    .map((secret) => `v1,${createHmac('sha256', decodeWebhookSecret(secret)).update(signed, 'utf8').digest('base64')}`)
    .join(' ');
}

/** The Standard Webhooks headers of one attempt (timestamp in seconds since the epoch). */
export function webhookSignatureHeaders(input: {
  id: string;
  timestamp: number;
  body: string;
  secrets: string[];
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signWebhook(input),
  };
}
