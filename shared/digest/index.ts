/**
 * Digests: stories wait per subscriber channel (fan-out adds them to the DigestStore), and when a
 * channel's digest is due, send-digests queues a digest-due message, compose-digest turns it into
 * one email for the window, and deliver-email sends it once.
 */
export { deliverDigest } from './deliver-digest.ts';
export { digestDueMessageSchema, emailQueueMessageSchema } from './digest-message.ts';
export { type QueueDueDigestsSummary, queueDueDigests, sendQueuedDigest } from './send-digests.ts';
export { previewDigests } from './preview-digest.ts';
