import { describe, expect, it } from 'vitest';
import { isSlackTarget, parseRetryAfter } from '../../../shared/delivery/deliver-webhook.ts';
import { deliveryExpiresAt, deliveryId } from '../../../shared/delivery/delivery-id.ts';
import { deliveriesFor, deliveryKeyOf, firstReachingTopic } from '../../../shared/fanout/fan-out.ts';
import { safeFileId } from '../../../shared/mail/outbox-mailer.ts';
import { toMailSendError } from '../../../shared/mail/smtp-mailer.ts';
import type { AlertMessage } from '../../../shared/messages/schemas.ts';
import { deliveryMessage, subscriber } from './fixtures.ts';

const now = new Date('2025-02-24T15:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores the unreadable', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Mon, 24 Feb 2025 15:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Mon, 24 Feb 2025 14:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('toMailSendError', () => {
  it('treats 5xx answers to the envelope or message as permanent, everything else as retryable', () => {
    const email = { messageId: '<m@x>' };
    expect(toMailSendError({ code: 'EENVELOPE', responseCode: 550 }, email).retryable).toBe(false);
    expect(toMailSendError({ code: 'EMESSAGE', responseCode: 554 }, email).retryable).toBe(false);
    expect(toMailSendError({ code: 'EENVELOPE', responseCode: 452 }, email).retryable).toBe(true);
    expect(toMailSendError({ code: 'EAUTH', responseCode: 535 }, email).retryable).toBe(true);
    expect(toMailSendError({ code: 'ECONNECTION' }, email).retryable).toBe(true);
    expect(toMailSendError(new Error('boom'), email).message).toBe('smtp send failed: unknown error (message <m@x>)');
  });
});

describe('fan-out reach', () => {
  const alert: AlertMessage = {
    version: 1,
    storyId: 'story-1',
    item: deliveryMessage().item,
    topics: [
      { topic: 'talks', label: 'Talks', score: 0.5, matched: [] },
      { topic: 'sanctions', label: 'Sanctions', score: 0.9, matched: [] },
    ],
  };

  it('reaches a subscriber on the first of their topics whose score meets their minimum', () => {
    expect(firstReachingTopic(alert, subscriber({ topics: ['talks', 'sanctions'] }))).toBe(0);
    expect(firstReachingTopic(alert, subscriber({ topics: ['talks', 'sanctions'], minScore: 0.6 }))).toBe(1);
    expect(firstReachingTopic(alert, subscriber({ topics: ['sanctions'] }))).toBe(1);
    expect(firstReachingTopic(alert, subscriber({ topics: ['talks'], minScore: 0.6 }))).toBe(-1);
    expect(firstReachingTopic(alert, subscriber({ topics: ['talks'], state: 'paused' }))).toBe(-1);
    expect(firstReachingTopic(alert, subscriber({ topics: ['un-meeting'] }))).toBe(-1);
  });

  it('makes one delivery per channel with the idempotency key and the topics that reached', () => {
    const deliveries = deliveriesFor(
      alert,
      subscriber({
        subscriberId: 'sub-9',
        topics: ['talks', 'sanctions'],
        minScore: 0.6,
        channels: [
          { kind: 'webhook', channelId: 'hook', url: 'https://hooks.example.org/x', format: 'slack' },
          { kind: 'email', channelId: 'mail', address: 'a@example.org' },
        ],
      }),
    );

    expect(deliveries.map((d) => d.deliveryKey)).toEqual(['sub-9#story-1#hook', 'sub-9#story-1#mail']);
    expect(deliveries.every((d) => d.topics.map((t) => t.topic).join() === 'sanctions')).toBe(true);
    expect(deliveryKeyOf('a', 'b', 'c')).toBe('a#b#c');
  });
});

describe('delivery ids and retention', () => {
  it('derive a header-safe id and an expiry past the queue and DLQ retention', () => {
    expect(deliveryId('a#b#c')).toBe(deliveryId('a#b#c'));
    expect(deliveryId('a#b#c')).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(deliveryExpiresAt(now) - now.getTime() / 1000).toBeGreaterThan(28 * 24 * 3600);
    expect(safeFileId('<msg_ab/../c@x.org>')).toBe('msg_ab_.._c_x.org');
  });
});

describe('isSlackTarget', () => {
  it('uses the Slack form when asked, or when the target is a Slack incoming webhook', () => {
    const channel = { kind: 'webhook' as const, channelId: 'h', url: 'https://x', format: 'json' as const };
    expect(isSlackTarget(channel, new URL('https://hooks.slack.com/services/T/B/X'))).toBe(true);
    expect(isSlackTarget({ ...channel, format: 'slack' }, new URL('https://chat.example.org/hook'))).toBe(true);
    expect(isSlackTarget(channel, new URL('https://hooks.slack.com.example.org/x'))).toBe(false);
  });
});
