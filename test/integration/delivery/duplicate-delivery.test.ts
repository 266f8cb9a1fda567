/**
 * A duplicate delivery message (SQS is at-least-once; fan-out may queue twice) handled at the
 * same moment as the original: two handler instances (two Lambda instances), the real queue,
 * the embedded DynamoDB, a real HTTP receiver and a real SMTP listener. Exactly one send; the
 * duplicate is handed back to the queue without counting an attempt, and comes back to a no-op.
 */
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { PutCommand } from '../../../shared/store/dynamodb/commands.ts';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createEmailHandler } from '../../../functions/deliver-email/handler.ts';
import { createHandler as createWebhookHandler } from '../../../functions/deliver-webhook/handler.ts';
import { deliverWebhook } from '../../../shared/delivery/deliver-webhook.ts';
import { DeliveryBusyError } from '../../../shared/delivery/errors.ts';
import { createSlackSender } from '../../../shared/delivery/slack-sender.ts';
import { toSqsRecord } from '../../../infra/local/event-source-loop.ts';
import type { QueueName } from '../../../infra/topology.ts';
import { deliveryExpiresAt } from '../../../shared/delivery/delivery-id.ts';
import { digestDeliveryKey, type DigestMessage } from '../../../shared/digest/digest-message.ts';
import { createSmtpMailer } from '../../../shared/mail/smtp-mailer.ts';
import type { DeliveryMessage, EmailChannel, WebhookChannel } from '../../../shared/messages/schemas.ts';
import { createCapturingLog } from '../../helpers/capturing-log.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';
import { deliveryMessage, subscriber, webhookSecret } from '../../unit/delivery/fixtures.ts';
import { startSmtpListener } from './smtp-listener.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/** How long the receiver and the SMTP server take to accept: the original is still sending when the duplicate arrives. */
const SLOW_MS = 400;

let pipeline: TestPipeline;
let receiver: WebhookReceiver;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let counter = 0;

beforeAll(async () => {
  [receiver, smtp] = await Promise.all([startWebhookReceiver(), startSmtpListener({ dataDelayMs: SLOW_MS })]);
  pipeline = await startTestPipeline({ label: 'duplicates', mailer: createSmtpMailer(smtp.url) });
});

afterAll(async () => {
  await Promise.all([receiver?.stop(), smtp?.stop(), pipeline?.stop()]);
});

beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answers = [{ status: 204, delayMs: SLOW_MS }];
  smtp.mails.length = 0;
  pipeline.events.length = 0;
});

/** Queues the same body twice (a duplicate) and receives both copies as Lambda would get them. */
async function queueTwice(queue: QueueName, body: unknown): Promise<[SQSEvent, SQSEvent]> {
  const [first, second] = await queueCopies(queue, body, 2);
  return [first!, second!];
}

async function queueCopies(queue: QueueName, body: unknown, copies: number): Promise<SQSEvent[]> {
  await pipeline.deps.queue.send(
    queue,
    Array.from({ length: copies }, () => body),
  );
  const received: Message[] = [];
  for (let round = 0; round < 20 && received.length < copies; round++) received.push(...(await receive(queue)));
  expect(received).toHaveLength(copies);
  return received.map((message) => ({ Records: [toSqsRecord(message, pipeline.queues[queue].arn, 'us-east-1')] }));
}

/** Writes a delivery marker as a crashed attempt left it: `in-progress`, its lease over long ago. */
async function writeStaleMarker(deliveryKey: string): Promise<void> {
  await writeMarker(deliveryKey, 'crashed-attempt', Date.now() - 60_000);
}

/** Writes an `in-progress` marker held by `owner`, claimed at `claimedAt` (epoch ms) for 12 s. */
async function writeMarker(deliveryKey: string, owner: string, claimedAt: number): Promise<void> {
  await pipeline.dynalite.documents.send(
    new PutCommand({
      TableName: pipeline.tables.deliveries,
      Item: {
        deliveryKey,
        status: 'in-progress',
        startedAt: new Date(claimedAt).toISOString(),
        expiresAt: deliveryExpiresAt(new Date()),
        leaseOwner: owner,
        leaseUntil: claimedAt + 12_000,
      },
    }),
  );
}

async function receive(queue: QueueName): Promise<Message[]> {
  const output = await pipeline.fauxqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: pipeline.queues[queue].url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return output.Messages ?? [];
}

/**
 * The deferred copy, once it is back: what SQS does when its visibility delay ends (shortened to
 * 1 s here rather than waiting out the lease). Fails when the copy is not hidden for a while first.
 */
async function deferredCopyBack(queue: QueueName, deferred: SQSEvent): Promise<SQSEvent> {
  expect(await receive(queue)).toEqual([]);
  const record = deferred.Records[0]!;
  await pipeline.fauxqs.client.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: pipeline.queues[queue].url, ReceiptHandle: record.receiptHandle, VisibilityTimeout: 1 }),
  );
  for (let round = 0; round < 40; round++) {
    const [message] = await receive(queue);
    if (message) return { Records: [toSqsRecord(message, pipeline.queues[queue].arn, 'us-east-1')] };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the deferred copy did not come back');
}

/** Runs two handler instances at once, one copy each: one send; returns the copy handed back and its handler. */
async function raceCopies(handlers: [Handler, Handler], copies: [SQSEvent, SQSEvent], sends: () => number) {
  const results = await Promise.all([handlers[0](copies[0]), handlers[1](copies[1])]);
  expect(sends()).toBe(1);
  const failed = results.map((result) => result.batchItemFailures.map((f) => f.itemIdentifier));
  expect(failed.flat()).toHaveLength(1);
  const deferredIndex = failed[0]!.length === 1 ? 0 : 1;
  expect(failed[deferredIndex]).toEqual([copies[deferredIndex].Records[0]!.messageId]);
  return { deferred: copies[deferredIndex], handler: handlers[deferredIndex] };
}

type Handler = ReturnType<typeof createWebhookHandler>;

async function webhookSubscriber(): Promise<DeliveryMessage> {
  counter += 1;
  const subscriberId = `dup-${counter}`;
  const channel: WebhookChannel = { kind: 'webhook', channelId: 'hook', url: `${receiver.origin}/hooks/${subscriberId}`, format: 'json' };
  await pipeline.deps.subscriptions.putSubscriber(subscriber({ subscriberId, channels: [channel], webhookSecret: webhookSecret(counter) }));
  return deliveryMessage({ subscriberId, channel, storyId: `dup-story-${counter}` });
}

async function emailSubscriber(): Promise<{ subscriberId: string; channel: EmailChannel }> {
  counter += 1;
  const subscriberId = `dup-mail-${counter}`;
  const channel: EmailChannel = { kind: 'email', channelId: 'mail', address: `dup-${counter}@example.org` };
  await pipeline.deps.subscriptions.putSubscriber(subscriber({ subscriberId, channels: [channel] }));
  return { subscriberId, channel };
}

describe('a duplicate delivery handled at the same moment as the original', () => {
  it('posts a webhook once; the duplicate is deferred without an attempt, and comes back to a no-op', async () => {
    // Prepare
    const message = await webhookSubscriber();
    const copies = await queueTwice('webhook', message);
    const log = createCapturingLog();
    const handlers: [Handler, Handler] = [createWebhookHandler({ ...pipeline.deps, log }), createWebhookHandler({ ...pipeline.deps, log })];

    // Act
    const { deferred, handler } = await raceCopies(handlers, copies, () => receiver.requests.length);

    // Assess: one POST, and the duplicate neither counted as an attempt nor recorded.
    expect(receiver.requests).toHaveLength(1);
    expect(await pipeline.deps.deliveries.getDelivery(message.deliveryKey)).toEqual(
      expect.not.objectContaining({ attempts: expect.anything(), lastAttemptAt: expect.anything(), lastError: expect.anything() }),
    );
    expect((await pipeline.deps.deliveries.getDelivery(message.deliveryKey))?.status).toBe('sent');
    const deferral = pipeline.events.find((event) => event.type === 'delivery-deferred');
    expect(deferral).toMatchObject({ channel: 'webhook', deliveryKey: message.deliveryKey, reason: 'busy', attempt: 1 });
    // Until the lease (12 s at most: the POST's 10 s timeout and a margin) has run out.
    expect(deferral).toHaveProperty('retryInSeconds', expect.any(Number));
    const retryIn = (deferral as { retryInSeconds: number }).retryInSeconds;
    expect(retryIn).toBeGreaterThanOrEqual(2);
    expect(retryIn).toBeLessThanOrEqual(13);
    expect(pipeline.events.filter((event) => event.type === 'delivery-failed')).toEqual([]);
    // An expected outcome, not a failure: no error in the log.
    expect(log.lines.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual([]);
    expect(log.lines.map((line) => line.message)).toContain('deliver-webhook message handed back for later');

    // Later: the copy comes back and finds the delivery sent.
    const again = await handler(await deferredCopyBack('webhook', deferred));
    expect(again.batchItemFailures).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
    expect(pipeline.events.map((event) => event.type)).toEqual(['delivery-deferred', 'delivered', 'delivery-skipped']);
  });

  it('sends an email once when two copies race', async () => {
    const { subscriberId, channel } = await emailSubscriber();
    const message = deliveryMessage({ subscriberId, channel, storyId: `dup-mail-story-${counter}` });
    const copies = await queueTwice('email', message);
    const handlers: [Handler, Handler] = [createEmailHandler(pipeline.deps), createEmailHandler(pipeline.deps)];

    const { deferred, handler } = await raceCopies(handlers, copies, () => smtp.mails.length);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual([channel.address]);
    expect((await pipeline.deps.deliveries.getDelivery(message.deliveryKey))?.attempts).toBeUndefined();
    expect((await handler(await deferredCopyBack('email', deferred))).batchItemFailures).toEqual([]);
    expect(smtp.mails).toHaveLength(1);
    expect(pipeline.events.map((event) => event.type)).toEqual(['delivery-deferred', 'delivered', 'delivery-skipped']);
  });

  it('sends a digest once when the same window is queued twice and both copies race', async () => {
    const { subscriberId, channel } = await emailSubscriber();
    const base = deliveryMessage();
    const dueAt = '2030-01-01T09:00:00.000Z';
    const digest: DigestMessage = {
      version: 1,
      kind: 'digest',
      deliveryKey: digestDeliveryKey(subscriberId, channel.channelId, dueAt),
      subscriberId,
      channel,
      cadence: 'daily',
      dueAt,
      timeZone: 'UTC',
      stories: [{ storyId: 'dup-digest-story', addedAt: '2030-01-01T08:00:00.000Z', item: base.item, topics: base.topics }],
      moreCount: 0,
    };
    const copies = await queueTwice('email', digest);
    const handlers: [Handler, Handler] = [createEmailHandler(pipeline.deps), createEmailHandler(pipeline.deps)];

    await raceCopies(handlers, copies, () => smtp.mails.length);

    expect(smtp.mails).toHaveLength(1);
    expect(pipeline.events.filter((event) => event.type === 'delivered')).toHaveLength(1);
  });
});

describe('a delivery whose holder stopped (its lease ran out)', () => {
  it('is taken over by one of two racing copies and posted once', async () => {
    // Prepare: the marker a crashed attempt left, claimed a minute ago.
    const message = await webhookSubscriber();
    await writeStaleMarker(message.deliveryKey);
    const copies = await queueTwice('webhook', message);
    const handlers: [Handler, Handler] = [createWebhookHandler(pipeline.deps), createWebhookHandler(pipeline.deps)];

    // Act
    await raceCopies(handlers, copies, () => receiver.requests.length);

    // Assess
    expect(receiver.requests).toHaveLength(1);
    expect((await pipeline.deps.deliveries.getDelivery(message.deliveryKey))?.status).toBe('sent');
    expect(pipeline.events.map((event) => event.type).sort()).toEqual(['delivered', 'delivery-deferred']);
  });

  it('is sent again by a single redelivery, at once', async () => {
    const message = await webhookSubscriber();
    await writeStaleMarker(message.deliveryKey);
    receiver.answers = [{ status: 204 }];

    const [copy] = await queueCopies('webhook', message, 1);
    const result = await createWebhookHandler(pipeline.deps)(copy!);

    expect(result.batchItemFailures).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
    expect(pipeline.events.map((event) => event.type)).toEqual(['delivered']);
  });
});

describe('a Slack delivery waiting for a send slot', () => {
  it('posts nothing when another attempt took its delivery over meanwhile', async () => {
    // Prepare: two stories for one Slack webhook, one sender pacing them 1.5 s apart.
    counter += 1;
    const url = `${receiver.origin}/slack/lapsed-${counter}`;
    const channel: WebhookChannel = { kind: 'webhook', channelId: 'slack', url, format: 'slack' };
    const [first, second] = [1, 2].map((n) => {
      const subscriberId = `dup-slack-${counter}-${n}`;
      return deliveryMessage({ subscriberId, channel, storyId: `dup-slack-story-${counter}-${n}` });
    });
    for (const message of [first!, second!])
      await pipeline.deps.subscriptions.putSubscriber(subscriber({ subscriberId: message.subscriberId, channels: [channel] }));
    receiver.answers = [{ status: 200, body: 'ok' }];
    const deps = {
      ...pipeline.deps,
      allowPrivateNetwork: true,
      slack: createSlackSender({ ...pipeline.deps, allowPrivateNetwork: true }, { intervalMs: 1500 }),
    };
    await deliverWebhook(first!, deps);

    // Act: the second waits for the next slot; meanwhile another attempt holds its marker.
    const waiting = deliverWebhook(second!, deps).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeMarker(second!.deliveryKey, 'the-taker', Date.now());
    const outcome = await waiting;

    // Assess: only the first story was posted; the second is left to its new holder.
    expect(outcome).toBeInstanceOf(DeliveryBusyError);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body).toContain(first!.item.title.slice(0, 10));
    expect(await pipeline.deps.deliveries.getDelivery(second!.deliveryKey)).toMatchObject({ status: 'in-progress' });
  });
});
