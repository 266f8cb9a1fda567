/**
 * Digests: stories wait per subscriber channel (fan-out adds them to the DigestStore), and when a
 * channel's digest is due, send-digests queues one email for the window, which deliver-email
 * sends once.
 */
export { composeDigestEmail, groupDigestStories, type ComposeDigestEmailOptions, type DigestGroup } from './compose-digest-email.ts';
export { deliverDigest, type DigestDeliveryOutcome } from './deliver-digest.ts';
export {
  DIGEST_STORY_LIMIT,
  DIGEST_SUMMARY_LIMIT,
  digestDeliveryKey,
  digestMessageSchema,
  digestStorySchema,
  emailQueueMessageSchema,
  type EmailQueueMessage,
  type DigestMessage,
  type DigestStory,
} from './digest-message.ts';
export { sendDueDigests, type SendDigestsDeps, type SendDigestsOptions, type SendDigestsSummary } from './send-digests.ts';
