import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticSecretSource } from '../../../shared/parameters/secret-source.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { createConfirmToken, createManageToken } from '../../../shared/subscriptions/tokens/index.ts';
import { type ApiHarness, sendJson, startApiHarness, startReceiver } from './api-harness.ts';
import { linkTo } from './outbox.ts';

/**
 * The JSON API over real HTTP against the one-process runtime: every error path answers
 * problem+json naming what is wrong, and the happy paths do what they say.
 */

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { path: string; message: string }[];
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Problem;
  expect(problem.status).toBe(response.status);
  return problem;
}

const validEmail = { channel: { kind: 'email', address: 'reader@example.org' }, topics: ['talks'] };

describe('JSON API', () => {
  let harness: ApiHarness;
  let api: string;
  /** The same API with webhooks on 127.0.0.1 allowed (local receivers). */
  let localApi: string;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  const keys = () => createKeyRing(harness.runtime.secrets.unsubscribe);

  beforeAll(async () => {
    harness = await startApiHarness();
    api = `${harness.url}/api`;
    localApi = `${await harness.serve((deps) => ({ ...deps, env: { ...deps.env, ALLOW_PRIVATE_NETWORK: true } }))}/api`;
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await harness?.stop();
  });

  async function receiver(answer: Parameters<typeof startReceiver>[0]) {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  const echoing = () =>
    receiver((body, _request, response) => {
      const { challenge } = JSON.parse(body) as { challenge?: string };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge }));
    });

  describe('input errors', () => {
    it('answers 400 bad-json to a body that does not parse', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', '{"channel": {');
      expect(response.status).toBe(400);
      const problem = await problemOf(response);
      expect(problem.type).toBe('urn:news-alerts:problem:bad-json');
      expect(problem.instance).toBe('/api/subscriptions');
    });

    it('answers 415 to a body that is not JSON', async () => {
      const response = await fetch(`${api}/subscriptions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(response.status).toBe(415);
      expect((await problemOf(response)).type).toBe('urn:news-alerts:problem:unsupported-media-type');
    });

    it('answers 413 to a body over the limit', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, padding: 'x'.repeat(20_000) });
      expect(response.status).toBe(413);
    });

    it('answers 422 naming each field at fault: unknown fields, bad address, bad cadence, too many topics', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', {
        channel: { kind: 'email', address: 'not-an-address' },
        topics: Array.from({ length: 21 }, (_, i) => `t${i}`),
        cadence: 'monthly',
        admin: true,
      });
      expect(response.status).toBe(422);
      const problem = await problemOf(response);
      expect(problem.type).toBe('urn:news-alerts:problem:invalid-input');
      const paths = problem.errors?.map((e) => e.path) ?? [];
      expect(paths).toEqual(expect.arrayContaining(['channel.address', 'topics', 'cadence', '(body)']));
    });

    it('answers 422 unknown-topic naming the topic and the ones that exist', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, topics: ['talks', 'football'] });
      expect(response.status).toBe(422);
      const problem = await problemOf(response);
      expect(problem.type).toBe('urn:news-alerts:problem:unknown-topic');
      expect(problem.errors).toEqual([{ path: 'topics[1]', message: expect.stringContaining('unknown topic "football"') }]);
      expect(problem.detail).toContain('un-meeting');
    });

    it('answers 422 invalid-filter-query saying where the query breaks', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, filter: 'sanctions AND (iran OR' });
      expect(response.status).toBe(422);
      const problem = await problemOf(response);
      expect(problem.type).toBe('urn:news-alerts:problem:invalid-filter-query');
      expect(problem.errors?.[0]?.path).toBe('filter');
    });

    it('refuses digests for webhooks', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: 'https://hooks.example.org/news' },
        topics: ['talks'],
        cadence: 'daily',
      });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).errors?.[0]?.path).toBe('cadence');
    });

    it('answers 404 problem+json on unknown API paths, an HTML page elsewhere', async () => {
      const api404 = await fetch(`${api}/nothing-here`);
      expect(api404.status).toBe(404);
      expect((await problemOf(api404)).type).toBe('urn:news-alerts:problem:not-found');
      const page404 = await fetch(`${harness.url}/nothing-here`);
      expect(page404.status).toBe(404);
      expect(page404.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page404.text()).toContain('Page not found');
    });
  });

  describe('tokens', () => {
    it('answers 401 with a Bearer challenge without a token, with a forged one, and with a confirm token', async () => {
      const forged = `${Buffer.from('{"s":"e-someone"}').toString('base64url')}.${'A'.repeat(43)}`;
      const confirmToken = createConfirmToken('e-someone', keys(), new Date(Date.now() + 3_600_000));
      const otherKey = createManageToken('e-someone', createKeyRing({ current: 'another-secret-of-at-least-32-characters' }));
      for (const authorization of [
        undefined,
        'Bearer',
        'Bearer garbage',
        `Bearer ${forged}`,
        `Bearer ${confirmToken}`,
        `Bearer ${otherKey}`,
        'Basic dXNlcjpwYXNz',
      ]) {
        const response = await fetch(`${api}/subscription`, { headers: authorization ? { authorization } : {} });
        expect(response.status, String(authorization)).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await problemOf(response)).type).toBe('urn:news-alerts:problem:unauthorized');
      }
    });

    it('answers 404 to a valid token of a subscription that does not exist (any more)', async () => {
      const token = createManageToken('e-nobody', keys());
      const response = await fetch(`${api}/subscription`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(404);
    });
  });

  describe('email subscriptions', () => {
    it('answers 202 and sends a confirmation whose link confirms the subscription', async () => {
      const response = await sendJson(`${api}/subscriptions`, 'POST', {
        channel: { kind: 'email', address: 'Reader@Example.org' },
        topics: ['talks', 'sanctions'],
        filter: 'russia OR ukraine',
        cadence: 'daily',
        deliveryHour: 7,
        timeZone: 'Europe/Kyiv',
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'confirmation-sent' });
      const mails = (await harness.outbox()).filter((m) => m.to === 'reader@example.org');
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Confirm your news alerts subscription');
      expect(mails[0]!.html).toContain('a daily digest at 07:00 (Europe/Kyiv)');

      // Following the link shows a page; only the button's POST confirms (mail scanners open links).
      const confirmUrl = new URL(linkTo(mails[0]!, '/confirm'));
      // Until confirmed, the request waits beside the subscriptions, not among them.
      const before = await harness.runtime.deps.subscriptions.listSubscribers();
      expect(before.find((s) => s.channels.some((c) => c.kind === 'email' && c.address === 'reader@example.org'))).toBeUndefined();
      const page = await fetch(`${harness.url}${confirmUrl.pathname}${confirmUrl.search}`);
      expect(page.status).toBe(200);
      const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const confirmed = await fetch(`${harness.url}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ csrf, token: confirmUrl.searchParams.get('token')! }).toString(),
      });
      expect(confirmed.status).toBe(200);
      const manageHref = /href="(\/manage\?token=[^"]+)"/.exec(await confirmed.text())![1]!.replace(/&amp;/g, '&');
      const token = new URL(manageHref, harness.url).searchParams.get('token')!;

      const read = await fetch(`${api}/subscription`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({
        status: 'active',
        channel: { kind: 'email', address: 'reader@example.org' },
        topics: ['talks', 'sanctions'],
        filter: 'russia OR ukraine',
        cadence: 'daily',
        deliveryHour: 7,
        timeZone: 'Europe/Kyiv',
      });
      const stored = await harness.runtime.deps.subscriptions.getSubscriber(
        ((await (await fetch(`${api}/subscription`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string }).id,
      );
      expect(stored?.expiresAt).toBeUndefined();
    });

    it('answers the same to a subscribe request for an address already subscribed, and tells the owner instead', async () => {
      const before = await harness.outbox();
      const response = await sendJson(`${api}/subscriptions`, 'POST', {
        ...validEmail,
        channel: { kind: 'email', address: 'reader@example.org' },
        topics: ['un-meeting'],
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['confirmBy', 'detail', 'status']);
      expect(body.status).toBe('confirmation-sent');
      const added = (await harness.outbox()).slice(before.length);
      expect(added).toHaveLength(1);
      expect(added[0]!.subject).toBe('Your news alerts subscription');
      linkTo(added[0]!, '/manage');
      // Nothing changed: a stranger cannot alter someone's subscription by subscribing them again.
      const [subscriber] = (await harness.runtime.deps.subscriptions.listSubscribers()).filter((s) =>
        s.channels.some((c) => c.kind === 'email' && c.address === 'reader@example.org'),
      );
      expect(subscriber?.topics).toEqual(['talks', 'sanctions']);
    });

    it('sends at most 3 messages an hour to one address, answering 202 all the same', async () => {
      const address = { kind: 'email', address: 'flooded@example.org' };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await sendJson(`${api}/subscriptions`, 'POST', { ...validEmail, channel: address })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202]);
      expect((await harness.outbox()).filter((m) => m.to === 'flooded@example.org')).toHaveLength(3);
    });

    it('answers 410 to an expired confirmation link', async () => {
      const token = createConfirmToken('e-expired', keys(), new Date(Date.now() - 1000));
      const page = await fetch(`${harness.url}/confirm?token=${encodeURIComponent(token)}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('This link has expired');
    });
  });

  describe('webhook subscriptions', () => {
    it('answers 422 webhook-url-refused to private, loopback, link-local and metadata addresses', async () => {
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost:9/hook',
        'http://10.1.2.3/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/hook',
        'http://192.168.0.10/hook',
      ]) {
        const response = await sendJson(`${api}/subscriptions`, 'POST', { channel: { kind: 'webhook', url }, topics: ['talks'] });
        expect(response.status, url).toBe(422);
        const problem = await problemOf(response);
        expect(problem.type, url).toBe('urn:news-alerts:problem:webhook-url-refused');
        expect(problem.errors?.[0]?.path).toBe('channel.url');
      }
    });

    it('answers 422 webhook-challenge-failed when the receiver does not echo, fails or is not there, and stores nothing', async () => {
      const silent = await receiver((_body, _request, response) => response.writeHead(200).end('ok'));
      const failing = await receiver((_body, _request, response) => response.writeHead(500).end());
      const wrong = await receiver((_body, _request, response) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"challenge":"nope"}'),
      );
      const redirecting = await receiver((_body, _request, response) => response.writeHead(302, { location: 'http://127.0.0.1:9/' }).end());
      const before = (await harness.runtime.deps.subscriptions.listSubscribers()).length;
      for (const [url, why] of [
        [`${silent.url}/hook`, 'did not echo the challenge'],
        [`${failing.url}/hook`, 'answered HTTP 500'],
        [`${wrong.url}/hook`, 'did not echo the challenge'],
        [`${redirecting.url}/hook`, 'redirect'],
        ['http://127.0.0.1:9/closed', 'could not be reached'],
      ] as const) {
        const response = await sendJson(`${localApi}/subscriptions`, 'POST', { channel: { kind: 'webhook', url }, topics: ['talks'] });
        expect(response.status, url).toBe(422);
        const problem = await problemOf(response);
        expect(problem.type, url).toBe('urn:news-alerts:problem:webhook-challenge-failed');
        expect(problem.detail, url).toContain(why);
      }
      expect(silent.bodies).toHaveLength(1);
      expect(JSON.parse(silent.bodies[0]!)).toMatchObject({ type: 'url_verification', challenge: expect.any(String) });
      expect((await harness.runtime.deps.subscriptions.listSubscribers()).length).toBe(before);
    });

    it('creates an active webhook subscription after the echo, then reads, changes, pauses and deletes it with its token', async () => {
      const hook = await echoing();
      const created = await sendJson(`${localApi}/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: `${hook.url}/news` },
        topics: ['sanctions'],
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { token: string; webhookSecret: string; subscription: { id: string; status: string } };
      expect(body.webhookSecret).toMatch(/^whsec_/);
      expect(body.subscription.status).toBe('active');
      const auth = { authorization: `Bearer ${body.token}` };

      const read = (await (await fetch(`${api}/subscription`, { headers: auth })).json()) as Record<string, unknown>;
      expect(read).toMatchObject({ id: body.subscription.id, channel: { kind: 'webhook', url: `${hook.url}/news`, format: 'json' } });
      expect(JSON.stringify(read)).not.toContain('whsec_');

      const changed = await sendJson(`${api}/subscription`, 'PATCH', { topics: ['sanctions', 'un-meeting'], filter: 'russia' }, auth);
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ topics: ['sanctions', 'un-meeting'], filter: 'russia', status: 'active' });
      expect(
        (await harness.runtime.deps.subscriptions.pageByTopic('un-meeting', { limit: 100 })).subscribers.map((s) => s.subscriberId),
      ).toContain(body.subscription.id);

      const badChange = await sendJson(`${api}/subscription`, 'PATCH', { topics: ['nope'] }, auth);
      expect(badChange.status).toBe(422);
      expect((await problemOf(badChange)).type).toBe('urn:news-alerts:problem:unknown-topic');
      const emptyChange = await sendJson(`${api}/subscription`, 'PATCH', {}, auth);
      expect(emptyChange.status).toBe(422);

      const paused = await sendJson(`${api}/subscription`, 'PATCH', { state: 'paused' }, auth);
      expect(await paused.json()).toMatchObject({ status: 'paused' });
      expect((await harness.runtime.deps.subscriptions.getSubscriber(body.subscription.id))?.state).toBe('paused');
      const resumed = await sendJson(`${api}/subscription`, 'PATCH', { state: 'active', filter: null }, auth);
      expect(await resumed.json()).toMatchObject({ status: 'active', filter: null });

      expect((await fetch(`${api}/subscription`, { method: 'DELETE', headers: auth })).status).toBe(204);
      expect((await fetch(`${api}/subscription`, { headers: auth })).status).toBe(404);
      expect(await harness.runtime.deps.subscriptions.getSubscriber(body.subscription.id)).toBeUndefined();
    });
  });

  describe('Slack webhooks', () => {
    /** The API with `fetch` sending Slack's webhook host to a local receiver (this machine has no internet). */
    async function apiWithSlackAt(receiverUrl: string): Promise<string> {
      const toReceiver: typeof fetch = (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        return fetch(url.hostname === 'hooks.slack.com' ? `${receiverUrl}${url.pathname}` : url, init);
      };
      return `${await harness.serve((deps) => ({ ...deps, fetch: toReceiver, env: { ...deps.env, ALLOW_PRIVATE_NETWORK: true } }))}/api`;
    }

    it('post a confirmation link to the channel (Slack cannot echo) and stay pending until it is followed', async () => {
      const slack = await receiver((_body, _request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
      const slackApi = await apiWithSlackAt(slack.url);
      const response = await sendJson(`${slackApi}/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: 'https://hooks.slack.com/services/T0CONFIRM/B0CONFIRM/secret1', format: 'slack' },
        topics: ['talks'],
      });
      expect(response.status).toBe(202);
      expect(slack.bodies).toHaveLength(1);
      const { text } = JSON.parse(slack.bodies[0]!) as { text: string };
      const link = /<([^|>]+)\|this link>/.exec(text)?.[1];
      expect(link).toMatch(/\/confirm\?token=/);
      const token = new URL(link!).searchParams.get('token')!;
      const listed = (await harness.runtime.deps.subscriptions.listSubscribers()).find((s) =>
        s.channels.some((c) => c.kind === 'webhook' && c.url.includes('T0CONFIRM')),
      );
      expect(listed).toBeUndefined();
      const subscriberId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).s as string;
      const request = (await harness.runtime.deps.subscriptions.getAccess(subscriberId))?.request;
      expect(request?.subscriber).toMatchObject({ state: 'pending', channels: [{ format: 'slack' }] });
      expect(request?.expiresAt).toBeGreaterThan(Date.now() / 1000);

      const page = await fetch(`${harness.url}/confirm?token=${encodeURIComponent(token)}`);
      expect(await page.text()).toContain('Slack at hooks.slack.com');
    });

    it('answer 422 when Slack refuses the message', async () => {
      const gone = await receiver((_body, _request, response) => response.writeHead(404).end('no_service'));
      const slackApi = await apiWithSlackAt(gone.url);
      const response = await sendJson(`${slackApi}/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: 'https://hooks.slack.com/services/T0GONE/B0GONE/secret2', format: 'slack' },
        topics: ['talks'],
      });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).detail).toContain('HTTP 404');
    });

    it('refuse the Slack format for a URL that is not a Slack incoming webhook, posting nothing', async () => {
      const other = await receiver((_body, _request, response) => response.writeHead(200).end('ok'));
      const response = await sendJson(`${localApi}/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: `${other.url}/services/T/B/X`, format: 'slack' },
        topics: ['talks'],
      });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).type).toBe('urn:news-alerts:problem:webhook-url-refused');
      expect(other.bodies).toEqual([]);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once one client address sent too many subscribe requests', async () => {
      const limited = `${await harness.serve((deps) => deps, {
        limits: {
          subscribePerClient: { name: 'subscribe-client-test', limit: 3, windowSeconds: 3600 },
          emailsPerRecipient: { name: 'email-recipient-test', limit: 100, windowSeconds: 3600 },
        },
      })}/api`;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await sendJson(`${limited}/subscriptions`, 'POST', {
          ...validEmail,
          channel: { kind: 'email', address: `person${i}@example.org` },
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await problemOf(last!)).type).toBe('urn:news-alerts:problem:rate-limited');
      // Invalid requests are refused before they count, so a typo does not use up the allowance.
      const invalid = await sendJson(`${limited}/subscriptions`, 'POST', { ...validEmail, topics: ['nope'] });
      expect(invalid.status).toBe(422);
    });
  });

  describe('operator endpoints', () => {
    it('need the admin token: 401 without or with a wrong one, 200 with it', async () => {
      expect((await fetch(`${api}/admin/status`)).status).toBe(401);
      expect((await fetch(`${api}/admin/status`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401);
      const auth = { authorization: `Bearer ${harness.runtime.secrets.admin.current}` };
      const status = await fetch(`${api}/admin/status`, { headers: auth });
      expect(status.status).toBe(200);
      const body = (await status.json()) as { queues: Record<string, { deadLetters: unknown }>; topics: { topicId: string }[] };
      expect(Object.keys(body.queues).sort()).toEqual(['alert', 'digest', 'email', 'items', 'poll', 'webhook']);
      expect(body.queues.poll?.deadLetters).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
      expect(body.topics.map((t) => t.topicId)).toEqual(expect.arrayContaining(['talks', 'sanctions', 'un-meeting']));
      const subscribers = (await (await fetch(`${api}/admin/subscribers`, { headers: auth })).json()) as {
        subscribers: { channels: { target: string }[] }[];
      };
      expect(subscribers.subscribers.some((s) => s.channels.some((c) => c.target === 'reader@example.org'))).toBe(true);
      expect((await fetch(`${api}/admin/feeds`, { headers: auth })).status).toBe(200);
    });

    it('are off (404) when the deployment has no admin token', async () => {
      const { admin: _unused, ...others } = harness.runtime.secrets;
      const noAdmin = await harness.serve((deps) => ({ ...deps, secrets: createStaticSecretSource(others) }));
      const response = await fetch(`${noAdmin}/api/admin/status`, {
        headers: { authorization: `Bearer ${harness.runtime.secrets.admin.current}` },
      });
      expect(response.status).toBe(404);
      expect((await problemOf(response)).detail).toContain('ADMIN_TOKEN');
    });
  });

  it('sends security headers: CSP without script, no framing, no sniffing', async () => {
    const response = await fetch(`${harness.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
