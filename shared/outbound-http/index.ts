/**
 * Outgoing HTTP safety: the SSRF guard, the dispatcher that enforces it per connection, URL
 * redaction, and what a webhook target is (a Slack incoming webhook; the key per-target limits count).
 */
export { sharedGuardedDispatcher } from './guarded-dispatcher.ts';
export { redactUrl, redactUrlsIn } from './redact-url.ts';
export { allowPrivateNetworkHint, assertPublicUrl, checkOperatorUrl, UrlRefusedError, type ResolveHost } from './ssrf-guard.ts';
export { isSlackIncomingWebhook, slackWebhookProblem, webhookTargetKey } from './webhook-target.ts';
