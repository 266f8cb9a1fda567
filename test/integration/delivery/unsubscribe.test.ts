import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { createUnsubscribeToken } from '../../../shared/subscriptions/tokens/index.ts';
import { createUnsubscribeRoutes } from '../../../shared/web/unsubscribe-routes.ts';
import { subscriber } from '../../unit/delivery/fixtures.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';

/** The unsubscribe link's GET page and RFC 8058 one-click POST, against the real subscription store. */

const keys = createKeyRing({ current: 'unsubscribe-integration-secret-0123456789' });
let engines: PipelineEngines;
let routes: ReturnType<typeof createUnsubscribeRoutes>;

const request = (token: string, body = 'List-Unsubscribe=One-Click') => ({ query: new URLSearchParams({ token }), body });

beforeAll(async () => {
  engines = await startPipelineEngines();
  routes = createUnsubscribeRoutes({ ...engines.deps, tokenKeys: async () => keys });
  await engines.deps.subscriptions.putSubscriber(
    subscriber({
      subscriberId: 'u-1',
      topics: ['talks', 'sanctions'],
      channels: [
        { kind: 'email', channelId: 'mail', address: 'person@example.org' },
        { kind: 'webhook', channelId: 'hook', url: 'https://hooks.example.org/u1', format: 'slack' },
      ],
    }),
  );
});

afterAll(async () => {
  await engines?.stop();
});

describe('unsubscribe routes', () => {
  it('GET shows what would stop and changes nothing (mail scanners open links)', async () => {
    const response = await routes.page(request(createUnsubscribeToken({ subscriberId: 'u-1', channelId: 'mail' }, keys), ''));

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('Stop news-alerts email to p***@example.org');
    expect(response.body).toContain('<form method="post"');
    expect((await engines.deps.subscriptions.getSubscriber('u-1'))?.channelStatus).toBeUndefined();
  });

  it('POST unsubscribes the channel at once, on every topic, and a second POST says the same', async () => {
    const token = createUnsubscribeToken({ subscriberId: 'u-1', channelId: 'mail' }, keys);

    const first = await routes.oneClick(request(token));
    const second = await routes.oneClick(request(token));
    const rows = await Promise.all(['talks', 'sanctions'].map((topic) => engines.deps.subscriptions.pageByTopic(topic, { limit: 100 })));

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body).toContain('You are unsubscribed');
    for (const page of rows) {
      const row = page.subscribers.find((s) => s.subscriberId === 'u-1');
      expect(row?.channelStatus?.mail?.state).toBe('unsubscribed');
      expect(row?.channelStatus?.hook).toBeUndefined();
      expect(row?.state).toBe('active');
    }
    expect(engines.events.filter((e) => e.type === 'unsubscribed')).toHaveLength(1);
  });

  it('marks the subscriber unsubscribed when its last channel goes; the token may come in the form body', async () => {
    const token = createUnsubscribeToken({ subscriberId: 'u-1', channelId: 'hook' }, keys);

    const response = await routes.oneClick({ query: new URLSearchParams(), body: `token=${encodeURIComponent(token)}` });

    expect(response.status).toBe(200);
    expect(await engines.deps.subscriptions.getSubscriber('u-1')).toMatchObject({
      state: 'unsubscribed',
      stateReason: 'every channel unsubscribed',
    });
  });

  it('refuses a forged, foreign or missing token with 400 and changes nothing', async () => {
    await engines.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'u-2', channels: [{ kind: 'email', channelId: 'mail', address: 'two@example.org' }] }),
    );
    const foreign = createUnsubscribeToken(
      { subscriberId: 'u-2', channelId: 'mail' },
      createKeyRing({ current: 'another-secret-0123456789-abcdefghij' }),
    );
    const valid = createUnsubscribeToken({ subscriberId: 'u-2', channelId: 'mail' }, keys);
    const forged = `${valid.slice(0, -4)}AAAA`;

    const responses = await Promise.all([foreign, forged, ''].map((token) => routes.oneClick(request(token))));

    expect(responses.map((r) => r.status)).toEqual([400, 400, 400]);
    expect((await engines.deps.subscriptions.getSubscriber('u-2'))?.channelStatus).toBeUndefined();
  });

  it('answers a valid token for a subscriber that is gone like any other (no enumeration)', async () => {
    const response = await routes.oneClick(request(createUnsubscribeToken({ subscriberId: 'never-existed', channelId: 'mail' }, keys)));

    expect(response.status).toBe(200);
    expect(response.body).toContain('You are unsubscribed');
  });
});
