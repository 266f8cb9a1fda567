import { createHmac } from 'node:crypto';
import { decodeWebhookSecret, WebhookSecretError } from '../subscriptions/index.ts';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the secret's decoded bytes, base64, sent as
 * `webhook-signature: v1,<sig>`. During a secret rotation the subscriber holds two secrets; we sign
 * with each and send both signatures space-separated, so the receiver accepts either.
 */

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
