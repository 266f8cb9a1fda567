import * as z from '../../core/zod.ts';
import { formatZodIssues } from '../../core/validation-issues.ts';
import { isoDateTime } from '../../messages/schemas.ts';
import { feedRecordSchema, subscriberSchema } from '../records.ts';
import { invalidRowError, type StoreCallContext } from './store-error.ts';

/**
 * Schemas of the rows the DynamoDB adapters write and read back. A row is validated on every
 * read, so a corrupted or hand-edited row is a clear `StoreError`, never a crash downstream.
 * Each is marked pure (see `pure` in shared/core/zod.ts): a bundle keeps only those it uses.
 */

/** feeds table: the record itself (feedId is the partition key). */
export const feedRowSchema = feedRecordSchema;

/** items table: a seen-item marker. `expiresAt` is epoch seconds (the table's TTL attribute). */
export const itemRowSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    itemKey: z.string().check(z.minLength(1)),
    status: z.enum(['pending', 'done']),
    expiresAt: z.number().check(z.int()),
  }),
);
export type ItemRow = z.infer<typeof itemRowSchema>;

/** subscriptions table: one row per (topicId, subscriberId) holding the whole subscriber. */
export const subscriptionRowSchema = /* @__PURE__ */ z.pure(() =>
  z.extend(subscriberSchema, { topicId: z.string().check(z.minLength(1)) }),
);
export type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;

/** deliveries table: a delivery's idempotency marker and its outcome. */
export const deliveryRowSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    deliveryKey: z.string().check(z.minLength(1)),
    status: z.enum(['in-progress', 'sent', 'failed']),
    startedAt: z.optional(isoDateTime),
    expiresAt: z.number().check(z.int()),
    /** The attempt holding the marker while `in-progress`, and until when (epoch ms). */
    leaseOwner: z.optional(z.string()),
    leaseUntil: z.optional(z.number().check(z.int())),
    sentAt: z.optional(isoDateTime),
    /** Time-to-alert: the item's publication (or first-seen) time and its fetch time. */
    publishedAt: z.optional(isoDateTime),
    fetchedAt: z.optional(isoDateTime),
    httpStatus: z.optional(z.number().check(z.int())),
    failedAt: z.optional(isoDateTime),
    error: z.optional(z.string()),
  }),
);
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

/** topics table: a user-defined topic, kept as the raw topic-file object under `definition`. */
export const topicRowSchema = /* @__PURE__ */ z.pure(() =>
  z
    .object({
      topicId: z.string().check(z.minLength(1)),
      definition: z.record(z.string(), z.unknown()),
      updatedAt: z.optional(isoDateTime),
    })
    .check(
      z.refine((row) => row.definition.id === row.topicId, {
        message: 'definition.id differs from topicId',
        path: ['definition', 'id'],
      }),
    ),
);
export type TopicRow = z.infer<typeof topicRowSchema>;

/** Parses one row read back; a bad row becomes a non-retryable `StoreError` naming its key. */
export function parseRow<T>(schema: z.core.$ZodType<T>, row: unknown, context: StoreCallContext): T {
  const result = z.safeParse(schema, row);
  if (!result.success) throw invalidRowError(context, formatZodIssues(result.error.issues));
  return result.data;
}
