import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler as createDeliverEmailHandler } from '../../../functions/deliver-email/handler.ts';
import { createHandler as createDeliverWebhookHandler } from '../../../functions/deliver-webhook/handler.ts';
import { createHandler as createFanOutHandler } from '../../../functions/fan-out/handler.ts';
import { createHandler as createClassifyItemsHandler } from '../../../functions/classify-items/handler.ts';
import { createHandler as createPollFeedHandler } from '../../../functions/poll-feed/handler.ts';
import { toSqsRecord } from '../../../infra/local/event-source-loop.ts';
import { buildLocalEnv } from '../../../infra/local/local-env.ts';
import { topology } from '../../../infra/topology.ts';
import { metricNamespace } from '../../../shared/core/metric-names.ts';
import type { DigestMessage } from '../../../shared/digest/digest-message.ts';
import { alertMessageSchema, deliveryMessageSchema, type Channel, type DeliveryMessage } from '../../../shared/messages/schemas.ts';
import { createDeps } from '../../../shared/runtime/create-deps.ts';
import { everyStore } from '../../../shared/runtime/store-factories.ts';
import { nullEventSink } from '../../../shared/core/events.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import { captureEmf, sumOf, valuesOf, type EmfCapture } from '../../helpers/emf.ts';
import { localCredentials, localRegion } from '../../helpers/engines.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';
import { deliveryMessage, subscriber, webhookSecret } from '../../unit/delivery/fixtures.ts';
import { startFeedServer, type FeedServer } from '../feeds/feed-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../delivery/webhook-receiver.ts';

/**
 * The handlers' metrics, end to end: real handlers over the embedded engines with metrics on,
 * the EMF documents Powertools writes read back and checked for names, values, units and
 * dimensions.
 */

const service = 'news-alerts-metrics-test';
const start = new Date('2030-01-01T12:00:00.000Z');
let now = start.getTime();
const clock = { now: () => new Date(now) };
const minutes = (n: number) => n * 60_000;

/** Three items on the three built-in topics (one without a date) and one on none. */
const wireFeed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Metrics Wire</title><link>https://wire.example.org/</link><description>test</description>
  <item><title>UN Security Council holds emergency meeting on Gaza ceasefire resolution</title><link>https://wire.example.org/1</link>
    <guid>m-1</guid><pubDate>Tue, 01 Jan 2030 11:30:00 GMT</pubDate><description>The council voted on a draft resolution.</description></item>
  <item><title>Russia and Ukraine delegations open peace talks in Istanbul</title><link>https://wire.example.org/2</link>
    <guid>m-2</guid><pubDate>Tue, 01 Jan 2030 11:50:00 GMT</pubDate><description>Negotiators met for a second round of talks on a ceasefire.</description></item>
  <item><title>EU imposes new sanctions on Russian oil exports</title><link>https://wire.example.org/3</link>
    <guid>m-3</guid><description>The European Union adopted a fresh package of sanctions, freezing assets.</description></item>
  <item><title>Local bakery wins award for sourdough</title><link>https://wire.example.org/4</link>
    <guid>m-4</guid><pubDate>Tue, 01 Jan 2030 11:00:00 GMT</pubDate><description>A bakery in town won a prize.</description></item>
</channel></rss>`;

let pipeline: TestPipeline;
let feeds: FeedServer;
let receiver: WebhookReceiver;
let outbox: string;
let emf: EmfCapture;

beforeAll(async () => {
  // Powertools' documented test setup: EMF through the global console (dev mode), metrics still on.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  outbox = mkdtempSync(join(tmpdir(), 'metrics-outbox-'));
  [pipeline, feeds, receiver] = await Promise.all([
    startTestPipeline({
      label: 'metrics',
      clock,
      mailer: 'from-env',
      outboxDir: outbox,
      overrides: { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: service },
    }),
    startFeedServer(),
    startWebhookReceiver(),
  ]);
  feeds.routes.set('/wire', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(wireFeed);
  });
  receiver.answerFor = (request) => ({ status: request.path.startsWith('/failing') ? 500 : 204 });
  emf = captureEmf();
});

afterAll(async () => {
  emf?.restore();
  vi.unstubAllEnvs();
  await Promise.all([pipeline?.stop(), feeds?.stop(), receiver?.stop()]);
  if (outbox) rmSync(outbox, { recursive: true, force: true });
});

beforeEach(() => {
  emf.clear();
  pipeline.events.length = 0;
});

function sqsEvent(bodies: unknown[], receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: String(receiveCount) } as SQSRecord['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('handler metrics (EMF) from the pipeline outcomes', () => {
  it('a poll of a fixture feed gives FeedsPolled 1, ItemsNew 4 and AlertsQueued by topic; its alerts reach a webhook with their publication times', async () => {
    // Prepare
    now = start.getTime();
    await pipeline.deps.feeds.upsertFeed({ feedId: 'wire', url: `${feeds.origin}/wire`, intervalMinutes: 10 }, clock.now());
    const channel: Channel = { kind: 'webhook', channelId: 'hook', url: `${receiver.origin}/hooks/reader`, format: 'json' };
    await pipeline.deps.subscriptions.putSubscriber(
      subscriber({
        subscriberId: 'reader',
        topics: ['un-meeting', 'talks', 'sanctions'],
        channels: [channel],
        webhookSecret: webhookSecret(7),
      }),
    );

    // Act: poll-feed, then classify-items on the items it handed on
    await createPollFeedHandler(pipeline.deps)(sqsEvent([{ feedId: 'wire', plannedAt: clock.now().toISOString() }]));
    const polled = emf.documents();
    emf.clear();
    await createClassifyItemsHandler(pipeline.deps)(sqsEvent(await pipeline.drain('items')));
    const classified = emf.documents();

    // Assess: the poll's one undimensioned document; then one per topic, in the catalogue's namespace.
    expect(polled).toEqual([
      {
        namespace: metricNamespace,
        dimensionSets: [['service']],
        dimensions: { service },
        units: { FeedsPolled: 'Count', ItemsNew: 'Count' },
        values: { FeedsPolled: [1], ItemsNew: [4] },
      },
    ]);
    expect(classified.map((d) => d.namespace)).toEqual(Array(3).fill(metricNamespace));
    for (const topic of ['un-meeting', 'talks', 'sanctions']) {
      expect(sumOf(classified, 'AlertsQueued', { service, topic })).toBe(1);
    }
    expect(classified.every((d) => d.dimensionSets[0]?.join() === 'service,topic')).toBe(true);
    // The publication time travels with the alert: the feed's date, else when the poll saw it.
    const alerts = (await pipeline.drain('alert')).map((body) => alertMessageSchema.parse(body));
    expect(Object.fromEntries(alerts.map((a) => [a.topics[0]!.topic, a.publishedAt]))).toEqual({
      'un-meeting': '2030-01-01T11:30:00.000Z',
      talks: '2030-01-01T11:50:00.000Z',
      sanctions: '2030-01-01T12:00:00.000Z',
    });

    // Act: fan-out (reports nothing measurable, so writes nothing), then delivery 5 minutes later.
    emf.clear();
    await createFanOutHandler(pipeline.deps)(sqsEvent(alerts));
    const fannedOut = emf.documents();
    const deliveries = (await pipeline.drain('webhook')).map((body) => deliveryMessageSchema.parse(body));
    now = start.getTime() + minutes(5);
    emf.clear();
    const result = await createDeliverWebhookHandler(pipeline.deps)(sqsEvent(deliveries));
    const delivered = emf.documents();

    // Assess
    expect(fannedOut).toEqual([]);
    expect(deliveries.map((d) => d.publishedAt).sort()).toEqual(alerts.map((a) => a.publishedAt).sort());
    expect(result.batchItemFailures).toEqual([]);
    expect(receiver.requests.filter((r) => r.path === '/hooks/reader')).toHaveLength(3);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      dimensionSets: [['service', 'channel']],
      dimensions: { service, channel: 'webhook' },
      units: { DeliveriesSent: 'Count', PublicationToDelivery: 'Seconds' },
    });
    expect(sumOf(delivered, 'DeliveriesSent', { channel: 'webhook' })).toBe(3);
    // 11:30, 11:50 and first seen at 12:00, delivered at 12:05.
    expect(valuesOf(delivered, 'PublicationToDelivery', { channel: 'webhook' }).sort((a, b) => a - b)).toEqual([300, 900, 2100]);

    // Act: the same feed again, 4 items, none new.
    emf.clear();
    await createPollFeedHandler(pipeline.deps)(sqsEvent([{ feedId: 'wire', plannedAt: clock.now().toISOString() }]));

    // Assess: polled, 0 new (a value, so an alarm on "nothing new" sees it), no alerts.
    expect(emf.documents().map((d) => d.values)).toEqual([{ FeedsPolled: [1], ItemsNew: [0] }]);
  });

  it('a feed that fails gives FeedsFailed 1 and no items', async () => {
    await pipeline.deps.feeds.upsertFeed({ feedId: 'missing', url: `${feeds.origin}/missing`, intervalMinutes: 10 }, clock.now());

    await createPollFeedHandler(pipeline.deps)(sqsEvent([{ feedId: 'missing', plannedAt: clock.now().toISOString() }]));

    const documents = emf.documents();
    expect(documents).toHaveLength(1);
    expect(documents[0]?.values).toEqual({ FeedsFailed: [1] });
    expect(documents[0]?.dimensions).toEqual({ service });
  });

  it('a 500 gives DeliveriesRetried; the failure on the queue’s last receive gives DeliveriesDeadLettered, and SQS dead-letters it', async () => {
    // Prepare: a delivery on the real webhook queue, to a receiver that answers 500.
    const channel: Channel = { kind: 'webhook', channelId: 'hook', url: `${receiver.origin}/failing/1`, format: 'json' };
    await pipeline.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'failing', channels: [channel], webhookSecret: webhookSecret(8) }),
    );
    const message: DeliveryMessage = {
      ...deliveryMessage({ subscriberId: 'failing', channel, storyId: 'story-failing' }),
      publishedAt: clock.now().toISOString(),
    };
    const sqs = pipeline.fauxqs.client;
    const queue = pipeline.queues.webhook;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(message) }));
    const receive = async (visibilityTimeout: number) => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: 1,
          VisibilityTimeout: visibilityTimeout,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return Messages.map((m) => toSqsRecord(m, queue.arn, localRegion));
    };
    const handler = createDeliverWebhookHandler(pipeline.deps);
    const { maxReceiveCount } = topology.queues.webhook;

    // Act: the first receive fails.
    const first = await receive(30);
    const firstResult = await handler({ Records: first });
    const retried = emf.documents();

    // Assess
    expect(first[0]?.attributes.ApproximateReceiveCount).toBe('1');
    expect(firstResult.batchItemFailures).toHaveLength(1);
    expect(retried).toHaveLength(1);
    expect(retried[0]?.values).toEqual({ DeliveriesRetried: [1] });
    expect(retried[0]?.dimensions).toEqual({ service, channel: 'webhook' });
    expect(pipeline.events).toContainEqual(
      expect.objectContaining({
        type: 'delivery-failed',
        channel: 'webhook',
        permanent: false,
        attempt: 1,
        retryInSeconds: expect.any(Number),
      }),
    );

    // Act: receive until the last receive SQS allows, which fails too.
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: first[0]!.receiptHandle, VisibilityTimeout: 0 }),
    );
    let last: SQSRecord[] = [];
    for (let receives = 2; receives <= maxReceiveCount; receives++) last = await receive(receives === maxReceiveCount ? 1 : 0);
    emf.clear();
    pipeline.events.length = 0;
    const lastResult = await handler({ Records: last });
    const deadLettered = emf.documents();

    // Assess
    expect(last[0]?.attributes.ApproximateReceiveCount).toBe(String(maxReceiveCount));
    expect(lastResult.batchItemFailures).toHaveLength(1);
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]?.values).toEqual({ DeliveriesDeadLettered: [1] });
    expect(deadLettered[0]?.dimensions).toEqual({ service, channel: 'webhook' });
    expect(pipeline.events).toEqual([
      expect.objectContaining({ type: 'delivery-failed', permanent: true, deadLettered: true, attempt: maxReceiveCount }),
    ]);
    // SQS agrees it was the last receive: once visible again, the message moves to the DLQ.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await receive(0)).toEqual([]);
    const { Messages: dead = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }));
    expect(dead.map((m) => JSON.parse(m.Body ?? '{}').deliveryKey)).toEqual([message.deliveryKey]);
  });

  it('an instant email gives DeliveriesSent and PublicationToDelivery by channel email; a digest counts as sent, with no publication time', async () => {
    // Prepare
    now = start.getTime() + minutes(10);
    const channel: Channel = { kind: 'email', channelId: 'mail', address: 'reader@example.org' };
    await pipeline.deps.subscriptions.putSubscriber(subscriber({ subscriberId: 'mail-reader', channels: [channel] }));
    const instant: DeliveryMessage = {
      ...deliveryMessage({ subscriberId: 'mail-reader', channel, storyId: 'story-mail' }),
      publishedAt: new Date(start.getTime() - minutes(20)).toISOString(),
    };
    const base = deliveryMessage({ subscriberId: 'mail-reader', channel, storyId: 'story-digest' });
    const dueAt = clock.now().toISOString();
    const digest: DigestMessage = {
      version: 1,
      kind: 'digest',
      deliveryKey: `mail-reader#digest:${dueAt}#mail`,
      subscriberId: 'mail-reader',
      channel,
      cadence: 'daily',
      dueAt,
      timeZone: 'UTC',
      stories: [{ storyId: base.storyId, addedAt: dueAt, item: base.item, topics: base.topics }],
      moreCount: 0,
    };

    // Act
    const result = await createDeliverEmailHandler(pipeline.deps)(sqsEvent([instant, digest]));

    // Assess
    const documents = emf.documents();
    expect(result.batchItemFailures).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(documents[0]?.dimensions).toEqual({ service, channel: 'email' });
    expect(sumOf(documents, 'DeliveriesSent', { channel: 'email' })).toBe(2);
    expect(valuesOf(documents, 'PublicationToDelivery', { channel: 'email' })).toEqual([30 * 60]);
  });

  it('writes nothing in one-process mode unless asked: the local environment turns metrics off', async () => {
    // Prepare: the environment the local runtime builds, over the same engines.
    const env = buildLocalEnv({ tables: pipeline.tables, queues: pipeline.queues, outboxDir: outbox, publicBaseUrl: 'http://127.0.0.1:1' });
    const deps = createDeps(env, {
      stores: everyStore,
      dynamodbEndpoint: pipeline.dynalite.endpoint,
      sqsEndpoint: pipeline.fauxqs.endpoint,
      region: localRegion,
      credentials: localCredentials,
      log: silentLog,
      clock,
      events: nullEventSink,
    });

    // Act
    await createPollFeedHandler(deps)(sqsEvent([{ feedId: 'missing', plannedAt: clock.now().toISOString() }]));

    // Assess
    expect(env.POWERTOOLS_METRICS_DISABLED).toBe(true);
    expect(deps.metrics).toBeUndefined();
    expect(emf.documents()).toEqual([]);
  });
});
