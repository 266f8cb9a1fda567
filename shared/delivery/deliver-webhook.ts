import { assertPublicUrl, sharedGuardedDispatcher, UrlRefusedError } from '../http/index.ts';
import type { DeliveryMessage, WebhookChannel } from '../messages/schemas.ts';
import type { Clock } from '../runtime/clock.ts';
import { InvalidMessageError } from '../runtime/errors.ts';
import type { EventSink } from '../runtime/events.ts';
import type { Log } from '../runtime/logger.ts';
import type { DeliveryStore, SubscriptionStore } from '../store/ports.ts';
import { deliveryExpiresAt, deliveryId } from './delivery-id.ts';
import { activeChannel } from './active-channel.ts';
import { WebhookDeliveryError } from './errors.ts';
import { parseWebhookSecrets, WebhookSecretError, webhookSignatureHeaders } from './sign-webhook.ts';
import { buildSlackMessage } from './slack-message.ts';
import { buildWebhookPayload } from './webhook-payload.ts';

export interface DeliverWebhookDeps {
  deliveries: DeliveryStore;
  /** Where the subscriber (state, current channel, signing secret) is read: secrets never travel in messages. */
  subscriptions: Pick<SubscriptionStore, 'getSubscriber'>;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  log: Log;
  events: EventSink;
  /**
   * Allow targets on loopback / private networks (env ALLOW_PRIVATE_NETWORK, local fixtures only).
   * Otherwise the SSRF guard checks the URL first and again on the connection's own DNS lookup.
   */
  allowPrivateNetwork: boolean;
}

export interface DeliverWebhookOptions {
  /** Abort the POST after this long (default 10 s); a timeout is retried. */
  timeoutMs?: number;
}

export type WebhookDeliveryOutcome =
  | { status: 'delivered'; httpStatus: number }
  | { status: 'skipped'; reason: 'already-sent' | 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' }
  | { status: 'failed'; error: string };

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_USER_AGENT = 'news-alerts-webhooks/1';

/**
 * Delivers one story to one webhook channel, at most once per deliveryKey as far as our records
 * go (a resend after an unconfirmed attempt carries the same `webhook-id`).
 *
 * Outcomes: already sent → skipped; subscriber gone, inactive or channel removed → recorded and
 * skipped; 2xx → recorded as sent; 408 / 429 / 5xx / network error / timeout → a retryable
 * {@link WebhookDeliveryError} is thrown (SQS redelivers, then the DLQ); any other answer, a
 * refused target or a bad secret → recorded as a permanent failure and the message succeeds.
 */
export async function deliverWebhook(
  message: DeliveryMessage,
  deps: DeliverWebhookDeps,
  options: DeliverWebhookOptions = {},
): Promise<WebhookDeliveryOutcome> {
  const { deliveries, subscriptions, clock, log, events } = deps;
  const { deliveryKey, subscriberId, storyId } = message;
  if (message.channel.kind !== 'webhook') {
    throw new InvalidMessageError(`webhook delivery failed: channel is ${message.channel.kind} (delivery ${deliveryKey})`);
  }
  const who = `subscriber ${subscriberId}, channel ${message.channel.channelId}`;

  const claim = await deliveries.begin(deliveryKey, deliveryExpiresAt(clock.now()));
  if (claim === 'sent') {
    events.emit({ type: 'delivery-skipped', channel: 'webhook', subscriberId, storyId, reason: 'already-sent' });
    return { status: 'skipped', reason: 'already-sent' };
  }

  const subscriber = await subscriptions.getSubscriber(subscriberId);
  const current = activeChannel(subscriber, message.channel.channelId, 'webhook');
  if (current.status === 'skipped') {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: `not sent: ${current.reason}` });
    log.info('webhook delivery skipped', { deliveryKey, reason: current.reason });
    return current;
  }
  const channel = current.channel;

  const permanentFailure = async (error: string): Promise<WebhookDeliveryOutcome> => {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error });
    events.emit({ type: 'delivery-failed', channel: 'webhook', subscriberId, storyId, error, permanent: true });
    log.warn('webhook delivery failed permanently', { deliveryKey, error });
    return { status: 'failed', error };
  };

  let target: URL;
  try {
    target = await assertPublicUrl(channel.url, { allowPrivateNetwork: deps.allowPrivateNetwork });
  } catch (error) {
    if (error instanceof UrlRefusedError) return permanentFailure(`webhook target refused: ${error.reason} (${who})`);
    // DNS trouble is usually passing: let SQS try again.
    throw new WebhookDeliveryError(`webhook delivery failed: ${errorMessage(error)} (${who})`, { retryable: true, cause: error });
  }

  let request: { body: string; headers: Record<string, string> };
  try {
    request = buildRequest(message, channel, target, subscriber?.webhookSecret, clock.now());
  } catch (error) {
    if (error instanceof WebhookSecretError) return permanentFailure(`${error.message} (${who})`);
    throw error;
  }

  const status = await post(target, request, deps, options.timeoutMs ?? WEBHOOK_TIMEOUT_MS, who);
  if (status.ok) {
    await deliveries.markSent(deliveryKey, { at: clock.now().toISOString(), status: status.httpStatus });
    events.emit({ type: 'delivered', channel: 'webhook', subscriberId, storyId, target: target.host });
    log.info('webhook delivered', { deliveryKey, host: target.host, status: status.httpStatus });
    return { status: 'delivered', httpStatus: status.httpStatus };
  }
  return permanentFailure(status.error);
}

/** Slack's incoming webhooks get the Slack form even when the subscriber left the format at `json`. */
export function isSlackTarget(channel: WebhookChannel, target: URL): boolean {
  return channel.format === 'slack' || target.hostname === 'hooks.slack.com';
}

function buildRequest(
  message: DeliveryMessage,
  channel: WebhookChannel,
  target: URL,
  secretValue: string | undefined,
  now: Date,
): { body: string; headers: Record<string, string> } {
  const base = { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT };
  if (isSlackTarget(channel, target)) {
    // Slack incoming webhooks authenticate by their secret URL; they ignore signature headers.
    return { body: JSON.stringify(buildSlackMessage(message)), headers: base };
  }
  const secrets = parseWebhookSecrets(secretValue);
  if (secrets.length === 0) throw new WebhookSecretError('webhook signing failed: the subscriber has no webhookSecret');
  const body = JSON.stringify(buildWebhookPayload(message, now));
  const signature = webhookSignatureHeaders({
    id: deliveryId(message.deliveryKey),
    timestamp: Math.floor(now.getTime() / 1000),
    body,
    secrets,
  });
  return { body, headers: { ...base, ...signature } };
}

type PostResult = { ok: true; httpStatus: number } | { ok: false; error: string };

/** POSTs once; returns 2xx or a permanent failure, throws the retryable ones. */
async function post(
  target: URL,
  request: { body: string; headers: Record<string, string> },
  deps: Pick<DeliverWebhookDeps, 'fetch' | 'clock' | 'allowPrivateNetwork'>,
  timeoutMs: number,
  who: string,
): Promise<PostResult> {
  const init: RequestInit & { dispatcher?: unknown } = {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    // A redirect could lead anywhere; receivers must answer directly.
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
    // The connection's own DNS lookup is guarded too, so a name that changes address after the
    // check (DNS rebinding) is still refused.
    ...(deps.allowPrivateNetwork ? {} : { dispatcher: sharedGuardedDispatcher() }),
  };
  let response: Response;
  try {
    response = await deps.fetch(target, init);
  } catch (error) {
    const refused = error instanceof Error && error.cause instanceof UrlRefusedError ? error.cause : undefined;
    if (refused) return { ok: false, error: `webhook target refused: ${refused.reason} (${who})` };
    const why = isTimeout(error) ? `timed out after ${timeoutMs / 1000} s` : `network error: ${errorMessage(error)}`;
    throw new WebhookDeliveryError(`webhook delivery failed: ${why} (${who}, host ${target.host})`, {
      retryable: true,
      cause: error,
    });
  }
  // The body is never read: we only need the status, and it must not end up in logs.
  await response.body?.cancel().catch(() => undefined);

  const httpStatus = response.status;
  if (httpStatus >= 200 && httpStatus < 300) return { ok: true, httpStatus };
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), deps.clock.now());
    throw new WebhookDeliveryError(`webhook delivery failed: HTTP ${httpStatus} (${who}, host ${target.host})`, {
      retryable: true,
      status: httpStatus,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  const why = httpStatus >= 300 && httpStatus < 400 ? `HTTP ${httpStatus} redirect (not followed)` : `HTTP ${httpStatus}`;
  return { ok: false, error: `webhook delivery failed: ${why} (${who}, host ${target.host})` };
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

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ...) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
