import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { isRetryable } from '../core/errors.ts';
import type { Log } from '../core/logger.ts';
import { redactAddress } from '../core/redact-address.ts';
import type { Mailer } from '../mail/ports.ts';
import type { Channel, DeliveryMessage } from '../messages/schemas.ts';
import { assertPublicUrl, UrlRefusedError } from '../outbound-http/index.ts';
import type { Subscriber } from '../store/records.ts';
import { channelStateOf } from '../subscriptions/index.ts';
import { composeAlertEmail, type ComposeAlertEmailOptions } from './compose-alert-email.ts';
import { isSlackTarget, signedWebhookRequest } from './deliver-webhook.ts';
import { WebhookDeliveryError } from './errors.ts';
import { errorMessage, postWebhook, type PostOutcome } from './post-webhook.ts';
import { buildSlackBatchMessage } from './slack-message.ts';

/** What a test alert needs: the same transports real deliveries use, and nothing that records. */
export interface TestAlertDeps {
  fetch: typeof globalThis.fetch;
  clock: Clock;
  mailer: Mailer;
  log: Log;
  /** Targets on loopback / private networks allowed (local fixtures only), as for deliveries. */
  allowPrivateNetwork: boolean;
}

export interface TestAlertOptions {
  /** Sender and unsubscribe links of the test email, as for real alerts. */
  email: ComposeAlertEmailOptions;
  /** Longest each channel's send may take (default 5 s): the HTTP API answers within its own timeout. */
  timeoutMs?: number;
}

/** What one channel's receiver answered to the test alert. */
export interface ChannelTestResult {
  channelId: string;
  /** `webhook` (signed JSON), `slack` (Block Kit) or `email`. */
  kind: 'webhook' | 'slack' | 'email';
  /** Where it went: the webhook's host, or the address shortened (`a***@example.org`). */
  target: string;
  /** `sent`: the receiver took it; `failed`: it did not; `skipped`: the channel is not active. */
  outcome: 'sent' | 'failed' | 'skipped';
  /** The receiver's HTTP status (webhook, Slack), when it answered. */
  httpStatus?: number;
  /** The start of the receiver's answer (at most 200 characters), or the mail transport's receipt. */
  answer?: string;
  /** Why it failed or was skipped. */
  error?: string;
}

/** The answer of {@link sendTestAlert}: one result per channel; `ok` when each active channel took it. */
export interface TestAlertReport {
  subscriberId: string;
  /** The made-up story's id (`test-…`), in every channel's message. */
  storyId: string;
  ok: boolean;
  channels: ChannelTestResult[];
}

/** Default bound of each channel's send: the http-api function has 10 s for the whole request. */
const TEST_ALERT_TIMEOUT_MS = 5000;
const ANSWER_CHARS = 200;

/**
 * Sends a clearly marked test alert to each channel of a subscriber, at once and in parallel,
 * through the same code as real deliveries: the signed JSON payload (with `"test": true`), the
 * Slack message, the alert email through the configured mailer — each titled "[test] …". It
 * writes no delivery marker, adds nothing to digests, counts toward no rate limit and never
 * pauses a channel, so it cannot be confused with, hold back or repeat a real delivery. A
 * channel that is not active (the subscriber pending or paused, the channel paused or
 * unsubscribed) is skipped: a test must not reach someone who has not asked, or asked to stop.
 */
export async function sendTestAlert(subscriber: Subscriber, deps: TestAlertDeps, options: TestAlertOptions): Promise<TestAlertReport> {
  const now = deps.clock.now();
  const storyId = `test-${randomUUID()}`;
  const channels = await Promise.all(subscriber.channels.map((channel) => testChannel(subscriber, channel, storyId, now, deps, options)));
  for (const result of channels) {
    deps.log.info('test alert', { subscriberId: subscriber.subscriberId, channelId: result.channelId, outcome: result.outcome });
  }
  const sent = channels.filter((result) => result.outcome === 'sent').length;
  return {
    subscriberId: subscriber.subscriberId,
    storyId,
    ok: sent > 0 && channels.every((result) => result.outcome !== 'failed'),
    channels,
  };
}

/** The made-up story of a test alert, as a delivery message to `channel`. */
function testAlertMessage(subscriber: Subscriber, channel: Channel, storyId: string, now: Date): DeliveryMessage {
  const published = now.toISOString();
  return {
    version: 1,
    deliveryKey: `${subscriber.subscriberId}#${storyId}#${channel.channelId}`,
    subscriberId: subscriber.subscriberId,
    channel,
    storyId,
    item: {
      itemKey: `test#${storyId}`,
      feedId: 'test',
      source: 'news-alerts (test)',
      guid: null,
      link: null,
      title: '[test] news-alerts test alert: this channel is wired correctly',
      summary:
        'An operator sent this test alert to check the channel. It is not news: it was not recorded as a delivery and will not appear in a digest.',
      published,
      author: null,
      categories: [],
    },
    topics: subscriber.topics.map((topic) => ({ topic, label: topic, score: 1, matched: [] })),
    publishedAt: published,
  };
}

async function testChannel(
  subscriber: Subscriber,
  channel: Channel,
  storyId: string,
  now: Date,
  deps: TestAlertDeps,
  options: TestAlertOptions,
): Promise<ChannelTestResult> {
  const base =
    channel.kind === 'email'
      ? { channelId: channel.channelId, kind: 'email' as const, target: redactAddress(channel.address) }
      : {
          channelId: channel.channelId,
          kind: channel.format === 'slack' ? ('slack' as const) : ('webhook' as const),
          target: hostOf(channel.url),
        };
  const inactive = subscriber.state !== 'active' ? `subscriber is ${subscriber.state}` : inactiveChannel(subscriber, channel.channelId);
  if (inactive) return { ...base, outcome: 'skipped', error: `not sent: ${inactive}` };
  const message = testAlertMessage(subscriber, channel, storyId, now);
  const timeoutMs = options.timeoutMs ?? TEST_ALERT_TIMEOUT_MS;
  try {
    if (channel.kind === 'email') {
      const email = composeAlertEmail(message, options.email);
      const sent = await withTimeout(
        deps.mailer.send({ ...email, subscriberChannel: { subscriberId: subscriber.subscriberId, channelId: channel.channelId } }),
        timeoutMs,
        'the mail transport',
      );
      return { ...base, outcome: 'sent', answer: excerpt(sent.receipt ?? `accepted as ${sent.id}`) };
    }
    const target = await assertPublicUrl(channel.url, { allowPrivateNetwork: deps.allowPrivateNetwork });
    const who = `subscriber ${subscriber.subscriberId}, channel ${channel.channelId}, test alert`;
    const slack = isSlackTarget(channel, target);
    // Slack: one message, posted directly rather than through the pacer, whose slots live in the
    // deliveries table (the http-api function has no access to it, and a test is no delivery).
    const request = slack
      ? { body: JSON.stringify(buildSlackBatchMessage([{ item: message.item, topics: message.topics }])), headers: {} }
      : signedWebhookRequest(message, subscriber, now, { test: true });
    const outcome: PostOutcome = await postWebhook(target, request, deps, { who, timeoutMs });
    const kind = slack ? ('slack' as const) : base.kind;
    if (outcome.kind === 'refused') return { ...base, kind, outcome: 'failed', error: outcome.error };
    const answer = excerpt(outcome.body);
    if (outcome.kind === 'ok') return { ...base, kind, outcome: 'sent', httpStatus: outcome.httpStatus, ...(answer ? { answer } : {}) };
    return { ...base, kind, outcome: 'failed', httpStatus: outcome.httpStatus, ...(answer ? { answer } : {}), error: outcome.error };
  } catch (error) {
    const status = error instanceof WebhookDeliveryError ? error.status : undefined;
    const answer = error instanceof WebhookDeliveryError && error.answer ? excerpt(error.answer) : undefined;
    const reason =
      error instanceof UrlRefusedError
        ? `webhook target refused: ${error.reason}`
        : error instanceof WebhookDeliveryError
          ? error.message
          : `${isRetryable(error) ? 'passing failure: ' : ''}${errorMessage(error)}`;
    return {
      ...base,
      outcome: 'failed',
      ...(status === undefined ? {} : { httpStatus: status }),
      ...(answer ? { answer } : {}),
      error: reason,
    };
  }
}

function inactiveChannel(subscriber: Subscriber, channelId: string): string | undefined {
  const state = channelStateOf(subscriber, channelId);
  return state === 'active' ? undefined : `channel is ${state}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > ANSWER_CHARS ? `${line.slice(0, ANSWER_CHARS - 1)}…` : line;
}

/** `work`, or a passing failure once `ms` have passed (the work itself is left to finish). */
async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
