/**
 * Digests: stories wait per subscriber channel (fan-out adds them to the DigestStore), and when a
 * channel's digest is due, send-digests queues one email for the window, which deliver-email
 * sends once.
 */
export { deliverDigest } from './deliver-digest.ts';
export { emailQueueMessageSchema } from './digest-message.ts';
export { sendDueDigests, type SendDigestsSummary } from './send-digests.ts';
export { previewDigests } from './preview-digest.ts';
