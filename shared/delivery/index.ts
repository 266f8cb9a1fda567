/**
 * Delivery: one story to one channel of one subscriber, by signed webhook (JSON or Slack) or
 * email, idempotent per deliveryKey, with retry timing and channel pausing.
 * Handlers and the CLI import from here.
 */
export { deliverWebhook, isSlackTarget, parseRetryAfter, WEBHOOK_TIMEOUT_MS, WEBHOOK_USER_AGENT } from './deliver-webhook.ts';
export type { DeliverWebhookDeps, DeliverWebhookOptions, WebhookDeliveryOutcome } from './deliver-webhook.ts';
export { deliverEmail } from './deliver-email.ts';
export type { DeliverEmailDeps, EmailDeliveryOutcome } from './deliver-email.ts';
export { composeAlertEmail } from './compose-alert-email.ts';
export type { ComposeAlertEmailOptions } from './compose-alert-email.ts';
export { emailFooterHtml, emailFooterText, unsubscribeFor } from './email-footer.ts';
export type { Unsubscribe, UnsubscribeOptions } from './email-footer.ts';
export { buildWebhookPayload, exampleDeliveryMessage, exampleWebhookPayload, matchedTexts } from './webhook-payload.ts';
export type { WebhookPayloadV1 } from './webhook-payload.ts';
export {
  buildSlackBatchMessage,
  buildSlackMessage,
  checkSlackLimits,
  escapeSlack,
  MAX_STORIES_PER_SLACK_MESSAGE,
  SLACK_LIMITS,
  slackLink,
} from './slack-message.ts';
export type { SlackBlock, SlackMessage, SlackStory } from './slack-message.ts';
export { createSlackSender } from './slack-sender.ts';
export type { SlackOutcome, SlackSender, SlackSenderOptions } from './slack-sender.ts';
export { signWebhook, webhookSignatureHeaders } from './sign-webhook.ts';
export { DELIVERY_RETENTION_DAYS, deliveryExpiresAt, deliveryId } from './delivery-id.ts';
export { WebhookDeliveryError } from './errors.ts';
export { DEFAULT_RETRY_POLICY, deferRetry, deliverWithRetry, retryDelaySeconds } from './retry-policy.ts';
export type { DeferRetryDeps, DeliverWithRetryDeps, DeliveryAttempt, FailedAttempt, RetryPolicy } from './retry-policy.ts';
export { countPermanentFailure, pauseChannel, REPEATED_FAILURE_THRESHOLD, REPEATED_FAILURE_WINDOW_SECONDS } from './channel-health.ts';
export type { ChannelHealthDeps, ChannelRef } from './channel-health.ts';
export { activeChannel } from './active-channel.ts';
export type { ActiveChannel, SkipReason } from './active-channel.ts';
export { alsoReportedBy } from './also-reported-by.ts';
