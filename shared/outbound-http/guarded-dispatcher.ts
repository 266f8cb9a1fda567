import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { createGuardedLookup } from './ssrf-guard.ts';
import type { SsrfGuardOptions } from './ssrf-guard.ts';

/**
 * An undici dispatcher whose connections go through the SSRF guard's lookup: every connection
 * it opens (first request and every redirect hop) is refused if the host resolves to a
 * non-public address. Pass it as `dispatcher` in the init of Node's global `fetch` (Node 24
 * bundles undici 7, the same major as the `undici` package, so the two are compatible).
 *
 * IP-literal hosts never reach a lookup; `assertPublicUrl` covers them before the request.
 */
export function createGuardedDispatcher(options: Omit<SsrfGuardOptions, 'allowPrivateNetwork'> = {}): Dispatcher {
  return new Agent({ connect: { lookup: createGuardedLookup({ ...options, allowPrivateNetwork: false }) } });
}

let shared: Dispatcher | undefined;

/** One guarded dispatcher per process (its connection pools are reused across invocations). */
export function sharedGuardedDispatcher(): Dispatcher {
  shared ??= createGuardedDispatcher();
  return shared;
}
