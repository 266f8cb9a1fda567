/**
 * SES feedback against the embedded engines, through the local runtime as SNS would deliver it
 * (`deliverEmailFeedback`) to the real handle-email-feedback module: what a bounce or complaint
 * does to the subscriber's email channel in dynalite, and that a paused channel gets no mail.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../infra/local/runtime.ts';
import type { EmailFeedbackOutcome } from '../../../shared/feedback/index.ts';
import type { PipelineEvent } from '../../../shared/core/events.ts';
import type { Log } from '../../../shared/core/logger.ts';
import { subscriberSchema, type SubscriberInput } from '../../../shared/store/records.ts';
import { localCredentials, localRegion } from '../../helpers/engines.ts';
import { bounceNotification, complaintNotification, identityBounceNotification } from '../../helpers/ses-notifications.ts';
import { deliveryMessage } from '../../unit/delivery/fixtures.ts';

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

describe('email feedback on the embedded engines', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  const events: PipelineEvent[] = [];
  const lines: LogLine[] = [];
  const log: Log = {
    debug: (message, fields = {}) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  };

  async function subscribe(input: SubscriberInput): Promise<void> {
    await runtime.deps.subscriptions.putSubscriber(subscriberSchema.parse(input));
  }
  function reader(subscriberId: string, address = `${subscriberId}@example.org`): SubscriberInput {
    return {
      subscriberId,
      topics: ['un-meeting'],
      channels: [
        { kind: 'email', channelId: 'mail', address },
        { kind: 'webhook', channelId: 'hook', url: 'https://hooks.newsdesk.eu/in', format: 'json' },
      ],
    };
  }
  /** Delivers a notification and returns the feedback function's outcome. */
  async function feedback(notification: unknown): Promise<EmailFeedbackOutcome> {
    const results = await runtime.deliverEmailFeedback(notification);
    expect(results.map((r) => r.function)).toEqual(['handle-email-feedback']);
    const outcomes = results[0]!.result as EmailFeedbackOutcome[];
    expect(outcomes).toHaveLength(1);
    return outcomes[0]!;
  }
  const statusOf = async (subscriberId: string) => (await runtime.deps.subscriptions.getSubscriber(subscriberId))?.channelStatus ?? {};
  const mail = { channelId: 'mail' };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-feedback-'));
    runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      schedules: false,
      log,
      events: { emit: (e) => events.push(e) },
    });
    for (const id of ['bounced', 'twice', 'complainer', 'soft', 'unsure', 'moved', 'quiet']) await subscribe(reader(id));
  });

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    events.length = 0;
    lines.length = 0;
  });

  it('pauses the email channel on a permanent bounce, with the reason, and leaves the other channels', async () => {
    // Act
    const outcome = await feedback(
      bounceNotification({ address: 'bounced@example.org', channel: { subscriberId: 'bounced', ...mail }, bounceType: 'Permanent' }),
    );

    // Assess
    const reason = 'permanent bounce (General): smtp; 550 5.1.1 <b***@example.org>: mailbox unknown';
    expect(outcome).toEqual({ status: 'paused', subscriberId: 'bounced', channelId: 'mail', reason });
    const status = await statusOf('bounced');
    expect(status.mail).toMatchObject({ state: 'paused', reason });
    expect(status.hook).toBeUndefined();
    expect((await runtime.deps.subscriptions.getSubscriber('bounced'))?.state).toBe('active');
    expect(events).toEqual([
      { type: 'channel-paused', channel: 'email', subscriberId: 'bounced', channelId: 'mail', reason },
      {
        type: 'email-feedback',
        feedback: 'bounce',
        bounceType: 'Permanent',
        outcome: 'paused',
        subscriberId: 'bounced',
        channelId: 'mail',
      },
    ]);
    // The address is not written anywhere in full.
    expect(JSON.stringify(lines)).not.toContain('bounced@example.org');
  });

  it('handles the same notification twice as once: the second changes nothing', async () => {
    // Prepare
    const notification = bounceNotification({
      address: 'twice@example.org',
      channel: { subscriberId: 'twice', ...mail },
      bounceType: 'Permanent',
    });
    await feedback(notification);
    const first = await statusOf('twice');

    // Act
    const again = await feedback(notification);

    // Assess
    expect(again).toEqual({ status: 'already-paused', subscriberId: 'twice', channelId: 'mail' });
    expect(await statusOf('twice')).toEqual(first);
    expect(events.filter((e) => e.type === 'channel-paused')).toHaveLength(1);
  });

  it('pauses the email channel on a complaint', async () => {
    const outcome = await feedback(
      complaintNotification({ address: 'complainer@example.org', channel: { subscriberId: 'complainer', ...mail } }),
    );

    expect(outcome).toMatchObject({ status: 'paused', reason: 'spam complaint: the recipient reported an email as spam (abuse)' });
    expect((await statusOf('complainer')).mail?.state).toBe('paused');
  });

  it.each([
    ['soft', 'Transient', 'transient-bounce'],
    ['unsure', 'Undetermined', 'undetermined-bounce'],
  ] as const)('leaves the channel of %s active on a %s bounce', async (subscriberId, bounceType, why) => {
    const outcome = await feedback(
      bounceNotification({ address: `${subscriberId}@example.org`, channel: { subscriberId, ...mail }, bounceType }),
    );

    expect(outcome).toEqual({ status: 'not-paused', subscriberId, channelId: 'mail', why });
    expect(await statusOf(subscriberId)).toEqual({});
    expect(events).toEqual([
      { type: 'email-feedback', feedback: 'bounce', bounceType, outcome: 'not-paused', subscriberId, channelId: 'mail', why },
    ]);
  });

  it('leaves the channel alone when the bounce is about an address the subscriber has changed since', async () => {
    const outcome = await feedback(
      bounceNotification({ address: 'old-address@example.org', channel: { subscriberId: 'moved', ...mail }, bounceType: 'Permanent' }),
    );

    expect(outcome).toMatchObject({ status: 'not-paused', why: 'address-changed' });
    expect(await statusOf('moved')).toEqual({});
  });

  it.each([
    ['without our tags (an identity’s notification)', identityBounceNotification({ address: 'quiet@example.org' }), 'no-tags'],
    [
      'tagged for a subscriber who is gone',
      bounceNotification({ address: 'gone@example.org', channel: { subscriberId: 'gone', ...mail }, bounceType: 'Permanent' }),
      'subscriber-missing',
    ],
    [
      'tagged for a channel the subscriber no longer has',
      complaintNotification({ address: 'quiet@example.org', channel: { subscriberId: 'quiet', channelId: 'old-mail' } }),
      'channel-missing',
    ],
  ])('reports a notification %s once, as unmatched, and changes nothing', async (_, notification, why) => {
    // Act
    const outcome = await feedback(notification);

    // Assess
    expect(outcome).toMatchObject({ status: 'unmatched', why });
    expect(await statusOf('quiet')).toEqual({});
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'email-feedback', outcome: 'unmatched', why, messageId: '0102018e5f2c-test-message-000000' });
  });

  it('fails on a notification that is not SES’s (Lambda retries it, then dead-letters it)', async () => {
    await expect(
      runtime.deliverEmailFeedback({ eventType: 'Bounce', bounce: { bounceType: 'Soft' }, mail: { messageId: 'm' } }),
    ).rejects.toThrow(/email feedback Bounce is invalid: bounce\.bounceType.*\(SNS message /);
    expect(lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual(['email feedback failed']);
  });

  it('sends nothing more to a channel a bounce paused: the next delivery is skipped', async () => {
    // Prepare: a story for the bounced subscriber's email channel
    const message = deliveryMessage({
      subscriberId: 'bounced',
      storyId: 'story-after-bounce',
      channel: { kind: 'email', channelId: 'mail', address: 'bounced@example.org' },
    });
    const sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });

    // Act
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: runtime.env.QUEUE_EMAIL_URL, MessageBody: JSON.stringify(message) }));
      await runtime.waitForIdle({ timeoutMs: 20_000, includeNotVisible: true });
    } finally {
      sqs.destroy();
    }

    // Assess
    expect(events).toContainEqual({
      type: 'delivery-skipped',
      channel: 'email',
      subscriberId: 'bounced',
      storyId: 'story-after-bounce',
      deliveryKey: 'bounced#story-after-bounce#mail',
      reason: 'channel-paused',
    });
    const outbox = await readdir(join(dataDir, 'outbox')).catch(() => []);
    expect(outbox).toEqual([]);
  });
});
