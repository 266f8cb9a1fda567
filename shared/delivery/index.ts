/**
 * Delivery: one story to one channel of one subscriber, by signed webhook (JSON or Slack) or
 * email, idempotent per deliveryKey, with retry timing and channel pausing.
 * Handlers and the digest module import from here; what only this module uses stays inside.
 */
export { alsoReportedBy } from './also-reported-by.ts';
export { deliverEmail, sendEmailOnce, type DeliverEmailDeps } from './deliver-email.ts';
export { deliverWebhook } from './deliver-webhook.ts';
export { deliveryId } from './delivery-id.ts';
export { emailFooterHtml, emailFooterText, unsubscribeFor, type Unsubscribe, type UnsubscribeOptions } from './email-footer.ts';
export { pauseChannel } from './channel-health.ts';
export { DEFAULT_RETRY_POLICY, deliverWithRetry, type RetryPolicy } from './retry-policy.ts';
export { createSlackSender, type SlackSenderOptions } from './slack-sender.ts';
export { sendTestAlert, type ChannelTestResult, type TestAlertReport } from './send-test-alert.ts';
export { matchedTexts } from './webhook-payload.ts';
export type { SkipReason } from './active-channel.ts';
