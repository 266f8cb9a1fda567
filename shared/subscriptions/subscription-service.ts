import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import type { EventSink } from '../core/events.ts';
import { ProblemError } from '../core/problem.ts';
import type { Mailer } from '../mail/ports.ts';
import { isSlackIncomingWebhook, webhookTargetKey } from '../outbound-http/index.ts';
import type { RateLimitStore, SubscriptionStore, TopicStore } from '../store/ports.ts';
import type { Subscriber } from '../store/records.ts';
import { SubscriberInvalidError, validateSubscriber } from './index.ts';
import { listTopics, type TopicSummary } from './list-topics.ts';
import { clientKey, mailboxKey, takeRateLimit, type RateLimits } from './rate-limits.ts';
import { composeAlreadySubscribedEmail, composeConfirmationEmail, composeManageLinkEmail } from './subscription-emails.ts';
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
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyManageLinkToken,
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
  /** How long a confirmation link, and the pending request, live. Default 48 h. */
  confirmHours?: number;
  /** How long an emailed manage link works. Default 24 h. */
  manageLinkHours?: number;
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
  /** The request the link was issued for, still pending: `subscriber` is what confirming makes active. */
  | { status: 'valid'; subscriber: Subscriber; expiresAt: Date }
  /** `gone`: used, superseded by a newer request, or the request is no more. */
  | { status: 'invalid' | 'expired' | 'gone' };

export type ConfirmOutcome =
  | { status: 'confirmed'; subscriber: Subscriber; manageToken: string }
  | { status: 'invalid' | 'expired' | 'gone' };

/** Asking for a fresh manage link: the same answer whoever the token names (or `invalid` for a token not ours). */
export type ManageLinkOutcome = { status: 'requested' } | { status: 'invalid' };

export const DEFAULT_CONFIRM_HOURS = 48;
export const DEFAULT_MANAGE_LINK_HOURS = 24;
const EMAIL_CHANNEL_ID = 'email';
const WEBHOOK_CHANNEL_ID = 'webhook';

/**
 * Subscribing without an operator: create (double opt-in by email or Slack, a challenge for
 * JSON webhooks), confirm, read, change, pause, resume, unsubscribe and delete, for the pages
 * and the JSON API alike. Responses never reveal whether an address is already subscribed, and
 * nor does the work behind them: a subscribe request for an email address reads, counts and
 * writes the same whether or not the address is subscribed.
 *
 * A subscribe request is stored beside the subscription (the subscriber's access record), never
 * in it, with a nonce only its confirmation link carries: confirming takes that one request
 * (once), and a newer request replaces it, so an old link never activates someone else's
 * preferences. Manage tokens carry the subscriber's token version: a fresh emailed link, a
 * confirmation and an unsubscribe each set a new version, revoking every manage token before.
 */
export interface SubscriptionService {
  /** Built-in and user topics, as subscribers choose them. */
  topics(): Promise<TopicSummary[]>;
  subscribe(input: CreateSubscriptionInput, origin: RequestOrigin): Promise<SubscribeOutcome>;
  /** What a confirmation link stands for, without changing anything (the GET page). */
  checkConfirmation(token: string): Promise<ConfirmCheck>;
  confirm(token: string): Promise<ConfirmOutcome>;
  /**
   * The subscriber a manage token names; `unauthorized` problem when the token is not ours, has
   * expired or was revoked, `not-found` when the subscriber is gone.
   */
  subscriberForToken(token: string): Promise<Subscriber>;
  update(subscriber: Subscriber, change: UpdateSubscriptionInput): Promise<Subscriber>;
  /** Stops every channel (state unsubscribed) and revokes every manage token; subscribing again takes a new confirmation. */
  unsubscribe(subscriber: Subscriber): Promise<void>;
  /** Deletes the subscriber and everything about it (its tokens die with it). */
  remove(subscriber: Subscriber): Promise<void>;
  /**
   * The footer's "manage" link: emails the subscriber a fresh manage link (revoking older ones)
   * when it is still subscribed by email. The bearer only learns that a link may be on its way.
   */
  emailManageLink(manageLinkToken: string, origin: RequestOrigin): Promise<ManageLinkOutcome>;
  /**
   * The manage page's URL for a valid manage token, re-signed with the current key (after a key
   * rotation) but with the same version and expiry: it lives no longer than the token given.
   */
  manageUrl(baseUrl: string, token: string): string;
}

export function createSubscriptionService(deps: SubscriptionServiceDeps, settings: SubscriptionServiceSettings): SubscriptionService {
  const { subscriptions, rateLimits, mailer, clock, log } = deps;
  const { tokenKeys, subscriberIdKey, limits } = settings;
  const confirmMs = (settings.confirmHours ?? DEFAULT_CONFIRM_HOURS) * 3_600_000;
  const manageLinkMs = (settings.manageLinkHours ?? DEFAULT_MANAGE_LINK_HOURS) * 3_600_000;

  const manageUrl = (baseUrl: string, token: string) => `${baseUrl}/manage?token=${encodeURIComponent(token)}`;
  function resignedManageUrl(baseUrl: string, token: string): string {
    const subject = verifyManageToken(token, tokenKeys, clock.now());
    if (!subject) return manageUrl(baseUrl, token);
    return manageUrl(
      baseUrl,
      createManageToken(subject.subscriberId, tokenKeys, { version: subject.version, expiresAt: subject.expiresAt }),
    );
  }
  const confirmUrl = (baseUrl: string, subscriberId: string, expiresAt: Date, nonce: string) =>
    `${baseUrl}/confirm?token=${encodeURIComponent(createConfirmToken(subscriberId, tokenKeys, expiresAt, nonce))}`;
  /** A new token version or request nonce: unguessable, never reused. */
  const freshSecret = (bytes: number) => randomBytes(bytes).toString('base64url');

  /**
   * A manage token under `version`. Email subscribers' tokens expire (a fresh one is a click
   * away in any email); a webhook's is its API key and cannot be re-sent, so it only gets revoked.
   */
  function issueManageToken(subscriber: Subscriber, version: string): { token: string; expiresAt?: Date } {
    const emailed = subscriber.channels.some((c) => c.kind === 'email');
    const expiresAt = emailed ? new Date(clock.now().getTime() + manageLinkMs) : undefined;
    return { token: createManageToken(subscriber.subscriberId, tokenKeys, { version, expiresAt }), ...(expiresAt ? { expiresAt } : {}) };
  }

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

  /**
   * Whether one more message may go to this recipient (an email's mailbox, see `mailboxKey`, or
   * a Slack URL); over the limit it is silently skipped.
   */
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

  function isSubscribed(subscriber: Subscriber | undefined): subscriber is Subscriber {
    if (!subscriber) return false;
    const status = subscriptionStatusOf(subscriber);
    return status === 'active' || status === 'paused';
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
    const expiresAt = new Date(clock.now().getTime() + confirmMs);
    const expiresAtSeconds = Math.floor(expiresAt.getTime() / 1000);
    const requested = validated(
      {
        subscriberId,
        topics: [...new Set(input.topics)],
        channels: [{ kind: 'email', channelId: EMAIL_CHANNEL_ID, address }],
        minScore: input.minScore ?? 0,
        state: 'pending',
        ...(input.filter ? { filter: input.filter } : {}),
        cadence: { [EMAIL_CHANNEL_ID]: input.cadence },
        ...preferences(input),
      },
      ids,
    );

    // From here on both paths do the same work: one subscriber read, one recipient count, one
    // write of the access record, one email. Only what is written and said differs.
    const existing = await subscriptions.getSubscriber(subscriberId);
    const subscribed = isSubscribed(existing);
    if (!(await mayMessage(mailboxKey(address)))) return { status: 'confirmation-sent', expiresAt };

    if (subscribed) {
      // Already subscribed: the subscription does not change (the request may not be the
      // owner's); the owner hears about it with a fresh manage link.
      const version = freshSecret(9);
      await subscriptions.updateAccess(subscriberId, { tokenVersion: version, expiresAt: null });
      const manage = issueManageToken(existing, version);
      const sent = await mailer.send(
        composeAlreadySubscribedEmail({ from: settings.mailFrom, to: address, manageUrl: manageUrl(origin.baseUrl, manage.token) }),
      );
      deps.events?.emit({ type: 'subscription-email', kind: 'already-subscribed', subscriberId, messageId: sent.id });
    } else {
      // A new request replaces any earlier one, whose link dies with it; the record expires
      // with the request (an unsubscribed subscriber's token version goes too: none verifies).
      const nonce = freshSecret(18);
      await subscriptions.updateAccess(subscriberId, {
        request: { subscriber: requested, nonce, expiresAt: expiresAtSeconds },
        expiresAt: expiresAtSeconds,
      });
      const sent = await mailer.send(
        composeConfirmationEmail({
          from: settings.mailFrom,
          to: address,
          confirmUrl: confirmUrl(origin.baseUrl, subscriberId, expiresAt, nonce),
          expiresAt,
          topicLabels: requested.topics.map((t) => labels.get(t) ?? t),
          cadenceText: describeCadence({ ...requested, cadence: input.cadence }),
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
      const expiresAtSeconds = Math.floor(expiresAt.getTime() / 1000);
      const requested = validated({ ...base, state: 'pending' }, ids);
      // Counted per target, not per string: a changed host case or port is the same webhook.
      if (await mayMessage(webhookTargetKey(channel.url))) {
        const nonce = freshSecret(18);
        // Stored first, so a quick click finds it; a failed post leaves a request nobody can confirm.
        await subscriptions.updateAccess(subscriberId, {
          request: { subscriber: requested, nonce, expiresAt: expiresAtSeconds },
          expiresAt: expiresAtSeconds,
        });
        await postSlackVerification(channel.url, confirmUrl(origin.baseUrl, subscriberId, expiresAt, nonce), {
          fetch: deps.fetch,
          allowPrivateNetwork: settings.allowPrivateNetwork,
        });
      }
      log.info('subscription requested', { subscriberId, channel: 'slack' });
      return { status: 'confirmation-sent', expiresAt };
    }

    await verifyWebhookIntent(channel.url, { fetch: deps.fetch, allowPrivateNetwork: settings.allowPrivateNetwork });
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const subscriber = validated({ ...base, state: 'active', webhookSecret }, ids);
    const version = freshSecret(9);
    await subscriptions.updateAccess(subscriberId, { tokenVersion: version, expiresAt: null });
    await subscriptions.putSubscriber(subscriber);
    log.info('subscription created', { subscriberId, channel: 'webhook' });
    return { status: 'active', subscriber, token: issueManageToken(subscriber, version).token, webhookSecret };
  }

  async function lookUpConfirmation(token: string): Promise<ConfirmCheck & { nonce?: string }> {
    const now = clock.now();
    const check = verifyConfirmToken(token, tokenKeys, now);
    if (check.status !== 'valid') return { status: check.status };
    const request = (await subscriptions.getAccess(check.subscriberId))?.request;
    // Used, superseded, or expired and swept: the link confirms this one request or nothing.
    if (!request || !secretsEqual(request.nonce, check.nonce)) return { status: 'gone' };
    if (request.expiresAt * 1000 <= now.getTime()) return { status: 'expired' };
    return { status: 'valid', subscriber: request.subscriber, expiresAt: check.expiresAt, nonce: check.nonce };
  }

  return {
    topics: () => listTopics(deps.topics),

    async subscribe(input, origin) {
      if (input.channel.kind === 'email') return subscribeEmail(input as CreateSubscriptionInput & { channel: { kind: 'email' } }, origin);
      return subscribeWebhook(input as CreateSubscriptionInput & { channel: { kind: 'webhook' } }, origin);
    },

    async checkConfirmation(token) {
      const { nonce: _nonce, ...check } = await lookUpConfirmation(token);
      return check as ConfirmCheck;
    },

    async confirm(token) {
      const check = await lookUpConfirmation(token);
      if (check.status !== 'valid' || check.nonce === undefined) return { status: check.status === 'valid' ? 'invalid' : check.status };
      const subscriberId = check.subscriber.subscriberId;
      const version = freshSecret(9);
      // Takes the request only if it is still this one: a second post of the link, or one racing
      // a newer request, finds it gone.
      const taken = await subscriptions.updateAccess(
        subscriberId,
        { request: null, tokenVersion: version, expiresAt: null },
        { ifNonce: check.nonce },
      );
      if (!taken) return { status: 'gone' };
      const { expiresAt: _expiresAt, ...rest } = check.subscriber;
      // A fresh start: an earlier unsubscribe of this address does not carry over.
      const subscriber: Subscriber = { ...rest, state: 'active', channelStatus: {} };
      await subscriptions.putSubscriber(subscriber);
      log.info('subscription confirmed', { subscriberId });
      return { status: 'confirmed', subscriber, manageToken: issueManageToken(subscriber, version).token };
    },

    async subscriberForToken(token) {
      const unauthorized = () =>
        new ProblemError('unauthorized', 'the token is missing, malformed, expired or no longer valid', {
          headers: { 'www-authenticate': 'Bearer realm="news-alerts"' },
        });
      const subject = verifyManageToken(token, tokenKeys, clock.now());
      if (!subject) throw unauthorized();
      const [subscriber, access] = await Promise.all([
        subscriptions.getSubscriber(subject.subscriberId),
        subscriptions.getAccess(subject.subscriberId),
      ]);
      if (!subscriber) throw new ProblemError('not-found', 'this subscription no longer exists');
      const current = access?.tokenVersion;
      // A token without a version predates versions: only a webhook's API key (which cannot be
      // emailed afresh) keeps working, until its first revocation; emailed ones must be renewed.
      const valid =
        subject.version !== undefined
          ? current !== undefined && secretsEqual(subject.version, current)
          : current === undefined && !subscriber.channels.some((c) => c.kind === 'email');
      if (!valid) throw unauthorized();
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
      await subscriptions.updateAccess(subscriber.subscriberId, { tokenVersion: freshSecret(9) });
      log.info('subscription cancelled', { subscriberId: subscriber.subscriberId });
    },

    async remove(subscriber) {
      await subscriptions.removeSubscriber(subscriber.subscriberId);
      log.info('subscription deleted', { subscriberId: subscriber.subscriberId });
    },

    async emailManageLink(manageLinkToken, origin) {
      const subscriberId = verifyManageLinkToken(manageLinkToken, tokenKeys);
      if (!subscriberId) return { status: 'invalid' };
      const subscriber = await subscriptions.getSubscriber(subscriberId);
      const email = isSubscribed(subscriber)
        ? subscriber.channels.find((c) => c.kind === 'email' && subscriber.channelStatus?.[c.channelId]?.state !== 'unsubscribed')
        : undefined;
      if (!subscriber || email?.kind !== 'email') return { status: 'requested' };
      if (!(await mayMessage(mailboxKey(email.address)))) return { status: 'requested' };
      const version = freshSecret(9);
      await subscriptions.updateAccess(subscriberId, { tokenVersion: version, expiresAt: null });
      const manage = issueManageToken(subscriber, version);
      await mailer.send(
        composeManageLinkEmail({
          from: settings.mailFrom,
          to: email.address,
          manageUrl: manageUrl(origin.baseUrl, manage.token),
          expiresAt: manage.expiresAt ?? new Date(clock.now().getTime() + manageLinkMs),
        }),
      );
      log.info('manage link sent', { subscriberId });
      return { status: 'requested' };
    },

    manageUrl: resignedManageUrl,
  };
}
