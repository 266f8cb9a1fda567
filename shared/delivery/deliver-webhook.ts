import type { Clock } from '../core/clock.ts';
import { InvalidMessageError } from '../core/errors.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { DeliveryMessage, WebhookChannel } from '../messages/schemas.ts';
import { assertPublicUrl, isSlackIncomingWebhook, UrlRefusedError } from '../outbound-http/index.ts';
import type { DeliveryLease, DeliveryStore, SubscriptionStore } from '../store/ports.ts';
import type { Subscriber } from '../store/records.ts';
import { WebhookSecretError, webhookSecretsOf } from '../subscriptions/index.ts';
import { activeChannel, type SkipReason } from './active-channel.ts';
import { alsoReportedBy } from './also-reported-by.ts';
import { countPermanentFailure, pauseChannel, type ChannelRef } from './channel-health.ts';
import { deliveryId } from './delivery-id.ts';
import { holdForSend, sendLeaseMs, underDeliveryLease } from './delivery-lease.ts';
import { publishedAtOf, timesOf } from './published-at.ts';
import { type DeliveryBusyError, WebhookDeliveryError } from './errors.ts';
import { errorMessage, postWebhook, WEBHOOK_TIMEOUT_MS } from './post-webhook.ts';
import { webhookSignatureHeaders } from './sign-webhook.ts';
import { createSlackSender, type SlackSender } from './slack-sender.ts';
import { buildWebhookPayload } from './webhook-payload.ts';

export { parseRetryAfter, WEBHOOK_TIMEOUT_MS, WEBHOOK_USER_AGENT } from './post-webhook.ts';

export interface DeliverWebhookDeps {
  deliveries: DeliveryStore;
  /**
   * Where the subscriber (state, current channel, signing secrets) is read — secrets never travel
   * in messages — and where a channel whose receiver is gone is paused.
   */
  subscriptions: Pick<SubscriptionStore, 'getSubscriber' | 'updateStatus'>;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  log: Log;
  events: EventSink;
  /**
   * Allow targets on loopback / private networks (env ALLOW_PRIVATE_NETWORK, local fixtures only).
   * Otherwise the SSRF guard checks the URL first and again on the connection's own DNS lookup.
   */
  allowPrivateNetwork: boolean;
  /**
   * Paces and batches Slack posts per webhook URL. Pass one sender for all the messages of a
   * handler (deliveries of one batch then share messages); one is created per call otherwise.
   */
  slack?: SlackSender;
}

export interface DeliverWebhookOptions {
  /** Abort the POST after this long (default 10 s); a timeout is retried. */
  timeoutMs?: number;
}

export type WebhookDeliveryOutcome =
  | { status: 'delivered'; httpStatus: number }
  | { status: 'skipped'; reason: 'already-sent' | SkipReason }
  | { status: 'failed'; error: string; paused: boolean };

/**
 * Delivers one story to one webhook channel, at most once per deliveryKey as far as our records
 * go (a resend after an unconfirmed attempt carries the same `webhook-id`).
 *
 * Outcomes: already sent → skipped; another attempt holding the delivery's lease (a duplicate
 * message handled at the same moment) → a retryable {@link DeliveryBusyError}, nothing sent or
 * recorded (see delivery-lease.ts); subscriber gone or inactive, channel removed, paused or
 * unsubscribed → recorded and skipped; 2xx → recorded as sent; 408 / 429 / 5xx / network error /
 * timeout → a retryable {@link WebhookDeliveryError} is thrown (the consumer delays the retry,
 * then SQS dead-letters it); any other answer → recorded as a permanent failure and the message
 * succeeds. The channel is paused, with the reason stored, when the receiver says it is gone
 * (410; for Slack also 404 and 403 invalid_token / channel_not_found), when the target is refused
 * by the SSRF guard or cannot be signed for, and after repeated permanent failures.
 *
 * Slack channels (format `slack`, or a Slack incoming-webhook URL) get Block Kit through the
 * {@link SlackSender}: one message per second per webhook at most, stories that queued up sent
 * together. JSON channels get the version 1 payload signed per Standard Webhooks with every
 * secret the subscriber holds (two during a rotation).
 */
export async function deliverWebhook(
  message: DeliveryMessage,
  deps: DeliverWebhookDeps,
  options: DeliverWebhookOptions = {},
): Promise<WebhookDeliveryOutcome> {
  const { deliveryKey, subscriberId, storyId } = message;
  if (message.channel.kind !== 'webhook') {
    throw new InvalidMessageError(`webhook delivery failed: channel is ${message.channel.kind} (delivery ${deliveryKey})`);
  }

  const channel = message.channel;
  return underDeliveryLease({ deliveryKey, subscriberId, storyId, channel: 'webhook' }, deps, (lease) =>
    deliverClaimed(message, channel, lease, deps, options),
  );
}

/** The delivery once its marker is ours: checks, sends (renewing the lease first), records. */
async function deliverClaimed(
  message: DeliveryMessage,
  queued: WebhookChannel,
  lease: DeliveryLease,
  deps: DeliverWebhookDeps,
  options: DeliverWebhookOptions,
): Promise<WebhookDeliveryOutcome> {
  const { deliveries, subscriptions, clock, events } = deps;
  const { deliveryKey, subscriberId, storyId } = message;
  const who = `subscriber ${subscriberId}, channel ${queued.channelId}`;
  const ref: ChannelRef = { subscriberId, channelId: queued.channelId, kind: 'webhook' };

  const subscriber = await subscriptions.getSubscriber(subscriberId);
  const current = activeChannel(subscriber, queued.channelId, 'webhook');
  if (current.status === 'skipped') {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error: `not sent: ${current.reason}` });
    events.emit({ type: 'delivery-skipped', channel: 'webhook', subscriberId, storyId, deliveryKey, reason: current.reason });
    return current;
  }
  const channel = current.channel;

  const fail = async (error: string, pause: 'now' | 'if-repeated'): Promise<WebhookDeliveryOutcome> => {
    await deliveries.markFailed(deliveryKey, { at: clock.now().toISOString(), error });
    events.emit({ type: 'delivery-failed', channel: 'webhook', subscriberId, storyId, deliveryKey, error, permanent: true });
    let paused = false;
    if (pause === 'now') {
      await pauseChannel(ref, error, deps);
      paused = true;
    } else {
      paused = await countPermanentFailure(ref, error, deps);
    }
    return { status: 'failed', error, paused };
  };

  let target: URL;
  try {
    target = await assertPublicUrl(channel.url, { allowPrivateNetwork: deps.allowPrivateNetwork });
  } catch (error) {
    if (error instanceof UrlRefusedError) return fail(`webhook target refused: ${error.reason} (${who})`, 'now');
    // DNS trouble is usually passing: let SQS try again.
    throw new WebhookDeliveryError(`webhook delivery failed: ${errorMessage(error)} (${who})`, { retryable: true, cause: error });
  }

  const delivered = async (httpStatus: number, stories?: number): Promise<WebhookDeliveryOutcome> => {
    await deliveries.markSent(deliveryKey, { at: clock.now().toISOString(), status: httpStatus, ...timesOf(message) });
    events.emit({
      type: 'delivered',
      channel: 'webhook',
      subscriberId,
      storyId,
      deliveryKey,
      target: target.host,
      ...(stories !== undefined && stories > 1 ? { stories } : {}),
      ...publishedAtOf(message),
      httpStatus,
    });
    return { status: 'delivered', httpStatus };
  };

  if (isSlackTarget(channel, target)) {
    // Slack incoming webhooks authenticate by their secret URL; they ignore signature headers.
    const slack = deps.slack ?? createSlackSender(deps, options);
    const story = { item: message.item, topics: message.topics, alsoReportedBy: alsoReportedBy(message) };
    // The sender renews the lease once it has a send slot, right before the post that carries the story.
    const outcome = await slack.send(target, story, who, (leaseMs) => holdForSend(deliveries, deliveryKey, lease, leaseMs, clock));
    switch (outcome.kind) {
      case 'ok':
        return delivered(outcome.httpStatus, outcome.stories);
      case 'gone':
      case 'refused':
        return fail(outcome.error, 'now');
      case 'rejected':
        return fail(outcome.error, 'if-repeated');
    }
  }

  let request: { body: string; headers: Record<string, string> };
  try {
    request = signedWebhookRequest(message, subscriber!, clock.now());
  } catch (error) {
    if (error instanceof WebhookSecretError) return fail(`${error.message} (${who})`, 'now');
    throw error;
  }
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  await holdForSend(deliveries, deliveryKey, lease, sendLeaseMs(timeoutMs), clock);
  const outcome = await postWebhook(target, request, deps, { who, timeoutMs });
  switch (outcome.kind) {
    case 'ok':
      return delivered(outcome.httpStatus);
    case 'refused':
      return fail(outcome.error, 'now');
    case 'rejected':
      // 410 Gone: the receiver tells us the endpoint will not come back.
      return fail(outcome.error, outcome.httpStatus === 410 ? 'now' : 'if-repeated');
  }
}

/** Slack's incoming webhooks get the Slack form even when the subscriber left the format at `json`. */
export function isSlackTarget(channel: WebhookChannel, target: URL): boolean {
  return channel.format === 'slack' || isSlackIncomingWebhook(target);
}

/**
 * The version 1 JSON body and its Standard Webhooks headers, signed with every secret held;
 * `test` marks a test alert (`"test": true`).
 */
export function signedWebhookRequest(
  message: DeliveryMessage,
  subscriber: Subscriber,
  now: Date,
  options: { test?: boolean } = {},
): { body: string; headers: Record<string, string> } {
  const secrets = webhookSecretsOf(subscriber);
  if (secrets.length === 0) throw new WebhookSecretError('webhook signing failed: the subscriber has no webhookSecret');
  const body = JSON.stringify(buildWebhookPayload(message, now, options));
  const headers = webhookSignatureHeaders({
    id: deliveryId(message.deliveryKey),
    timestamp: Math.floor(now.getTime() / 1000),
    body,
    secrets,
  });
  return { body, headers };
}
