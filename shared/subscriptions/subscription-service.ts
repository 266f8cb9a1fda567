import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import { ProblemError } from '../core/problem.ts';
import type { EventSink } from '../core/events.ts';
import type { Mailer } from '../mail/ports.ts';
import { isSlackIncomingWebhook, webhookTargetKey } from '../outbound-http/index.ts';
import type { RateLimitStore, SubscriptionStore, TopicStore } from '../store/ports.ts';
import type { Subscriber } from '../store/records.ts';
import { SubscriberInvalidError, validateSubscriber } from './index.ts';
import { listTopics, type TopicSummary } from './list-topics.ts';
import { clientKey, takeRateLimit, type RateLimits } from './rate-limits.ts';
import { composeAlreadySubscribedEmail, composeConfirmationEmail } from './subscription-emails.ts';
import {
  checkCadenceForChannel,
  checkFilter,
  checkTopics,
  type CreateSubscriptionInput,
  type UpdateSubscriptionInput,
} from './subscription-input.ts';
import { describeCadence, subscriptionStatusOf } from './subscription-view.ts';
import {
  createConfirmToken,
  createManageToken,
  normalizeEmail,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyManageToken,
  type KeyRing,
} from './tokens/index.ts';
import { checkSlackWebhookUrl, postSlackVerification, verifyWebhookIntent } from './webhook-challenge.ts';

/** The ports the subscription service uses. */
export interface SubscriptionServiceDeps {
  subscriptions: SubscriptionStore;
  topics: TopicStore;
  rateLimits: RateLimitStore;
  mailer: Mailer;
  /** Where a sent confirmation is reported (one-process mode prints it); none when absent. */
  events?: EventSink;
  clock: Clock;
  log: Log;
  fetch: typeof globalThis.fetch;
}

export interface SubscriptionServiceSettings {
  /** Signs every token (current key) and verifies them (current or previous key). */
  tokenKeys: KeyRing;
  /** Keys the ids of email subscribers and the rate-limit counters: never rotated. */
  subscriberIdKey: string;
  /** `MAIL_FROM` */
  mailFrom: string;
  /** Webhooks on loopback / private addresses (local fixtures only). */
  allowPrivateNetwork: boolean;
  /** How long a confirmation link, and the pending subscriber, live. Default 48 h. */
  confirmHours?: number;
  limits: RateLimits;
}

/** Where a request came from and where our pages are: links in emails start at `baseUrl`. */
export interface RequestOrigin {
  /** `https://alerts.example.org` (no trailing slash). */
  baseUrl: string;
  clientIp: string;
}

export type SubscribeOutcome =
  /** Email, or Slack: a link was sent (or, to keep who is subscribed private, maybe not). */
  | { status: 'confirmation-sent'; expiresAt: Date }
  /** A JSON webhook that echoed the challenge: active now; its token and signing secret. */
  | { status: 'active'; subscriber: Subscriber; token: string; webhookSecret: string };

export type ConfirmCheck =
  | { status: 'valid'; subscriber: Subscriber; expiresAt: Date }
  | { status: 'already-confirmed'; subscriber: Subscriber; manageToken: string }
  | { status: 'invalid' | 'expired' | 'gone' };

export type ConfirmOutcome =
  | { status: 'confirmed' | 'already-confirmed'; subscriber: Subscriber; manageToken: string }
  | { status: 'invalid' | 'expired' | 'gone' };

export const DEFAULT_CONFIRM_HOURS = 48;
const EMAIL_CHANNEL_ID = 'email';
const WEBHOOK_CHANNEL_ID = 'webhook';

/**
 * Subscribing without an operator: create (double opt-in by email or Slack, a challenge for
 * JSON webhooks), confirm, read, change, pause, resume, unsubscribe and delete, for the pages
 * and the JSON API alike. Responses never reveal whether an address is already subscribed.
 */
export interface SubscriptionService {
  /** Built-in and user topics, as subscribers choose them. */
  topics(): Promise<TopicSummary[]>;
  subscribe(input: CreateSubscriptionInput, origin: RequestOrigin): Promise<SubscribeOutcome>;
  /** What a confirmation link stands for, without changing anything (the GET page). */
  checkConfirmation(token: string): Promise<ConfirmCheck>;
  confirm(token: string): Promise<ConfirmOutcome>;
  /** The subscriber a manage token names; `unauthorized` problem when the token is not ours. */
  subscriberForToken(token: string): Promise<Subscriber>;
  update(subscriber: Subscriber, change: UpdateSubscriptionInput): Promise<Subscriber>;
  /** Stops every channel (state unsubscribed); subscribing again takes a new confirmation. */
  unsubscribe(subscriber: Subscriber): Promise<void>;
  /** Deletes the subscriber and everything about it. */
  remove(subscriber: Subscriber): Promise<void>;
  manageToken(subscriberId: string): string;
  manageUrl(baseUrl: string, subscriberId: string): string;
}

export function createSubscriptionService(deps: SubscriptionServiceDeps, settings: SubscriptionServiceSettings): SubscriptionService {
  const { subscriptions, rateLimits, mailer, clock, log } = deps;
  const { tokenKeys, subscriberIdKey, limits } = settings;
  const confirmMs = (settings.confirmHours ?? DEFAULT_CONFIRM_HOURS) * 3_600_000;

  const manageToken = (subscriberId: string) => createManageToken(subscriberId, tokenKeys);
  const manageUrl = (baseUrl: string, subscriberId: string) => `${baseUrl}/manage?token=${encodeURIComponent(manageToken(subscriberId))}`;
  const confirmUrl = (baseUrl: string, subscriberId: string, expiresAt: Date) =>
    `${baseUrl}/confirm?token=${encodeURIComponent(createConfirmToken(subscriberId, tokenKeys, expiresAt))}`;

  async function topicIds(): Promise<{ ids: string[]; labels: Map<string, string> }> {
    const all = await listTopics(deps.topics);
    return { ids: all.map((t) => t.id), labels: new Map(all.map((t) => [t.id, t.label])) };
  }

  /** Validates against the subscriber rules shared with the CLI and config (one source of truth). */
  function validated(subscriber: Subscriber, knownTopicIds: string[]): Subscriber {
    try {
      return validateSubscriber(subscriber, { knownTopicIds });
    } catch (error) {
      if (error instanceof SubscriberInvalidError) {
        throw new ProblemError('invalid-input', error.problems.join('; '), {
          errors: error.problems.map((message) => ({ path: '(subscription)', message })),
        });
      }
      throw error;
    }
  }

  async function limitSubscribe(origin: RequestOrigin): Promise<void> {
    const decision = await takeRateLimit(rateLimits, limits.subscribePerClient, clientKey(origin.clientIp), subscriberIdKey, clock.now());
    if (!decision.allowed) {
      throw new ProblemError(
        'rate-limited',
        `too many subscribe requests from this address; try again in ${decision.retryAfterSeconds} s`,
        {
          headers: { 'retry-after': String(decision.retryAfterSeconds) },
        },
      );
    }
  }

  /** Whether one more message may go to this recipient; over the limit it is silently skipped. */
  async function mayMessage(recipient: string): Promise<boolean> {
    const decision = await takeRateLimit(rateLimits, limits.emailsPerRecipient, recipient, subscriberIdKey, clock.now());
    if (!decision.allowed) log.warn('subscribe message not sent: recipient rate limit reached', { rule: limits.emailsPerRecipient.name });
    return decision.allowed;
  }

  function preferences(input: CreateSubscriptionInput | UpdateSubscriptionInput) {
    return {
      ...(input.deliveryHour !== undefined ? { deliveryHour: input.deliveryHour } : {}),
      ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
      ...(input.weeklyDay !== undefined ? { weeklyDay: input.weeklyDay } : {}),
    };
  }

  async function subscribeEmail(
    input: CreateSubscriptionInput & { channel: { kind: 'email' } },
    origin: RequestOrigin,
  ): Promise<SubscribeOutcome> {
    const { ids, labels } = await topicIds();
    checkTopics(input.topics, ids);
    checkFilter(input.filter);
    await limitSubscribe(origin);

    const address = normalizeEmail(input.channel.address);
    const subscriberId = subscriberIdForEmail(address, subscriberIdKey);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + confirmMs);
    const existing = await subscriptions.getSubscriber(subscriberId);
    const status = existing ? subscriptionStatusOf(existing) : undefined;

    if (existing && (status === 'active' || status === 'paused')) {
      // Already subscribed: nothing changes (the request may not be the owner's); the owner
      // hears about it with the manage link. The caller gets the same answer either way.
      if (await mayMessage(address)) {
        const sent = await mailer.send(
          composeAlreadySubscribedEmail({ from: settings.mailFrom, to: address, manageUrl: manageUrl(origin.baseUrl, subscriberId) }),
        );
        deps.events?.emit({ type: 'subscription-email', kind: 'already-subscribed', subscriberId, messageId: sent.id });
      }
      return { status: 'confirmation-sent', expiresAt };
    }

    const subscriber = validated(
      {
        subscriberId,
        topics: [...new Set(input.topics)],
        channels: [{ kind: 'email', channelId: EMAIL_CHANNEL_ID, address }],
        minScore: input.minScore ?? 0,
        state: 'pending',
        ...(input.filter ? { filter: input.filter } : {}),
        cadence: { [EMAIL_CHANNEL_ID]: input.cadence },
        ...preferences(input),
        // A fresh start: an earlier unsubscribe of this address does not carry over.
        channelStatus: {},
        expiresAt: Math.floor(expiresAt.getTime() / 1000),
      },
      ids,
    );
    await subscriptions.putSubscriber(subscriber);
    if (await mayMessage(address)) {
      const sent = await mailer.send(
        composeConfirmationEmail({
          from: settings.mailFrom,
          to: address,
          confirmUrl: confirmUrl(origin.baseUrl, subscriberId, expiresAt),
          expiresAt,
          topicLabels: subscriber.topics.map((t) => labels.get(t) ?? t),
          cadenceText: describeCadence({ ...subscriber, cadence: input.cadence }),
        }),
      );
      deps.events?.emit({ type: 'subscription-email', kind: 'confirmation', subscriberId, messageId: sent.id });
    }
    log.info('subscription requested', { subscriberId, channel: 'email' });
    return { status: 'confirmation-sent', expiresAt };
  }

  async function subscribeWebhook(
    input: CreateSubscriptionInput & { channel: { kind: 'webhook' } },
    origin: RequestOrigin,
  ): Promise<SubscribeOutcome> {
    const { ids } = await topicIds();
    checkTopics(input.topics, ids);
    checkFilter(input.filter);
    checkCadenceForChannel('webhook', input.cadence);
    await limitSubscribe(origin);

    const channel = input.channel;
    const slack = channel.format === 'slack' || isSlackIncomingWebhook(channel.url);
    if (slack) checkSlackWebhookUrl(channel.url);
    const subscriberId = `w-${randomBytes(16).toString('hex')}`;
    const now = clock.now();
    const base = {
      subscriberId,
      topics: [...new Set(input.topics)],
      channels: [
        {
          kind: 'webhook' as const,
          channelId: WEBHOOK_CHANNEL_ID,
          url: channel.url,
          format: slack ? ('slack' as const) : ('json' as const),
        },
      ],
      minScore: input.minScore ?? 0,
      ...(input.filter ? { filter: input.filter } : {}),
      cadence: { [WEBHOOK_CHANNEL_ID]: 'instant' as const },
      ...preferences(input),
    };

    if (slack) {
      // A Slack incoming webhook cannot echo a challenge; whoever reads the channel confirms.
      const expiresAt = new Date(now.getTime() + confirmMs);
      const subscriber = validated({ ...base, state: 'pending', expiresAt: Math.floor(expiresAt.getTime() / 1000) }, ids);
      // Counted per target, not per string: a changed host case or port is the same webhook.
      if (await mayMessage(webhookTargetKey(channel.url))) {
        await postSlackVerification(channel.url, confirmUrl(origin.baseUrl, subscriberId, expiresAt), {
          fetch: deps.fetch,
          allowPrivateNetwork: settings.allowPrivateNetwork,
        });
      }
      await subscriptions.putSubscriber(subscriber);
      log.info('subscription requested', { subscriberId, channel: 'slack' });
      return { status: 'confirmation-sent', expiresAt };
    }

    await verifyWebhookIntent(channel.url, { fetch: deps.fetch, allowPrivateNetwork: settings.allowPrivateNetwork });
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const subscriber = validated({ ...base, state: 'active', webhookSecret }, ids);
    await subscriptions.putSubscriber(subscriber);
    log.info('subscription created', { subscriberId, channel: 'webhook' });
    return { status: 'active', subscriber, token: manageToken(subscriberId), webhookSecret };
  }

  async function lookUpConfirmation(token: string): Promise<ConfirmCheck> {
    const check = verifyConfirmToken(token, tokenKeys, clock.now());
    if (check.status === 'invalid') return { status: 'invalid' };
    const subscriber = await subscriptions.getSubscriber(check.subscriberId);
    if (!subscriber) return { status: check.status === 'expired' ? 'expired' : 'gone' };
    const status = subscriptionStatusOf(subscriber);
    if (status === 'active' || status === 'paused') {
      return { status: 'already-confirmed', subscriber, manageToken: manageToken(subscriber.subscriberId) };
    }
    if (status === 'unsubscribed') return { status: 'gone' };
    if (check.status === 'expired') return { status: 'expired' };
    return { status: 'valid', subscriber, expiresAt: check.expiresAt };
  }

  return {
    topics: () => listTopics(deps.topics),

    async subscribe(input, origin) {
      if (input.channel.kind === 'email') return subscribeEmail(input as CreateSubscriptionInput & { channel: { kind: 'email' } }, origin);
      return subscribeWebhook(input as CreateSubscriptionInput & { channel: { kind: 'webhook' } }, origin);
    },

    checkConfirmation: lookUpConfirmation,

    async confirm(token) {
      const check = await lookUpConfirmation(token);
      if (check.status !== 'valid') return check;
      const { expiresAt: _expiresAt, ...rest } = check.subscriber;
      const subscriber: Subscriber = { ...rest, state: 'active' };
      await subscriptions.putSubscriber(subscriber);
      log.info('subscription confirmed', { subscriberId: subscriber.subscriberId });
      return { status: 'confirmed', subscriber, manageToken: manageToken(subscriber.subscriberId) };
    },

    async subscriberForToken(token) {
      const subscriberId = verifyManageToken(token, tokenKeys);
      if (!subscriberId) {
        throw new ProblemError('unauthorized', 'the token is missing, malformed or not valid', {
          headers: { 'www-authenticate': 'Bearer realm="news-alerts"' },
        });
      }
      const subscriber = await subscriptions.getSubscriber(subscriberId);
      if (!subscriber) throw new ProblemError('not-found', 'this subscription no longer exists');
      return subscriber;
    },

    async update(subscriber, change) {
      const status = subscriptionStatusOf(subscriber);
      if (status === 'pending')
        throw new ProblemError('forbidden', 'the subscription is not confirmed yet: follow the link in the confirmation message first');
      if (status === 'unsubscribed') throw new ProblemError('not-found', 'this subscription was cancelled: subscribe again to get news');
      const { ids } = await topicIds();
      if (change.topics) checkTopics(change.topics, ids);
      checkFilter(change.filter);
      // A cadence applies to the email channels: webhooks get each story at once.
      const emailChannels = subscriber.channels.filter((c) => c.kind === 'email');
      checkCadenceForChannel(emailChannels.length > 0 ? 'email' : 'webhook', change.cadence);
      const cadence = change.cadence;

      const { filter: oldFilter, ...rest } = subscriber;
      const filter = change.filter === undefined ? oldFilter : change.filter || undefined;
      const next: Subscriber = validated(
        {
          ...rest,
          ...(change.topics ? { topics: [...new Set(change.topics)] } : {}),
          ...(filter ? { filter } : {}),
          ...(change.minScore !== undefined ? { minScore: change.minScore } : {}),
          ...(cadence
            ? { cadence: { ...subscriber.cadence, ...Object.fromEntries(emailChannels.map((c) => [c.channelId, cadence])) } }
            : {}),
          ...preferences(change),
        },
        ids,
      );
      const prefsChanged = Object.keys(change).some((key) => key !== 'state');
      if (prefsChanged) await subscriptions.putSubscriber(next);
      if (change.state === 'paused' && subscriber.state !== 'paused') {
        await subscriptions.updateStatus(subscriber.subscriberId, { state: 'paused', reason: 'paused by the subscriber' });
        next.state = 'paused';
      } else if (change.state === 'active') {
        // Resuming also lifts system pauses (a webhook that answered 410): the owner says it is fixed.
        const lifted = Object.fromEntries(
          Object.entries(subscriber.channelStatus ?? {})
            .filter(([, s]) => s.state === 'paused')
            .map(([channelId]) => [channelId, null]),
        );
        await subscriptions.updateStatus(subscriber.subscriberId, {
          state: 'active',
          reason: 'resumed by the subscriber',
          channelStatus: lifted,
        });
        next.state = 'active';
        if (next.channelStatus) for (const channelId of Object.keys(lifted)) delete next.channelStatus[channelId];
      }
      log.info('subscription updated', { subscriberId: subscriber.subscriberId, fields: Object.keys(change).join(',') });
      return next;
    },

    async unsubscribe(subscriber) {
      await subscriptions.updateStatus(subscriber.subscriberId, { state: 'unsubscribed', reason: 'unsubscribed on the manage page' });
      log.info('subscription cancelled', { subscriberId: subscriber.subscriberId });
    },

    async remove(subscriber) {
      await subscriptions.removeSubscriber(subscriber.subscriberId);
      log.info('subscription deleted', { subscriberId: subscriber.subscriberId });
    },

    manageToken,
    manageUrl,
  };
}
