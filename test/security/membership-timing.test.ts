import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createDynamoDbRateLimitStore, createDynamoDbSubscriptionStore, type DynamoDbClient } from '../../shared/store/dynamodb/index.ts';
import { createStoreClient } from '../helpers/engines.ts';
import { createManageLinkToken, createUnsubscribeToken } from '../../shared/subscriptions/tokens/index.ts';
import { type SubscriptionProbe, startSubscriptionProbe } from './subscription-harness.ts';

/**
 * Issue 16, group 6: whether an address is subscribed must not show in the time a subscribe
 * request takes. Timing is not asserted (tests never do); the work is: a request for an address
 * in each state makes the same calls on the ports (subscriptions, rate limits, mailer) and the
 * same DynamoDB commands on the same tables and indexes as a request for an address never seen,
 * and gets the same answer. Endpoints that take a token (unsubscribe, manage link) answer alike
 * for a subscriber that is there and one that is gone.
 */

let probe: SubscriptionProbe;
let recordingApi: string;
let dynamo: DynamoDbClient;
const calls: string[] = [];
let n = 0;
const address = (label: string) => `${label}-${++n}@example.org`;

/** Records every method call of a port as `<name>.<method>`. */
function recorded<T extends object>(name: string, port: T): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(property)}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The shape of one DynamoDB command: its kind, table, index and key attribute names (not values). */
function recordingDocumentClient() {
  const client = dynamo;
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command: unknown) => {
    const { input } = command as { input: Record<string, unknown> };
    const kind = (command as object).constructor.name;
    const key = input.Key
      ? Object.keys(input.Key as object)
          .sort()
          .join('+')
      : '';
    const table = String(input.TableName ?? Object.keys((input.RequestItems as object) ?? {}).join(','));
    calls.push(`dynamodb.${kind}(${table}${input.IndexName ? `/${String(input.IndexName)}` : ''}${key ? ` ${key}` : ''})`);
    return send(command);
  };
  return client;
}

/** The calls one request makes, and its answer (status, and body without the time-dependent field). */
async function measure(request: () => Promise<Response>): Promise<{ calls: string[]; status: number; body: unknown }> {
  calls.length = 0;
  const response = await request();
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json')
    ? (({ confirmBy: _confirmBy, ...rest }) => rest)(JSON.parse(text) as Record<string, unknown>)
    : text;
  return { calls: [...calls], status: response.status, body };
}

function subscribeAt(api: string, addr: string, topics: string[] = ['talks']) {
  return fetch(`${api}/api/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: { kind: 'email', address: addr }, topics }),
  });
}

beforeAll(async () => {
  probe = await startSubscriptionProbe();
  dynamo = createStoreClient(probe.runtime.endpoints.dynamodb);
  const client = recordingDocumentClient();
  const tables = probe.runtime.tables;
  recordingApi = await probe.serve(
    (deps): Deps => ({
      ...deps,
      subscriptions: recorded('subscriptions', createDynamoDbSubscriptionStore({ client, tableName: tables.subscriptions })),
      rateLimits: recorded('rateLimits', createDynamoDbRateLimitStore({ client, tableName: tables.ratelimits })),
      mailer: recorded('mailer', deps.mailer),
    }),
  );
});

afterAll(async () => {
  dynamo?.destroy();
  await probe?.stop();
});

describe('subscribed or not cannot be told by the work a request does (issue 16 group 6)', () => {
  it.each<[string, (addr: string) => Promise<void>, string[]?]>([
    ['an active subscriber', async (addr) => void (await probe.subscribeAndConfirm(addr))],
    [
      'an active subscriber of three topics, asked for one',
      async (addr) => void (await probe.subscribeAndConfirm(addr, { topics: ['talks', 'sanctions', 'un-meeting'] })),
    ],
    [
      'a paused subscriber',
      async (addr) => {
        const token = await probe.subscribeAndConfirm(addr);
        const paused = await fetch(`${probe.url}/api/subscription`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ state: 'paused' }),
        });
        expect(paused.status).toBe(200);
      },
    ],
    [
      'an unsubscribed subscriber',
      async (addr) => {
        const token = await probe.subscribeAndConfirm(addr);
        await probe.postForm(`/manage?token=${encodeURIComponent(token)}`, '/manage', [
          ['token', token],
          ['action', 'unsubscribe'],
        ]);
      },
    ],
    ['an address with a request pending', async (addr) => void (await probe.subscribe(addr))],
    [
      'an active subscriber asked for with several topics',
      async (addr) => void (await probe.subscribeAndConfirm(addr)),
      ['talks', 'sanctions'],
    ],
  ])('a subscribe request for %s does what one for a new address does', async (_name, prepare, topics = ['talks']) => {
    const known = address('known');
    await prepare(known);
    const unknown = await measure(() => subscribeAt(recordingApi, address('unknown'), topics));
    const seen = await measure(() => subscribeAt(recordingApi, known, topics));
    expect(seen.calls).toEqual(unknown.calls);
    // The comparison means something only if the request did the work: one write and one email.
    expect(seen.calls).toContain('mailer.send');
    expect(seen.calls).toContain(`dynamodb.UpdateCommand(${probe.runtime.tables.subscriptions} subscriberId+topicId)`);
    expect({ status: seen.status, body: seen.body }).toEqual({ status: unknown.status, body: unknown.body });
  });

  it.each<[string, (addr: string) => Promise<void>]>([
    [
      'removed (DELETE) after the email went out',
      async (addr) => {
        const token = await probe.subscribeAndConfirm(addr);
        expect(
          (await fetch(`${probe.url}/api/subscription`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status,
        ).toBe(204);
      },
    ],
    ['never there at all', async () => {}],
  ])('the one-click unsubscribe and the manage-link page answer alike for a subscriber %s', async (_name, prepare) => {
    const present = address('present');
    await probe.subscribeAndConfirm(present);
    const other = address('other');
    await prepare(other);
    // Whoever holds such a token got an email of that subscriber: the pages may name the
    // destination they stop, but the status and the outcome are the same.
    const pages = await Promise.all(
      [present, other].map(async (addr) => {
        const token = createUnsubscribeToken({ subscriberId: probe.subscriberIdOf(addr), channelId: 'email' }, probe.keys());
        return (await fetch(`${probe.url}/unsubscribe?token=${encodeURIComponent(token)}`)).status;
      }),
    );
    expect(pages).toEqual([200, 200]);
    const manageLinks = await Promise.all(
      [present, other].map(async (addr) => {
        const token = createManageLinkToken(probe.subscriberIdOf(addr), probe.keys());
        const response = await probe.postForm(`/manage/link?token=${encodeURIComponent(token)}`, '/manage/link', [['token', token]]);
        return { status: response.status, body: await response.text() };
      }),
    );
    expect(manageLinks[1]).toEqual(manageLinks[0]);
    expect(manageLinks[0]!.status).toBe(200);
    const oneClick = await Promise.all(
      [present, other].map(async (addr) => {
        const token = createUnsubscribeToken({ subscriberId: probe.subscriberIdOf(addr), channelId: 'email' }, probe.keys());
        const response = await fetch(`${probe.url}/unsubscribe?token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        return response.status;
      }),
    );
    expect(oneClick).toEqual([200, 200]);
  });
});
