import { createHash } from 'node:crypto';

/**
 * Stable public id of one delivery, derived from its deliveryKey
 * (`<subscriberId>#<storyId>#<channelId>`). It is the webhook `webhook-id`, the payload `id` and
 * the local part of the email Message-ID: the same on every retry, so a receiver can recognise a
 * resend, and free of the subscriber's own identifiers and of characters headers dislike.
 */
export function deliveryId(deliveryKey: string): string {
  const digest = createHash('sha256').update(deliveryKey, 'utf8').digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

/**
 * How long a delivery marker is kept (days). It must outlive every redelivery of the message:
 * up to 14 days in the queue plus 14 in its dead-letter queue before a redrive.
 */
export const DELIVERY_RETENTION_DAYS = 35;

/** Epoch seconds at which a delivery marker written at `now` may expire. */
export function deliveryExpiresAt(now: Date): number {
  return Math.floor(now.getTime() / 1000) + DELIVERY_RETENTION_DAYS * 24 * 60 * 60;
}
