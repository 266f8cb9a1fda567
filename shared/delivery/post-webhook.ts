import type { Clock } from '../core/clock.ts';
import { sharedGuardedFetch, UrlRefusedError } from '../outbound-http/index.ts';
import { WebhookDeliveryError } from './errors.ts';

/**
 * One POST to a webhook target and the reading of its answer, shared by the JSON and Slack forms:
 * a timeout, no redirects followed, the SSRF guard on the connection's own DNS lookup, and only a
 * few hundred bytes of the answer read (Slack puts its error code there; nothing is logged).
 */

export interface PostWebhookDeps {
  fetch: typeof globalThis.fetch;
  clock: Clock;
  /** Targets on loopback / private networks allowed (local fixtures only). */
  allowPrivateNetwork: boolean;
}

export type PostOutcome =
  | { kind: 'ok'; httpStatus: number; body: string }
  | { kind: 'refused'; error: string }
  /** A non-retryable answer: 4xx other than 408 / 429, or a redirect. */
  | { kind: 'rejected'; httpStatus: number; body: string; error: string };

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_USER_AGENT = 'news-alerts-webhooks/1';
/** Bytes of an answer we read at most. */
const ANSWER_BYTES = 512;

/**
 * POSTs once. 2xx → ok; 408 / 429 / 5xx / network error / timeout → throws a retryable
 * {@link WebhookDeliveryError} (with the receiver's `Retry-After`); a target the guard refuses →
 * refused; other answers → rejected.
 */
export async function postWebhook(
  target: URL,
  request: { body: string; headers: Record<string, string> },
  deps: PostWebhookDeps,
  options: { timeoutMs?: number; who: string },
): Promise<PostOutcome> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT, ...request.headers },
    body: request.body,
    // A redirect could lead anywhere; receivers must answer directly.
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  };
  // The guarded client resolves the host in the connection itself, so a name that changes
  // address after the check (DNS rebinding) is still refused.
  const send = deps.allowPrivateNetwork ? deps.fetch : sharedGuardedFetch();
  let response: Response;
  try {
    response = await send(target, init);
  } catch (error) {
    const refused = error instanceof Error && error.cause instanceof UrlRefusedError ? error.cause : undefined;
    if (refused) return { kind: 'refused', error: `webhook target refused: ${refused.reason} (${options.who})` };
    const why = isTimeout(error) ? `timed out after ${timeoutMs / 1000} s` : `network error: ${errorMessage(error)}`;
    throw new WebhookDeliveryError(`webhook delivery failed: ${why} (${options.who}, host ${target.host})`, {
      retryable: true,
      cause: error,
    });
  }
  const body = await readStart(response);

  const httpStatus = response.status;
  if (httpStatus >= 200 && httpStatus < 300) return { kind: 'ok', httpStatus, body };
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), deps.clock.now());
    throw new WebhookDeliveryError(`webhook delivery failed: HTTP ${httpStatus} (${options.who}, host ${target.host})`, {
      retryable: true,
      status: httpStatus,
      answer: body,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  const why = httpStatus >= 300 && httpStatus < 400 ? `HTTP ${httpStatus} redirect (not followed)` : `HTTP ${httpStatus}`;
  return { kind: 'rejected', httpStatus, body, error: `webhook delivery failed: ${why} (${options.who}, host ${target.host})` };
}

/** The first bytes of an answer as text (Slack's error code lives there); the rest is dropped. */
async function readStart(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // An answer cut short says nothing more than its status.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString('utf8');
}

/** `Retry-After` as seconds from now: either delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ...) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
