import { handleItems, type HandleItemsDeps } from '../../shared/feeds/index.ts';
import { itemsMessageSchema } from '../../shared/messages/schemas.ts';

/** The counts of every items message handled, summed. */
export interface QueuedItemsHandled {
  messages: number;
  new: number;
  duplicates: number;
  alerts: number;
  joined: number;
}

/**
 * What classify-items does with the items queue, done here: every message poll-feed queued is
 * received (drained), checked against its schema and handled in turn, as the function would.
 */
export async function handleQueuedItems(drain: (queue: 'items') => Promise<unknown[]>, deps: HandleItemsDeps): Promise<QueuedItemsHandled> {
  const total: QueuedItemsHandled = { messages: 0, new: 0, duplicates: 0, alerts: 0, joined: 0 };
  for (const body of await drain('items')) {
    const handled = await handleItems(itemsMessageSchema.parse(body), deps);
    total.messages += 1;
    total.new += handled.new;
    total.duplicates += handled.duplicates;
    total.alerts += handled.alerts;
    total.joined += handled.joined;
  }
  return total;
}
