/**
 * Delivery: one story to one channel of one subscriber, by signed webhook (JSON or Slack) or
 * email, idempotent per deliveryKey. Handlers and the CLI import from here.
 */
export { deliverWebhook, isSlackTarget, parseRetryAfter, WEBHOOK_TIMEOUT_MS, WEBHOOK_USER_AGENT } from './deliver-webhook.ts';
export type { DeliverWebhookDeps, DeliverWebhookOptions, WebhookDeliveryOutcome } from './deliver-webhook.ts';
export { deliverEmail } from './deliver-email.ts';
export type { DeliverEmailDeps, EmailDeliveryOutcome } from './deliver-email.ts';
export { composeAlertEmail } from './compose-alert-email.ts';
export type { ComposeAlertEmailOptions } from './compose-alert-email.ts';
export { buildWebhookPayload, exampleDeliveryMessage, exampleWebhookPayload, matchedTexts } from './webhook-payload.ts';
export type { WebhookPayloadV1 } from './webhook-payload.ts';
export { buildSlackMessage, escapeSlack, slackLink } from './slack-message.ts';
export type { SlackBlock, SlackMessage } from './slack-message.ts';
export { decodeWebhookSecret, parseWebhookSecrets, signWebhook, WebhookSecretError, webhookSignatureHeaders } from './sign-webhook.ts';
export { createUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';
export { DELIVERY_RETENTION_DAYS, deliveryExpiresAt, deliveryId } from './delivery-id.ts';
export { WebhookDeliveryError } from './errors.ts';
export { escapeHtml, safeHttpUrl } from './escape-html.ts';
