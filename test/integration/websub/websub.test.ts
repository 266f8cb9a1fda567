import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createHttpApiHandler } from '../../../functions/http-api/handler.ts';
import { type ApiServer, startApiServer } from '../../../infra/local/api-server.ts';
import type { TopicEngine, TopicMatch } from '../../../shared/classify/index.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import type { HandleItemsDeps } from '../../../shared/feeds/index.ts';
import { pollFeed, type PollFeedDeps } from '../../../shared/feeds/poll-feed.ts';
import { alertMessageSchema, pollMessageSchema, type PollMessage } from '../../../shared/messages/schemas.ts';
import { defaultStorySettings } from '../../../shared/stories/index.ts';
import { createPushSubscriptions, describeFeedDelivery } from '../../../shared/websub/index.ts';
import { WEBSUB_SETTINGS } from '../../../shared/websub/websub-settings.ts';
import { handleQueuedItems } from '../../helpers/handle-queued-items.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';
import { atomFeed, startTestHub, type TestHub } from '../../helpers/websub-hub.ts';

/**
 * WebSub end to end against a real hub (test/helpers/websub-hub.ts) through the HTTP API handler
 * the AWS stack uses (functions/http-api, served by the local Function URL stand-in), with
 * poll-feed on embedded DynamoDB and SQS: discovery, subscription, intent verification, signed
 * pushes handled as polls, renewal, fallback to polling, and a hub that lies.
 */

const keywordEngine: Pick<TopicEngine, 'classify'> = {
  classify(item) {
    const position = item.title.indexOf('talks');
    if (position < 0) return [];
    const match: TopicMatch = {
      topic: 'talks',
      label: 'Talks',
      score: 0.9,
      matched: [{ phrase: 'talks', text: 'talks', field: 'title', position, rule: 'keyword' }],
    };
    return [match];
  },
};

let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
let pipeline: TestPipeline;
let api: ApiServer;
let hub: TestHub;
let handler: ReturnType<typeof createHttpApiHandler> | undefined;

beforeAll(async () => {
  hub = await startTestHub({ grantLeaseSeconds: 24 * 60 * 60 });
  // The API starts first: its URL is the callback base the pipeline's env names.
  api = await startApiServer({
    port: 0,
    log: silentLog,
    handler: (event, context) => (handler ? handler(event, context) : { statusCode: 503, body: '' }),
  });
  pipeline = await startTestPipeline({ label: 'websub', clock, overrides: { PUBLIC_BASE_URL: api.url } });
  handler = createHttpApiHandler(pipeline.deps);
});

afterAll(async () => {
  await api?.close();
  await Promise.all([hub?.close(), pipeline?.stop()]);
});

function pollDeps(): PollFeedDeps {
  const { deps } = pipeline;
  return { ...deps, random: () => 0.5, push: createPushSubscriptions({ ...deps, allowPrivateNetwork: true }) };
}

function handleDeps(): HandleItemsDeps {
  return { ...pipeline.deps, engine: async () => keywordEngine, storySettings: { ...defaultStorySettings, threshold: 2 } };
}

/** poll-feed, then classify-items on the items it handed on: the poll's outcome and the alerts queued. */
async function pollAndHandle(message: PollMessage) {
  const polled = await pollFeed(message, pollDeps());
  const handled = await handleQueuedItems(pipeline.drain, handleDeps());
  return { ...polled, alerts: handled.alerts };
}

const entry = (n: number, title: string) => ({
  id: `https://wire.example.org/${n}`,
  title,
  published: new Date(nowMs - 60_000).toISOString(),
});

async function addFeed(feedId: string, xml: string): Promise<string> {
  hub.setFeed(feedId, xml);
  await pipeline.deps.feeds.upsertFeed({ feedId, url: hub.feedUrl(feedId), intervalMinutes: 5 }, clock.now());
  return hub.feedUrl(feedId);
}

const poll = (feedId: string) => pollAndHandle({ feedId, plannedAt: clock.now().toISOString() });
const feedOf = async (feedId: string) => (await pipeline.deps.feeds.getFeed(feedId))!;
const websubEvents = (action: string) => pipeline.events.filter((e) => e.type === 'websub' && e.action === action);

describe('WebSub through the HTTP API handler', () => {
  const feedId = 'wire';
  let topic: string;

  it('discovers the hub on a poll, subscribes with a secret and a lease, and answers the verification', async () => {
    topic = hub.feedUrl(feedId);
    await addFeed(feedId, atomFeed({ self: topic, hub: hub.hubUrl, entries: [entry(1, 'Old news about talks')] }));
    const first = await poll(feedId);
    expect(first.status).toBe('ok');
    await pipeline.drain('alert');

    const subscription = await hub.waitForVerified(topic);
    expect(subscription.callback).toBe(`${api.url}/websub/${feedId}`);
    expect(subscription.secret?.length).toBeGreaterThanOrEqual(32);
    expect(hub.requests[0]).toMatchObject({ mode: 'subscribe', topic, leaseSeconds: WEBSUB_SETTINGS.leaseSeconds, hasSecret: true });

    const feed = await feedOf(feedId);
    expect(feed.websub).toMatchObject({ hub: hub.hubUrl, topic, state: 'subscribed', secret: subscription.secret });
    expect(describeFeedDelivery(feed, clock.now())).toMatchObject({ mode: 'push', hub: hub.hubUrl, state: 'subscribed' });
    // The secret is in the row only: no event carries it.
    expect(JSON.stringify(pipeline.events)).not.toContain(subscription.secret);
  });

  it('polls a pushed feed at the safety interval, not its own', async () => {
    nowMs += 60_000;
    await poll(feedId);
    const next = Date.parse((await feedOf(feedId)).nextPollAt);
    expect(next - nowMs).toBeGreaterThanOrEqual(WEBSUB_SETTINGS.safetyPollMinutes * 60_000);
  });

  it('turns a signed push into a poll that brought the document: same dedup, stories and alerts', async () => {
    const xml = atomFeed({
      self: topic,
      hub: hub.hubUrl,
      entries: [entry(2, 'Ceasefire talks resume in Geneva'), entry(1, 'Old news about talks')],
    });
    const [delivery] = await hub.publish(topic, xml);
    expect(delivery?.status).toBe(202);
    const messages = (await pipeline.drain('poll')).map((body) => pollMessageSchema.parse(body));
    expect(messages).toHaveLength(1);
    expect(Buffer.from(messages[0]!.push!.body, 'base64').toString('utf8')).toBe(xml);

    const result = await pollAndHandle(messages[0]!);
    expect(result).toMatchObject({ status: 'ok', new: 1, duplicates: 1, alerts: 1 });
    const alerts = (await pipeline.drain('alert')).map((body) => alertMessageSchema.parse(body));
    expect(alerts.map((a) => a.item.title)).toEqual(['Ceasefire talks resume in Geneva']);
    expect(alerts[0]).toMatchObject({ fetchedBy: 'push', fetchedAt: messages[0]!.push!.receivedAt });
    expect((await feedOf(feedId)).websub?.lastPushAt).toBe(clock.now().toISOString());
  });

  it('accepts a sha1 signature, as the Recommendation allows', async () => {
    const xml = atomFeed({ self: topic, hub: hub.hubUrl, entries: [entry(3, 'Nothing on topic')] });
    const [delivery] = await hub.publish(topic, xml, { sign: 'sha1' });
    expect(delivery?.status).toBe(202);
    await pipeline.drain('poll');
  });

  it('refuses and counts unsigned and badly signed pushes, and queues nothing for them', async () => {
    const xml = atomFeed({ self: topic, hub: hub.hubUrl, entries: [entry(4, 'Forged talks headline')] });
    const before = websubEvents('push-refused').length;
    const [unsigned] = await hub.publish(topic, xml, { sign: 'none' });
    const [forged] = await hub.publish(topic, xml, { sign: 'wrong' });
    expect([unsigned?.status, forged?.status]).toEqual([403, 403]);
    expect(await pipeline.drain('poll')).toEqual([]);
    expect(websubEvents('push-refused').length - before).toBe(2);
    expect((await feedOf(feedId)).websub?.refusedPushes).toBe(2);
    expect(describeFeedDelivery(await feedOf(feedId), clock.now()).refusedPushes).toBe(2);
  });

  it('alerts once when the hub replays a delivery', async () => {
    const xml = atomFeed({ self: topic, hub: hub.hubUrl, entries: [entry(5, 'Peace talks set for Monday')] });
    await hub.publish(topic, xml);
    const replay = await hub.replayLast();
    expect(replay.status).toBe(202);
    const messages = (await pipeline.drain('poll')).map((body) => pollMessageSchema.parse(body));
    expect(messages).toHaveLength(2);
    const results = [];
    for (const message of messages) results.push(await pollAndHandle(message));
    expect(results.map((r) => r.alerts)).toEqual([1, 0]);
    expect(await pipeline.drain('alert')).toHaveLength(1);
  });

  it('answers 404, without the challenge, to a verification of a topic or a mode it never asked for', async () => {
    const callback = `${api.url}/websub/${feedId}`;
    const wrongTopic = await hub.verifyUnasked(callback, 'https://elsewhere.example/feed');
    const unaskedRepeat = await hub.verifyUnasked(callback, topic);
    const unaskedUnsubscribe = await hub.verifyUnasked(callback, topic, 'unsubscribe');
    const unknownFeed = await hub.verifyUnasked(`${api.url}/websub/no-such-feed`, topic);
    for (const answer of [wrongTopic, unaskedRepeat, unaskedUnsubscribe, unknownFeed]) {
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain('unasked-challenge');
    }
    // The subscription is untouched by the lies.
    expect(describeFeedDelivery(await feedOf(feedId), clock.now()).mode).toBe('push');
  });

  it('renews the lease before it ends, with the same secret', async () => {
    const secret = (await feedOf(feedId)).websub!.secret;
    const requestsBefore = hub.requests.length;
    // Within the renewal window of the one-day lease.
    nowMs += 24 * 60 * 60_000 - (WEBSUB_SETTINGS.renewWithinMinutes - 10) * 60_000;
    await poll(feedId);
    await pipeline.drain('alert');
    expect(hub.requests.slice(requestsBefore)).toEqual([expect.objectContaining({ mode: 'subscribe', topic })]);
    await hub.waitForVerified(topic, 2);
    const feed = await feedOf(feedId);
    expect(feed.websub?.secret).toBe(secret);
    expect(Date.parse(feed.websub!.leaseExpiresAt!)).toBe(nowMs + 24 * 60 * 60_000);
  });

  it("takes a safety poll's items that a push brought, still waiting in the items queue, for pushed", async () => {
    // Prepare: past the silence grace since the last verification, a push whose items poll-feed
    // has handed on, not yet handled by classify-items
    nowMs += (WEBSUB_SETTINGS.silenceGraceMinutes + 5) * 60_000;
    const xml = atomFeed({
      self: topic,
      hub: hub.hubUrl,
      entries: [entry(7, 'Queued talks item'), entry(5, 'Peace talks set for Monday')],
    });
    await hub.publish(topic, xml);
    const [pushed] = (await pipeline.drain('poll')).map((body) => pollMessageSchema.parse(body));
    expect(await pollFeed(pushed!, pollDeps())).toMatchObject({ status: 'ok', new: 1 });
    hub.setFeed(feedId, xml);

    // Act: a safety poll of the same document, the pushed item still not done
    nowMs += 60_000;
    const result = await poll(feedId);

    // Assess: handed on again (and alerted once), but no reason to think the hub silent
    expect(result).toMatchObject({ status: 'ok', new: 1, alerts: 1 });
    expect(websubEvents('silent')).toHaveLength(0);
    expect(describeFeedDelivery(await feedOf(feedId), clock.now()).mode).toBe('push');
  });

  it('falls back to polling when a safety poll finds items the hub never pushed, until it pushes again', async () => {
    nowMs += 10 * 60_000;
    const entries = [entry(6, 'Unpushed talks item'), entry(5, 'Peace talks set for Monday')];
    hub.setFeed(feedId, atomFeed({ self: topic, hub: hub.hubUrl, entries }));
    await poll(feedId);
    await pipeline.drain('alert');
    const feed = await feedOf(feedId);
    expect(describeFeedDelivery(feed, clock.now())).toMatchObject({ mode: 'poll', reason: expect.stringContaining('had not pushed') });
    expect(websubEvents('silent')).toHaveLength(1);
    // Polled on its own schedule again, no longer the safety interval.
    expect(Date.parse(feed.nextPollAt) - nowMs).toBeLessThan(WEBSUB_SETTINGS.safetyPollMinutes * 60_000);

    await hub.waitForVerified(topic, 3);
    await hub.publish(topic, atomFeed({ self: topic, hub: hub.hubUrl, entries }));
    await pipeline.drain('poll');
    expect(describeFeedDelivery(await feedOf(feedId), clock.now()).mode).toBe('push');
  });

  it('falls back to polling when the lease lapses', async () => {
    const lease = Date.parse((await feedOf(feedId)).websub!.leaseExpiresAt!);
    const saved = nowMs;
    nowMs = lease + 1000;
    expect(describeFeedDelivery(await feedOf(feedId), clock.now())).toMatchObject({ mode: 'poll', reason: 'the lease lapsed' });
    nowMs = saved;
  });
});

describe('a hub that refuses', () => {
  it('leaves the feed polled and says why', async () => {
    const refusing = await startTestHub({ refuseWith: 403 });
    try {
      const feedId = 'refused-wire';
      const self = hub.feedUrl(feedId);
      await addFeed(feedId, atomFeed({ self, hub: refusing.hubUrl, entries: [entry(1, 'Quiet day')] }));
      await poll(feedId);
      expect(refusing.requests).toHaveLength(1);
      const view = describeFeedDelivery(await feedOf(feedId), clock.now());
      expect(view).toMatchObject({ mode: 'poll', state: 'refused', reason: expect.stringContaining('hub answered 403') });
      expect(Date.parse((await feedOf(feedId)).nextPollAt) - nowMs).toBeLessThan(WEBSUB_SETTINGS.safetyPollMinutes * 60_000);
      // Not asked again on the next poll.
      nowMs += 5 * 60_000;
      await poll(feedId);
      expect(refusing.requests).toHaveLength(1);
    } finally {
      await refusing.close();
    }
  });
});
