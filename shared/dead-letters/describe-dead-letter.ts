import type * as z from '../core/zod.ts';
import type { QueueName } from '../core/resource-names.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import { digestDueMessageSchema, emailQueueMessageSchema } from '../digest/index.ts';
import { alertMessageSchema, deliveryMessageSchema, itemsMessageSchema, pollMessageSchema } from '../messages/schemas.ts';
import type { DeliveryStore, FeedStore } from '../store/ports.ts';

/**
 * What `news-alerts dlq list` says about a dead letter: what the message was for (feed, story,
 * subscriber and channel) and why it failed, from what the pipeline recorded — a delivery's
 * last attempt error, a feed's last poll error — or, for a message that was never valid, its
 * schema errors.
 */
export interface DeadLetterDescription {
  queue: QueueName;
  messageId: string;
  receiveCount: number;
  sentAt: string;
  /** One line: `delivery sub-1 → webhook hook (story …: "title")`. */
  what: string;
  /** Why it failed, as far as anything recorded says; undefined when nothing does. */
  why?: string;
  /** Attempts recorded on the delivery, when it is one. */
  attempts?: number;
}

export interface DeadLetterInput {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: Date;
}

const schemas: Record<QueueName, z.ZodMiniType> = {
  poll: pollMessageSchema,
  items: itemsMessageSchema,
  alert: alertMessageSchema,
  webhook: deliveryMessageSchema,
  email: emailQueueMessageSchema,
  digest: digestDueMessageSchema,
};

export async function describeDeadLetter(
  queue: QueueName,
  letter: DeadLetterInput,
  stores: { deliveries?: Pick<DeliveryStore, 'getDelivery'>; feeds?: Pick<FeedStore, 'getFeed'> },
): Promise<DeadLetterDescription> {
  const base = { queue, messageId: letter.messageId, receiveCount: letter.receiveCount, sentAt: letter.sentAt.toISOString() };
  let body: unknown;
  try {
    body = JSON.parse(letter.body);
  } catch {
    return { ...base, what: `not JSON: ${preview(letter.body)}`, why: 'the message is not JSON; redriving it cannot help (delete it)' };
  }
  const parsed = schemas[queue].safeParse(body);
  if (!parsed.success) {
    return {
      ...base,
      what: `invalid ${queue} message: ${preview(letter.body)}`,
      why: `fails its schema: ${formatZodIssues(parsed.error.issues)}; redriving it cannot help (delete it)`,
    };
  }
  const message = parsed.data as Record<string, unknown>;
  switch (queue) {
    case 'poll': {
      const feedId = String(message.feedId);
      const feed = await stores.feeds?.getFeed(feedId).catch(() => undefined);
      return { ...base, what: `poll of feed ${feedId}`, ...(feed?.lastError ? { why: `last poll error: ${feed.lastError}` } : {}) };
    }
    case 'items': {
      const handed = itemsMessageSchema.parse(body);
      const count = handed.items.length;
      return {
        ...base,
        what: `${count} new item${count === 1 ? '' : 's'} of feed ${handed.feedId} ("${preview(handed.items[0]?.title ?? '')}"…)`,
      };
    }
    case 'digest':
      return { ...base, what: `digest due ${String(message.dueAt)} of ${String(message.subscriberId)}/${String(message.channelId)}` };
    case 'alert': {
      const alert = alertMessageSchema.parse(body);
      return { ...base, what: `fan-out of story ${alert.storyId} ("${preview(alert.item.title)}")` };
    }
    case 'webhook':
    case 'email': {
      const deliveryKey = String(message.deliveryKey);
      const subscriberId = String(message.subscriberId);
      const channel = message.channel as { kind: string; channelId: string };
      const subject =
        'kind' in message && message.kind === 'digest'
          ? `digest due ${String(message.dueAt)}`
          : `story ${String(message.storyId)} ("${preview(String((message.item as { title?: string }).title ?? ''))}")`;
      const record = await stores.deliveries?.getDelivery(deliveryKey).catch(() => undefined);
      const why = record?.lastError ?? record?.error;
      return {
        ...base,
        what: `delivery to ${subscriberId} → ${channel.kind} ${channel.channelId}, ${subject}`,
        ...(why ? { why } : {}),
        ...(record?.attempts !== undefined ? { attempts: record.attempts } : {}),
      };
    }
  }
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
