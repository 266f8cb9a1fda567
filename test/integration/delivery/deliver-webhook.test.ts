import type { SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/deliver-webhook/handler.ts';
import { deliverWebhook, type DeliverWebhookDeps } from '../../../shared/delivery/deliver-webhook.ts';
import { deliveryId } from '../../../shared/delivery/delivery-id.ts';
import { WebhookDeliveryError } from '../../../shared/delivery/errors.ts';
import { checkSlackLimits, type SlackMessage } from '../../../shared/delivery/slack-message.ts';
import type { DeliveryMessage, WebhookChannel } from '../../../shared/messages/schemas.ts';
import { createLogEventSink } from '../../../shared/runtime/log-event-sink.ts';
import { createCapturingLog } from '../../helpers/capturing-log.ts';
import { deliveryMessage, HOSTILE_TITLE, subscriber, webhookSecret } from '../../unit/delivery/fixtures.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

let engines: PipelineEngines;
let receiver: WebhookReceiver;
let counter = 0;

beforeAll(async () => {
  engines = await startPipelineEngines();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.stop();
  await engines?.stop();
});

beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answers = [{ status: 204 }];
  receiver.answerFor = undefined;
  engines.events.length = 0;
});

function deps(overrides: Partial<DeliverWebhookDeps> = {}): DeliverWebhookDeps {
  return { ...engines.deps, allowPrivateNetwork: true, ...overrides };
}

/** A stored, active subscriber with one webhook channel on the receiver, and a message for it. */
async function setup(options: { format?: 'json' | 'slack'; secret?: string; state?: 'active' | 'paused'; title?: string } = {}) {
  counter += 1;
  const subscriberId = `sub-${counter}`;
  const channel: WebhookChannel = {
    kind: 'webhook',
    channelId: 'hook',
    url: `${receiver.origin}/hooks/${subscriberId}`,
    format: options.format ?? 'json',
  };
  const secret = options.secret ?? webhookSecret(counter);
  await engines.deps.subscriptions.putSubscriber(
    subscriber({ subscriberId, channels: [channel], webhookSecret: secret, state: options.state ?? 'active' }),
  );
  const base = deliveryMessage({ subscriberId, channel, storyId: `story-${counter}` });
  const message: DeliveryMessage = options.title ? { ...base, item: { ...base.item, title: options.title } } : base;
  return { message, secret, subscriberId };
}

function headersOf(index: number): Record<string, string> {
  const headers = receiver.requests[index]?.headers ?? {};
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
}

describe('deliverWebhook against a real HTTP receiver', () => {
  it('delivers a signed payload once, and skips a redelivery of the same message', async () => {
    // Prepare
    const { message, secret } = await setup();

    // Act
    const first = await deliverWebhook(message, deps());
    const again = await deliverWebhook(message, deps());

    // Assess
    expect(first).toEqual({ status: 'delivered', httpStatus: 204 });
    expect(again).toEqual({ status: 'skipped', reason: 'already-sent' });
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    const headers = headersOf(0);
    expect(request.method).toBe('POST');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toMatch(/^news-alerts/);
    expect(headers['webhook-id']).toBe(deliveryId(message.deliveryKey));
    const payload = new Webhook(secret).verify(request.body, headers) as { id: string; version: number; story: { id: string } };
    expect(payload.version).toBe(1);
    expect(payload.id).toBe(headers['webhook-id']);
    expect(payload.story.id).toBe(message.storyId);
    expect(engines.events.map((e) => e.type)).toEqual(['delivered', 'delivery-skipped']);
  });

  it('logs one line per outcome (the event), as in Lambda where events are log lines', async () => {
    const { message } = await setup();
    const gone = await setup();
    receiver.answerFor = (request) => (request.path.includes(gone.subscriberId) ? { status: 410 } : { status: 204 });
    const log = createCapturingLog();
    const lambdaDeps = deps({ log, events: createLogEventSink(log) });

    await deliverWebhook(message, lambdaDeps);
    await deliverWebhook(message, lambdaDeps);
    await deliverWebhook(gone.message, lambdaDeps);

    expect(log.lines.map((line) => [line.level, line.message, line.fields?.deliveryKey])).toEqual([
      ['info', 'delivered', message.deliveryKey],
      ['info', 'delivery-skipped', message.deliveryKey],
      ['warn', 'delivery-failed', gone.message.deliveryKey],
      ['warn', 'channel-paused', undefined],
    ]);
    expect(log.lines[0]?.fields).toMatchObject({ httpStatus: 204, target: new URL(receiver.origin).host });
  });

  it('signs with both secrets during a rotation', async () => {
    const [oldSecret, newSecret] = [webhookSecret(101), webhookSecret(102)];
    const { message } = await setup({ secret: `${newSecret} ${oldSecret}` });

    await deliverWebhook(message, deps());

    const { body } = receiver.requests[0]!;
    expect(() => new Webhook(oldSecret).verify(body, headersOf(0))).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headersOf(0))).not.toThrow();
  });

  it('throws a retryable error on 500, then delivers once the receiver recovers', async () => {
    const { message } = await setup();
    receiver.answers = [{ status: 500 }, { status: 200 }];

    const failed = await deliverWebhook(message, deps()).catch((error: unknown) => error);
    const retried = await deliverWebhook(message, deps());

    expect(failed).toBeInstanceOf(WebhookDeliveryError);
    expect(failed).toMatchObject({ retryable: true, status: 500 });
    expect(retried).toEqual({ status: 'delivered', httpStatus: 200 });
    // The resend is recognisably the same delivery.
    expect(headersOf(1)['webhook-id']).toBe(headersOf(0)['webhook-id']);
  });

  it('carries Retry-After on a retryable 429', async () => {
    const { message } = await setup();
    receiver.answers = [{ status: 429, headers: { 'retry-after': '30' } }];

    const error = await deliverWebhook(message, deps()).catch((e: unknown) => e);

    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 30 });
  });

  it.each([400, 410])('records %i as a permanent failure and does not send again', async (status) => {
    const { message, subscriberId } = await setup();
    receiver.answers = [{ status }];

    const outcome = await deliverWebhook(message, deps());
    const redelivered = await deliverWebhook(message, deps());

    // 410 Gone pauses the channel at once, with the reason recorded; a 400 only counts.
    expect(outcome).toEqual({ status: 'failed', paused: status === 410, error: expect.stringContaining(`HTTP ${status}`) });
    expect(redelivered.status).toBe('skipped');
    expect(receiver.requests).toHaveLength(1);
    expect(engines.events[0]).toMatchObject({ type: 'delivery-failed', subscriberId, permanent: true });
    const stored = await engines.deps.subscriptions.getSubscriber(subscriberId);
    if (status === 410) {
      expect(stored?.channelStatus?.hook).toMatchObject({ state: 'paused', reason: expect.stringContaining('HTTP 410') });
      expect(engines.events).toContainEqual(expect.objectContaining({ type: 'channel-paused', subscriberId, channelId: 'hook' }));
    } else {
      expect(stored?.channelStatus?.hook).toBeUndefined();
    }
  });

  it('does not follow redirects', async () => {
    const { message } = await setup();
    receiver.answers = [{ status: 307, headers: { location: 'http://169.254.169.254/latest' } }];

    const outcome = await deliverWebhook(message, deps());

    expect(outcome).toEqual({ status: 'failed', paused: false, error: expect.stringContaining('redirect (not followed)') });
    expect(receiver.requests).toHaveLength(1);
  });

  it('throws retryable errors on a timeout and on a refused connection', async () => {
    const { message } = await setup();
    receiver.answers = ['hang'];

    const timedOut = await deliverWebhook(message, deps(), { timeoutMs: 300 }).catch((e: unknown) => e);
    const closedChannel: WebhookChannel = { ...(message.channel as WebhookChannel), url: 'http://127.0.0.1:1/hook' };
    await engines.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: `${message.subscriberId}-closed`, channels: [closedChannel], webhookSecret: webhookSecret(1) }),
    );
    const closedPort = await deliverWebhook(
      { ...message, subscriberId: `${message.subscriberId}-closed`, channel: closedChannel, deliveryKey: `${message.deliveryKey}-closed` },
      deps(),
    ).catch((e: unknown) => e);

    expect(timedOut).toMatchObject({ retryable: true, message: expect.stringContaining('timed out') });
    expect(closedPort).toMatchObject({ retryable: true, message: expect.stringContaining('network error') });
  });

  it('refuses a loopback target unless private networks are allowed', async () => {
    const { message } = await setup();

    const outcome = await deliverWebhook(message, deps({ allowPrivateNetwork: false }));

    expect(outcome).toEqual({ status: 'failed', paused: true, error: expect.stringContaining('loopback') });
    expect(receiver.requests).toHaveLength(0);
  });

  it('skips and records a subscriber who is paused or gone, without a request', async () => {
    const { message: paused } = await setup({ state: 'paused' });
    const { message: gone, subscriberId } = await setup();
    await engines.deps.subscriptions.removeSubscriber(subscriberId);

    const pausedOutcome = await deliverWebhook(paused, deps());
    const goneOutcome = await deliverWebhook(gone, deps());
    const goneAgain = await deliverWebhook(gone, deps());

    expect(pausedOutcome).toEqual({ status: 'skipped', reason: 'subscriber-inactive' });
    expect(goneOutcome).toEqual({ status: 'skipped', reason: 'subscriber-missing' });
    expect(goneAgain).toEqual({ status: 'skipped', reason: 'already-sent' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('records a permanent failure for a JSON webhook without a signing secret', async () => {
    const { message } = await setup({ secret: ' ' });

    const outcome = await deliverWebhook(message, deps());

    expect(outcome).toEqual({ status: 'failed', paused: true, error: expect.stringContaining('no webhookSecret') });
    expect(receiver.requests).toHaveLength(0);
  });

  it('posts a Slack Block Kit message with hostile text escaped and no signature headers', async () => {
    const { message } = await setup({ format: 'slack', title: HOSTILE_TITLE });

    await deliverWebhook(message, deps());

    const headers = headersOf(0);
    expect(headers['webhook-signature']).toBeUndefined();
    const body = JSON.parse(receiver.requests[0]!.body) as { text: string; blocks: { type: string }[] };
    expect(body.blocks[0]?.type).toBe('section');
    expect(receiver.requests[0]!.body).not.toContain('<script>');
    expect(receiver.requests[0]!.body).not.toContain('<!channel>');
    expect(body.text).toContain('&lt;!channel&gt;');
  });
});

describe('deliver-webhook handler', () => {
  function sqsEvent(bodies: unknown[]): SQSEvent {
    return {
      Records: bodies.map((body, i) => ({
        messageId: `m${i}`,
        receiptHandle: `r${i}`,
        body: JSON.stringify(body),
        attributes: { ApproximateReceiveCount: '1' } as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhook',
        awsRegion: 'us-east-1',
      })),
    };
  }

  it('fails only the retryable and the invalid records of a batch', async () => {
    // Prepare
    const ok = await setup();
    const failing = await setup();
    const permanent = await setup();
    const statusByPath = new Map([
      [`/hooks/${failing.subscriberId}`, 503],
      [`/hooks/${permanent.subscriberId}`, 404],
    ]);
    receiver.answerFor = (request) => ({ status: statusByPath.get(request.path) ?? 204 });
    const handler = createHandler(engines.deps);

    // Act
    const result = await handler(sqsEvent([ok.message, failing.message, permanent.message, { version: 1 }]));

    // Assess
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm3']);
    expect(receiver.requests).toHaveLength(3);
    expect(engines.events.map((e) => e.type).sort()).toEqual(['delivered', 'delivery-failed', 'delivery-failed']);
    // The 503 is an attempt SQS delivers again; the 404 is given up on (recorded).
    expect(engines.events).toContainEqual(
      expect.objectContaining({ type: 'delivery-failed', subscriberId: failing.subscriberId, permanent: false, attempt: 1 }),
    );
    expect(engines.events).toContainEqual(
      expect.objectContaining({ type: 'delivery-failed', subscriberId: permanent.subscriberId, permanent: true }),
    );
  });

  it('batches Slack stories that queue up for one webhook into one message, then paces the next one', async () => {
    // Prepare: two subscribers posting into the same Slack webhook, three stories.
    const slackUrl = `${receiver.origin}/slack/shared-${counter}`;
    const channel: WebhookChannel = { kind: 'webhook', channelId: 'slack', url: slackUrl, format: 'slack' };
    const messages = [1, 2, 3].map((n) => {
      const subscriberId = `slack-sub-${counter}-${n}`;
      return deliveryMessage({ subscriberId, channel, storyId: `slack-story-${counter}-${n}` });
    });
    for (const message of messages)
      await engines.deps.subscriptions.putSubscriber(subscriber({ subscriberId: message.subscriberId, channels: [channel] }));
    receiver.answers = [{ status: 200, body: 'ok' }];
    const handler = createHandler(engines.deps);

    // Act: one batch with two stories, then a third at once.
    const batch = await handler(sqsEvent(messages.slice(0, 2)));
    const next = await handler(sqsEvent(messages.slice(2)));

    // Assess
    expect(batch.batchItemFailures).toEqual([]);
    expect(next.batchItemFailures).toEqual([]);
    expect(receiver.requests).toHaveLength(2);
    const first = JSON.parse(receiver.requests[0]!.body) as SlackMessage;
    expect(first.blocks[0]).toMatchObject({ type: 'header', text: { text: '2 new stories on your topics' } });
    expect(checkSlackLimits(first)).toEqual([]);
    // Slack allows one message per second per webhook.
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(engines.events.filter((e) => e.type === 'delivered')).toHaveLength(3);
  });

  it.each([
    [404, 'no_service'],
    [410, 'channel_is_archived'],
    [403, 'invalid_token'],
    [403, 'channel_not_found'],
  ])('pauses a Slack channel that answers %i %s, recording why', async (status, code) => {
    const { message, subscriberId } = await setup({ format: 'slack' });
    receiver.answers = [{ status, body: code }];

    const result = await createHandler(engines.deps)(sqsEvent([message]));

    expect(result.batchItemFailures).toEqual([]);
    const stored = await engines.deps.subscriptions.getSubscriber(subscriberId);
    expect(stored?.channelStatus?.hook).toMatchObject({ state: 'paused', reason: expect.stringContaining(code) });
    expect(engines.events).toContainEqual(expect.objectContaining({ type: 'channel-paused', subscriberId }));
  });

  it('does not pause a Slack channel for a 403 that is not about the webhook itself, until it repeats', async () => {
    const { message, subscriberId } = await setup({ format: 'slack' });
    receiver.answers = [{ status: 403, body: 'action_prohibited' }];
    const handler = createHandler(engines.deps);

    for (let n = 1; n <= 4; n++) await handler(sqsEvent([{ ...message, deliveryKey: `${message.deliveryKey}-${n}`, storyId: `s-${n}` }]));
    const afterFour = await engines.deps.subscriptions.getSubscriber(subscriberId);
    await handler(sqsEvent([{ ...message, deliveryKey: `${message.deliveryKey}-5`, storyId: 's-5' }]));
    const afterFive = await engines.deps.subscriptions.getSubscriber(subscriberId);

    expect(afterFour?.channelStatus?.hook).toBeUndefined();
    expect(afterFive?.channelStatus?.hook).toMatchObject({ state: 'paused', reason: expect.stringContaining('5 permanent failures') });
  });
});
