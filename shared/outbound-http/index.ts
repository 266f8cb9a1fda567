/** Outgoing HTTP safety: the SSRF guard, the dispatcher that enforces it per connection, URL redaction. */
export {
  assertPublicAddresses,
  assertPublicUrl,
  createGuardedLookup,
  describeNonPublicAddress,
  resolveWithSystemDns,
  UrlRefusedError,
} from './ssrf-guard.ts';
export type { ResolveHost, SsrfGuardOptions } from './ssrf-guard.ts';
export { createGuardedDispatcher, sharedGuardedDispatcher } from './guarded-dispatcher.ts';
export { redactUrl } from './redact-url.ts';
