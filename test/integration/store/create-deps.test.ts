import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localCredentials,
  localRegion,
  startDynaliteEngine,
  startFauxqsEngine,
  type DynaliteEngine,
  type FauxqsEngine,
} from '../../../infra/local/engines.ts';
import { createQueues, createTables } from '../../../infra/local/provision.ts';
import { createSqsClient } from '../../../shared/queue/sqs/sqs-client.ts';
import { createDocumentClient } from '../../../shared/store/dynamodb/index.ts';
import { readEnv, type Env } from '../../../shared/config/env.ts';
import { ConfigError } from '../../../shared/core/errors.ts';
import type { PipelineEvent } from '../../../shared/core/events.ts';
import { MailSetupError } from '../../../shared/mail/errors.ts';
import { createDeps } from '../../../shared/runtime/create-deps.ts';
import { createMailingDeps } from '../../../shared/runtime/create-mailing-deps.ts';
import { createLogEventSink } from '../../../shared/runtime/log-event-sink.ts';
import { everyStore, feedStore } from '../../../shared/runtime/store-factories.ts';
import { createCapturingLog } from '../../helpers/capturing-log.ts';

describe('createDeps', () => {
  let dynalite: DynaliteEngine;
  let fauxqs: FauxqsEngine;
  let env: Env;
  let outbox: string;

  beforeAll(async () => {
    [dynalite, fauxqs] = await Promise.all([startDynaliteEngine(), startFauxqsEngine()]);
    const ddb = createDocumentClient({ endpoint: dynalite.endpoint, region: localRegion, credentials: localCredentials });
    const sqs = createSqsClient({ endpoint: fauxqs.endpoint, region: localRegion, credentials: localCredentials });
    const tables = await createTables(ddb, 'deps');
    const queues = await createQueues(sqs, { prefix: 'deps' });
    ddb.destroy();
    sqs.destroy();
    outbox = mkdtempSync(join(tmpdir(), 'news-alerts-deps-'));
    env = readEnv({
      ...Object.fromEntries(Object.entries(tables).map(([table, name]) => [`TABLE_${table.toUpperCase()}`, name])),
      QUEUE_POLL_URL: queues.poll.url,
      QUEUE_ITEMS_URL: queues.items.url,
      QUEUE_ALERT_URL: queues.alert.url,
      QUEUE_WEBHOOK_URL: queues.webhook.url,
      QUEUE_EMAIL_URL: queues.email.url,
      QUEUE_DIGEST_URL: queues.digest.url,
      MAIL_TRANSPORT: 'outbox',
      MAIL_FROM: 'alerts@example.org',
      OUTBOX_DIR: outbox,
      LOG_LEVEL: 'SILENT',
    });
  });

  afterAll(async () => {
    await Promise.all([dynalite?.stop(), fauxqs?.stop()]);
    if (outbox) rmSync(outbox, { recursive: true, force: true });
  });

  it('wires the stores, the queue, the mailer and the injected ports to the given engines', async () => {
    const log = createCapturingLog();
    const clock = { now: () => new Date('2030-03-01T00:00:00Z') };
    const fetchStub: typeof fetch = async () => new Response('unused');
    const options = {
      stores: everyStore,
      dynamodbEndpoint: dynalite.endpoint,
      sqsEndpoint: fauxqs.endpoint,
      region: localRegion,
      credentials: localCredentials,
      log,
      clock,
      fetch: fetchStub,
    };
    const deps = createDeps(env, options);

    expect(deps.env).toBe(env);
    expect(deps.clock).toBe(clock);
    expect(deps.log).toBe(log);
    expect(deps.fetch).toBe(fetchStub);

    await deps.feeds.upsertFeed({ feedId: 'deps-feed', url: 'https://example.org/rss', intervalMinutes: 5 }, clock.now());
    expect((await deps.feeds.getFeed('deps-feed'))?.nextPollAt).toBe('2030-03-01T00:00:00.000Z');
    expect(await deps.items.claim('deps#1', 2_000_000_000, 120)).toBe('new');
    expect(await deps.deliveries.begin('deps#d1', 2_000_000_000, { owner: 'deps', leaseMs: 10_000 })).toEqual({ status: 'new' });
    await deps.topics.putUserTopic({ id: 'deps-topic' });
    expect(await deps.topics.listUserTopics()).toEqual([{ id: 'deps-topic' }]);
    expect(await deps.subscriptions.listSubscribers()).toEqual([]);

    await deps.queue.send('poll', [{ feedId: 'deps-feed', plannedAt: '2030-03-01T00:00:00Z' }]);
    const reader = new SQSClient({ endpoint: fauxqs.endpoint, region: localRegion, credentials: localCredentials });
    const { Messages = [] } = await reader.send(new ReceiveMessageCommand({ QueueUrl: env.QUEUE_POLL_URL, MaxNumberOfMessages: 10 }));
    reader.destroy();
    expect(Messages.map((m) => JSON.parse(m.Body ?? ''))).toEqual([{ feedId: 'deps-feed', plannedAt: '2030-03-01T00:00:00Z' }]);

    // createDeps builds no mail transport: a send is refused as a setup fault, nothing written.
    const email = {
      from: env.MAIL_FROM,
      to: 'reader@example.org',
      subject: 'Hello',
      text: 'Hello',
      html: '<p>Hello</p>',
      messageId: '<deps-1@example.org>',
      headers: {},
    };
    const refused = await deps.mailer.send(email).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MailSetupError);
    expect(refused).toMatchObject({ retryable: false, code: 'NoMailTransport' });
    expect(readdirSync(outbox)).toEqual([]);

    // createMailingDeps adds the mailer MAIL_TRANSPORT names: the outbox folder.
    await createMailingDeps(env, options).mailer.send(email);
    expect(readdirSync(outbox).length).toBeGreaterThan(0);

    // Events default to log lines on the injected log.
    const skipped = {
      type: 'delivery-skipped',
      channel: 'email',
      subscriberId: 's1',
      storyId: 'story-1',
      deliveryKey: 's1#story-1#mail',
      reason: 'already-sent',
    } as const;
    deps.events.emit(skipped);
    expect(log.lines).toContainEqual({ level: 'info', message: 'delivery-skipped', fields: { event: 'delivery-skipped', ...skipped } });
  });

  it('builds the Lambda way (only its stores) without touching the network', () => {
    const deps = createDeps(env, { stores: { feeds: feedStore } });
    expect(Object.keys(deps)).toEqual(
      expect.arrayContaining([
        'clock',
        'deliveries',
        'env',
        'events',
        'feeds',
        'fetch',
        'items',
        'log',
        'mailer',
        'queue',
        'subscriptions',
        'topics',
      ]),
    );
    expect(deps.clock.now()).toBeInstanceOf(Date);
  });

  it('gives a function only the stores it names: any other refuses every call, for good', async () => {
    // Prepare: a function that uses the feeds table only (as plan-polls does).
    const deps = createDeps(env, {
      stores: { feeds: feedStore },
      dynamodbEndpoint: dynalite.endpoint,
      region: localRegion,
      credentials: localCredentials,
      log: createCapturingLog(),
    });

    // Act
    const feed = await deps.feeds.getFeed('no-such-feed');
    const refused = await deps.subscriptions.getSubscriber('anyone').catch((error: unknown) => error);

    // Assess
    expect(feed).toBeUndefined();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused).toMatchObject({
      retryable: false,
      message: 'store call refused: this function has no store over table subscriptions (getSubscriber)',
    });
    // Not a thenable: awaiting the store itself gives the store back.
    expect(await Promise.resolve(deps.digests)).toBe(deps.digests);
  });
});

describe('createLogEventSink', () => {
  it('writes one line per event, named by its type: failures at warn, the rest at info', () => {
    const log = createCapturingLog();
    const events: PipelineEvent[] = [
      { type: 'feed-polled', feedId: 'f1', url: 'https://news.example/rss', status: 'ok', items: 10, new: 2, duplicates: 8 },
      {
        type: 'alert',
        storyId: 's',
        feedId: 'f1',
        title: 'Talks',
        link: null,
        topics: [{ topic: 'talks', score: 0.8, matched: ['talks'] }],
      },
      {
        type: 'delivery-failed',
        channel: 'webhook',
        subscriberId: 'sub',
        storyId: 's',
        deliveryKey: 'sub#s#hook',
        error: 'HTTP 404',
        permanent: true,
      },
      {
        type: 'feed-polled',
        feedId: 'f2',
        url: 'https://news.example/gone',
        status: 'error',
        items: 0,
        new: 0,
        duplicates: 0,
        error: 'HTTP 410',
      },
      { type: 'channel-paused', channel: 'webhook', subscriberId: 'sub', channelId: 'hook', reason: 'HTTP 410' },
      { type: 'subscriber-error', subscriberId: 'sub', error: 'filter query is invalid' },
      { type: 'unsubscribed', subscriberId: 'sub', channelId: 'mail' },
    ];
    const sink = createLogEventSink(log);
    for (const event of events) sink.emit(event);

    expect(log.lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'feed-polled'],
      ['info', 'alert'],
      ['warn', 'delivery-failed'],
      ['warn', 'feed-polled'],
      ['warn', 'channel-paused'],
      ['warn', 'subscriber-error'],
      ['info', 'unsubscribed'],
    ]);
    expect(log.lines[1]?.fields).toEqual({ event: 'alert', ...events[1] });
  });

  it('keeps secrets in URLs out of the log: webhook paths, feed queries', () => {
    const log = createCapturingLog();
    const sink = createLogEventSink(log);
    sink.emit({
      type: 'delivered',
      channel: 'webhook',
      subscriberId: 'sub',
      storyId: 's',
      deliveryKey: 'sub#s#hook',
      target: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
    });
    sink.emit({
      type: 'delivered',
      channel: 'email',
      subscriberId: 'sub',
      storyId: 's',
      deliveryKey: 'sub#s#mail',
      target: 'reader@example.org',
    });
    sink.emit({
      type: 'feed-polled',
      feedId: 'f',
      url: 'https://user:pw@private.example/feed.xml?token=SECRET#x',
      status: 'error',
      items: 0,
      new: 0,
      duplicates: 0,
      error: 'feed fetch failed: HTTP 401 (https://private.example/feed.xml?token=SECRET)',
    });

    const text = JSON.stringify(log.lines);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('pw@');
    expect(log.lines[0]?.fields?.target).toBe('https://hooks.slack.com/…');
    expect(log.lines[1]?.fields?.target).toBe('reader@example.org');
    expect(log.lines[2]?.fields?.url).toBe('https://private.example/feed.xml?token=[redacted]');
    expect(log.lines[2]?.fields?.error).toBe('feed fetch failed: HTTP 401 (https://private.example/feed.xml?token=[redacted])');
  });
});
