import type { DeliveryMessage } from '../messages/schemas.ts';

/**
 * When a delivery's item was published, as a field for its `delivered` event: the message's
 * `publishedAt`, or for a message queued before that field existed, the item's own date.
 */
export function publishedAtOf(message: Pick<DeliveryMessage, 'publishedAt' | 'item'>): { publishedAt?: string } {
  const publishedAt = message.publishedAt ?? message.item.published;
  return publishedAt ? { publishedAt } : {};
}
