import * as z from '../core/zod.ts';
import {
  deliveryMessageSchema,
  emailChannelSchema,
  isoDateTime,
  newsItemSchema,
  storyMemberSchema,
  topicMatchSchema,
} from '../messages/schemas.ts';

/**
 * The email-queue message of one digest: everything the email needs, composed by send-digests
 * and sent by deliver-email like an instant alert (same queue, DLQ, retries and idempotency).
 */

/** Stories shown in full in one digest; the rest are counted ("and N more"). */
export const DIGEST_STORY_LIMIT = 25;
/** Summaries are cut to this in the message, which keeps a full digest far below SQS's 256 KiB. */
export const DIGEST_SUMMARY_LIMIT = 600;

/**
 * The digest-queue message: one channel's digest is due. send-digests queues one per due head
 * (found through the due index), and compose-digest turns each into its email, so digests go
 * out as fast as consumers run, with no count per run.
 */
export const digestDueMessageSchema = z.object({
  version: z.literal(1),
  kind: z.literal('digest-due'),
  subscriberId: z.string().check(z.minLength(1)),
  channelId: z.string().check(z.minLength(1)),
  /** The head's due time when queued: the window to send (a later window is another message). */
  dueAt: isoDateTime,
  /** When send-digests queued it. */
  plannedAt: isoDateTime,
});
export type DigestDueMessage = z.infer<typeof digestDueMessageSchema>;

export const digestStorySchema = z.object({
  storyId: z.string().check(z.minLength(1)),
  /** When the story entered the digest. */
  addedAt: isoDateTime,
  item: newsItemSchema,
  topics: z.array(topicMatchSchema).check(z.minLength(1)),
  storyMembers: z.optional(z.array(storyMemberSchema).check(z.maxLength(50))),
});
export type DigestStory = z.infer<typeof digestStorySchema>;

export const digestMessageSchema = z.object({
  version: z.literal(1),
  kind: z.literal('digest'),
  /** `<subscriberId>#digest:<dueAt>#<channelId>`: the same for a digest queued twice, so it is sent once. */
  deliveryKey: z.string().check(z.minLength(1)),
  subscriberId: z.string().check(z.minLength(1)),
  channel: emailChannelSchema,
  cadence: z.enum(['hourly', 'daily', 'weekly']),
  /** The end of the digest's window (its due time). */
  dueAt: isoDateTime,
  /** The subscriber's time zone, for dates in the email. */
  timeZone: z.string().check(z.minLength(1)),
  /** Newest first, at most {@link DIGEST_STORY_LIMIT}. */
  stories: z.array(digestStorySchema).check(z.minLength(1), z.maxLength(DIGEST_STORY_LIMIT)),
  /** Stories of the window not shown. */
  moreCount: z.number().check(z.int(), z.minimum(0)),
});
export type DigestMessage = z.infer<typeof digestMessageSchema>;

/** The idempotency key of a channel's digest for the window ending at `dueAt`. */
export function digestDeliveryKey(subscriberId: string, channelId: string, dueAt: string): string {
  return `${subscriberId}#digest:${dueAt}#${channelId}`;
}

/** What the email queue carries: instant alerts (delivery messages) and digests (`kind: "digest"`). */
export const emailQueueMessageSchema = z.union([digestMessageSchema, deliveryMessageSchema]);
export type EmailQueueMessage = z.infer<typeof emailQueueMessageSchema>;
