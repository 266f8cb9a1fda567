import { z } from 'zod';
import { channelSchema, isoDateTime } from '../messages/schemas.ts';

/** A feed row: what to poll and how polling went. */
export const feedRecordSchema = z.object({
  feedId: z.string().min(1),
  url: z.url(),
  title: z.string().optional(),
  intervalMinutes: z.number().int().min(1).max(1440),
  nextPollAt: isoDateTime,
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  consecutiveErrors: z.number().int().min(0).default(0),
  lastError: z.string().optional(),
  lastSuccessAt: isoDateTime.optional(),
  lastPolledAt: isoDateTime.optional(),
});
export type FeedRecord = z.infer<typeof feedRecordSchema>;

export const subscriberStateSchema = z.enum(['pending', 'active', 'paused', 'unsubscribed']);

/** A subscriber, as the config file and the CLI describe it. */
export const subscriberSchema = z.object({
  subscriberId: z.string().min(1).max(128),
  name: z.string().optional(),
  topics: z.array(z.string().min(1)).min(1),
  channels: z.array(channelSchema).min(1),
  /** Signing secret for webhooks (`whsec_` + base64), per Standard Webhooks. */
  webhookSecret: z.string().optional(),
  minScore: z.number().min(0).max(1).default(0),
  state: subscriberStateSchema.default('active'),
});
export type Subscriber = z.infer<typeof subscriberSchema>;
