/**
 * The SES setup refusing every send, end to end on fauxqs: the real deliver-email module, driven
 * by the local runtime's SQS event-source loop, sending through the real SES v2 client to a
 * local endpoint that answers like SES. A setup fault dead-letters the message after ONE receive
 * (not eight over hours), records why, and leaves the subscriber's channel alone; once the
 * setup is fixed, a redrive delivers it once. Throttling, by contrast, stays on the queue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createEmailHandler } from '../../functions/deliver-email/handler.ts';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { topology } from '../../infra/topology.ts';
import { describeDeadLetter } from '../../shared/dead-letters/describe-dead-letter.ts';
import { createSesMailer } from '../../shared/mail/ses/ses-mailer.ts';
import type { DeliveryMessage } from '../../shared/messages/schemas.ts';
import type { PipelineEvent } from '../../shared/core/events.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { subscriberSchema } from '../../shared/store/records.ts';
import { localCredentials, localRegion } from '../helpers/engines.ts';
import { startSesEndpoint, type SesEndpoint } from '../helpers/ses-endpoint.ts';
import { deliveryMessage } from '../unit/delivery/fixtures.ts';

const ACCESS_DENIED = {
  status: 403,
  code: 'AccessDeniedException',
  message: 'User: arn:aws:sts::123456789012:assumed-role/news-alerts-deliver-email is not authorized to perform: ses:SendEmail',
};

describe('SES setup faults: dead-lettered at once (fauxqs, one process)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let ses: SesEndpoint;
  let sqs: SQSClient;
  const events: PipelineEvent[] = [];

  function emailTo(subscriberId: string, storyId: string): DeliveryMessage {
    return deliveryMessage({
      subscriberId,
      storyId,
      channel: { kind: 'email', channelId: 'mail', address: `${subscriberId}@example.org` },
    });
  }
  async function enqueue(message: DeliveryMessage): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: runtime.env.QUEUE_EMAIL_URL, MessageBody: JSON.stringify(message) }));
  }
  const sendsTo = (address: string) =>
    ses.requests.filter((r) => JSON.stringify((r.body.Destination as { ToAddresses: string[] }).ToAddresses) === JSON.stringify([address]));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-ses-setup-'));
    ses = await startSesEndpoint();
    runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      schedules: false,
      log: silentLog,
      events: { emit: (event) => events.push(event) },
      mailFrom: 'News Alerts <alerts@newsdesk.eu>',
      handlers: {
        // The real handler, with SES as its transport instead of the outbox.
        'deliver-email': (deps) =>
          createEmailHandler({ ...deps, mailer: createSesMailer({ client: ses.client(), configurationSetName: 'news-alerts-set' }) }),
      },
    });
    sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });
    for (const id of ['denied', 'throttled']) {
      await runtime.deps.subscriptions.putSubscriber(
        subscriberSchema.parse({
          subscriberId: id,
          topics: ['un-meeting'],
          channels: [{ kind: 'email', channelId: 'mail', address: `${id}@example.org` }],
        }),
      );
    }
  });

  afterAll(async () => {
    sqs?.destroy();
    await runtime?.stop();
    await ses?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('moves a message SES refuses for AccessDenied to the email DLQ after one receive, and says why', async () => {
    // Prepare
    ses.answer = () => ACCESS_DENIED;
    const message = emailTo('denied', 'story-denied');
    expect(topology.queues.email.maxReceiveCount).toBeGreaterThan(1);

    // Act
    await enqueue(message);
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    // Assess: one attempt, and the message is in the DLQ, unchanged, with nothing left on the queue
    expect(sendsTo('denied@example.org')).toHaveLength(1);
    const depths = await runtime.queueDepths();
    expect(depths.email).toMatchObject({ visible: 0, notVisible: 0, delayed: 0, deadLetters: { visible: 1, notVisible: 0, delayed: 0 } });
    const [letter, ...others] = await runtime.receiveDlq('email');
    expect(others).toEqual([]);
    expect(JSON.parse(letter!.body)).toEqual(message);
    expect(runtime.consumerStats()['deliver-email']).toMatchObject({ batches: 1, succeeded: 1, failed: 0 });
    // `dlq list` tells the operator why; the subscriber's channel is not blamed.
    const described = await describeDeadLetter('email', { ...letter!, sentAt: letter!.sentAt }, { deliveries: runtime.deps.deliveries });
    expect(described.why).toMatch(
      /^ses send failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role\/news-alerts-deliver-email is not authorized/,
    );
    expect((await runtime.deps.subscriptions.getSubscriber('denied'))?.channelStatus ?? {}).toEqual({});
    expect(events.filter((e) => e.type === 'delivered' || e.type === 'channel-paused')).toEqual([]);
    // Reported as dead-lettered on its first attempt (the DeliveriesDeadLettered metric).
    expect(events.filter((e) => e.type === 'delivery-failed')).toEqual([
      expect.objectContaining({
        channel: 'email',
        subscriberId: 'denied',
        storyId: 'story-denied',
        permanent: true,
        attempt: 1,
        deadLettered: true,
      }),
    ]);
  });

  it('delivers it once after the setup is fixed and the operator redrives the DLQ', async () => {
    // Prepare
    ses.answer = () => ({ ok: true });

    // Act
    const outcome = await runtime.deps.deadLetters!.redrive('email');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    // Assess
    expect(outcome).toMatchObject({ moved: 1, failed: 0 });
    expect(sendsTo('denied@example.org')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'delivered').map((e) => e.type === 'delivered' && e.subscriberId)).toEqual(['denied']);
    expect((await runtime.queueDepths()).email.deadLetters.visible).toBe(0);
    expect((await runtime.deps.deliveries.getDelivery('denied#story-denied#mail'))?.status).toBe('sent');
  });

  it('keeps a throttled message on the queue for a later retry, not in the DLQ', async () => {
    // Prepare
    ses.answer = () => ({ status: 429, code: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' });

    // Act: idle here means nothing visible; the failed message waits out its retry delay
    await enqueue(emailTo('throttled', 'story-throttled'));
    await runtime.waitForIdle({ timeoutMs: 30_000 });

    // Assess
    expect(sendsTo('throttled@example.org')).toHaveLength(1);
    const depths = await runtime.queueDepths();
    expect(depths.email.notVisible).toBe(1);
    expect(depths.email.deadLetters.visible).toBe(0);
    expect((await runtime.deps.deliveries.getDelivery('throttled#story-throttled#mail'))?.lastError).toContain('TooManyRequestsException');
    expect(events.filter((e) => e.type === 'delivery-failed' && e.subscriberId === 'throttled')).toEqual([
      expect.objectContaining({ permanent: false, attempt: 1, retryInSeconds: expect.any(Number) }),
    ]);
  });
});
