import { assertPublicUrl, sharedGuardedFetch } from '../outbound-http/index.ts';

/** A subscription request to a hub (W3C WebSub §5.1). */
export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  hub: string;
  topic: string;
  callback: string;
  /** HMAC key the hub signs pushes with (subscribe only). */
  secret?: string;
  leaseSeconds?: number;
}

export interface HubRequestDeps {
  fetch: typeof globalThis.fetch;
  allowPrivateNetwork: boolean;
  /** Default 10 s: a hub answers at once (it verifies later, asynchronously). */
  timeoutMs?: number;
}

/** What the hub answered: accepted (2xx; it verifies our intent next) or refused, and why. */
export type HubAnswer = { accepted: true; status: number } | { accepted: false; reason: string };

/**
 * Sends a (un)subscription request: a form POST to the hub, SSRF-guarded like every outgoing
 * request, bounded in time, no redirects followed. The secret goes only in the body; the answer
 * names the hub by host, never the secret.
 */
export async function sendHubRequest(request: HubRequest, deps: HubRequestDeps): Promise<HubAnswer> {
  const host = hostOf(request.hub);
  try {
    await assertPublicUrl(request.hub, { allowPrivateNetwork: deps.allowPrivateNetwork });
  } catch (error) {
    return { accepted: false, reason: `hub refused: ${messageOf(error)} (${host})` };
  }
  const form = new URLSearchParams({ 'hub.mode': request.mode, 'hub.topic': request.topic, 'hub.callback': request.callback });
  if (request.secret !== undefined) form.set('hub.secret', request.secret);
  if (request.leaseSeconds !== undefined) form.set('hub.lease_seconds', String(request.leaseSeconds));
  try {
    const send = deps.allowPrivateNetwork ? deps.fetch : sharedGuardedFetch();
    const response = await send(request.hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
    // The body is the hub's explanation: a short piece of it is worth keeping, never more.
    const text = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
    if (response.status >= 200 && response.status < 300) return { accepted: true, status: response.status };
    return { accepted: false, reason: `hub answered ${response.status}${text ? `: ${text}` : ''} (${host})` };
  } catch (error) {
    return { accepted: false, reason: `hub request failed: ${messageOf(error)} (${host})` };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid hub URL';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'no answer in time' : error.message;
  return String(error);
}
