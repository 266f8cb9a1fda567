/** Outgoing HTTP safety: the SSRF guard, the dispatcher that enforces it per connection, URL redaction. */
export { sharedGuardedDispatcher } from './guarded-dispatcher.ts';
export { redactUrl } from './redact-url.ts';
export { allowPrivateNetworkHint, assertPublicUrl, checkOperatorUrl, UrlRefusedError, type ResolveHost } from './ssrf-guard.ts';
