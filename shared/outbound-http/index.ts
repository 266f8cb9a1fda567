/**
 * Outgoing HTTP safety: the SSRF guard, the client that enforces it per connection, URL
 * redaction, and what a webhook target is (a Slack incoming webhook; the key per-target limits count).
 */
export { createNodeFetch, sharedGuardedFetch } from './guarded-fetch.ts';
export { redactUrl, redactUrlsIn } from './redact-url.ts';
export { allowPrivateNetworkHint, assertPublicUrl, checkOperatorUrl, UrlRefusedError, type ResolveHost } from './ssrf-guard.ts';
export { isSlackIncomingWebhook, slackWebhookProblem, webhookTargetKey } from './webhook-target.ts';
