import { z } from 'zod';
import { formatZodIssues } from '../../core/validation-issues.ts';
import { isoDateTime } from '../../messages/schemas.ts';
import { feedRecordSchema, subscriberSchema } from '../records.ts';
import { invalidRowError, type StoreCallContext } from './store-error.ts';

/**
 * Schemas of the rows the DynamoDB adapters write and read back. A row is validated on every
 * read, so a corrupted or hand-edited row is a clear `StoreError`, never a crash downstream.
 */

/** feeds table: the record itself (feedId is the partition key). */
export const feedRowSchema = feedRecordSchema;

/** items table: a seen-item marker. `expiresAt` is epoch seconds (the table's TTL attribute). */
export const itemRowSchema = z.object({
  itemKey: z.string().min(1),
  status: z.enum(['pending', 'done']),
  expiresAt: z.number().int(),
});
export type ItemRow = z.infer<typeof itemRowSchema>;

/** subscriptions table: one row per (topicId, subscriberId) holding the whole subscriber. */
export const subscriptionRowSchema = subscriberSchema.extend({ topicId: z.string().min(1) });
export type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;

/** deliveries table: a delivery's idempotency marker and its outcome. */
export const deliveryRowSchema = z.object({
  deliveryKey: z.string().min(1),
  status: z.enum(['in-progress', 'sent', 'failed']),
  startedAt: isoDateTime.optional(),
  expiresAt: z.number().int(),
  sentAt: isoDateTime.optional(),
  /** Time-to-alert: the item's publication (or first-seen) time and its fetch time. */
  publishedAt: isoDateTime.optional(),
  fetchedAt: isoDateTime.optional(),
  httpStatus: z.number().int().optional(),
  failedAt: isoDateTime.optional(),
  error: z.string().optional(),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

/** topics table: a user-defined topic, kept as the raw topic-file object under `definition`. */
export const topicRowSchema = z
  .object({
    topicId: z.string().min(1),
    definition: z.record(z.string(), z.unknown()),
    updatedAt: isoDateTime.optional(),
  })
  .refine((row) => row.definition.id === row.topicId, {
    message: 'definition.id differs from topicId',
    path: ['definition', 'id'],
  });
export type TopicRow = z.infer<typeof topicRowSchema>;

/** Parses one row read back; a bad row becomes a non-retryable `StoreError` naming its key. */
export function parseRow<T>(schema: z.ZodType<T>, row: unknown, context: StoreCallContext): T {
  const result = schema.safeParse(row);
  if (!result.success) throw invalidRowError(context, formatZodIssues(result.error.issues));
  return result.data;
}
