import { NewsAlertsError } from '../core/errors.ts';

/**
 * The webhook signing secret a subscriber holds (Standard Webhooks: `whsec_` + base64 of at
 * least 16 bytes): checked when a subscription is stored, decoded when a delivery is signed
 * (`shared/delivery/sign-webhook.ts`).
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
