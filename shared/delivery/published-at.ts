import type { DeliveryMessage } from '../messages/schemas.ts';

/**
 * When a delivery's item was published, as a field for its `delivered` event: the message's
 * `publishedAt`, or for a message queued before that field existed, the item's own date.
 */
export function publishedAtOf(message: Pick<DeliveryMessage, 'publishedAt' | 'item'>): { publishedAt?: string } {
  const publishedAt = message.publishedAt ?? message.item.published;
  return publishedAt ? { publishedAt } : {};
}

/** A delivery's time-to-alert marks for its record: publication (or first seen) and fetch times. */
export function timesOf(message: Pick<DeliveryMessage, 'publishedAt' | 'fetchedAt' | 'item'>): {
  publishedAt?: string;
  fetchedAt?: string;
} {
  return { ...publishedAtOf(message), ...(message.fetchedAt ? { fetchedAt: message.fetchedAt } : {}) };
}
