/**
 * A WebSub hub for the tests, over real HTTP: it accepts (un)subscription requests, verifies
 * the subscriber's intent against its callback (GET with `hub.challenge`), publishes content
 * signed with each subscription's secret (`X-Hub-Signature`), and can lie: sign wrongly, push
 * unsigned, replay a delivery, or ask a callback to confirm a topic nobody subscribed to. It also
 * serves the publisher's feed documents (`/feeds/<name>`), which advertise the hub.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubSubscription {
  topic: string;
  callback: string;
  secret: string | undefined;
  leaseSeconds: number;
  verifiedAt: number;
}

export interface HubRequestRecord {
  mode: string;
  topic: string;
  callback: string;
  leaseSeconds: number | undefined;
  hasSecret: boolean;
}

export interface Delivery {
  callback: string;
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface TestHubOptions {
  /** Lease the hub grants (seconds); what was asked for when absent. */
  grantLeaseSeconds?: number;
  /** Answer every subscription request with this status instead of 202. */
  refuseWith?: number;
}

export interface TestHub {
  /** The hub's endpoint (what feeds advertise as rel="hub"). */
  hubUrl: string;
  /** URL of a feed document this server publishes. */
  feedUrl(name: string): string;
  /** Sets a feed document (served at feedUrl(name)); `hub: false` leaves the hub link out. */
  setFeed(name: string, xml: string): void;
  /** Every (un)subscription request received, in order. */
  requests: HubRequestRecord[];
  /** Verified subscriptions by topic. */
  subscriptions: Map<string, HubSubscription>;
  /** Answers of the callbacks to intent verifications: the status and whether the challenge came back. */
  verifications: { mode: string; topic: string; status: number; echoed: boolean }[];
  options: TestHubOptions;
  /** Resolves once a verification of `topic` succeeded `count` times in all. */
  waitForVerified(topic: string, count?: number, timeoutMs?: number): Promise<HubSubscription>;
  /**
   * Pushes `body` to every subscriber of `topic`. `sign`: the subscription's secret with sha256
   * (default) or sha1; `wrong` another key; `none` no header at all.
   */
  publish(
    topic: string,
    body: string,
    options?: { sign?: 'sha256' | 'sha1' | 'wrong' | 'none'; contentType?: string },
  ): Promise<Delivery[]>;
  /** Sends the last delivery again, byte for byte, headers and all. */
  replayLast(): Promise<Delivery>;
  /** Lying: asks `callback` to confirm a subscription to `topic` nobody requested; returns its status and body. */
  verifyUnasked(callback: string, topic: string, mode?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const feeds = new Map<string, string>();
  const requests: HubRequestRecord[] = [];
  const subscriptions = new Map<string, HubSubscription>();
  const verifications: TestHub['verifications'] = [];
  const waiters: (() => void)[] = [];
  let last: { callback: string; body: string; headers: Record<string, string> } | undefined;

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://hub');
      if (request.method === 'GET' && url.pathname.startsWith('/feeds/')) {
        const xml = feeds.get(decodeURIComponent(url.pathname.slice('/feeds/'.length)));
        if (xml === undefined) response.writeHead(404).end();
        else response.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' }).end(xml);
        return;
      }
      if (request.method !== 'POST' || url.pathname !== '/hub') {
        response.writeHead(404).end();
        return;
      }
      const form = new URLSearchParams(await readText(request));
      const record: HubRequestRecord = {
        mode: form.get('hub.mode') ?? '',
        topic: form.get('hub.topic') ?? '',
        callback: form.get('hub.callback') ?? '',
        leaseSeconds: form.has('hub.lease_seconds') ? Number(form.get('hub.lease_seconds')) : undefined,
        hasSecret: form.has('hub.secret'),
      };
      requests.push(record);
      if (options.refuseWith) {
        response.writeHead(options.refuseWith, { 'content-type': 'text/plain' }).end('this hub takes no subscriptions');
        return;
      }
      if (!['subscribe', 'unsubscribe'].includes(record.mode) || !record.topic || !record.callback) {
        response.writeHead(400).end('bad request');
        return;
      }
      response.writeHead(202).end();
      // Verification of intent happens after the answer, as hubs do.
      setTimeout(() => void verify(record, form.get('hub.secret') ?? undefined), 10);
    })().catch(() => response.writeHead(500).end());
  });

  async function verify(record: HubRequestRecord, secret: string | undefined): Promise<void> {
    const challenge = randomBytes(12).toString('hex');
    const lease = options.grantLeaseSeconds ?? record.leaseSeconds ?? 3600;
    const target = new URL(record.callback);
    target.searchParams.set('hub.mode', record.mode);
    target.searchParams.set('hub.topic', record.topic);
    target.searchParams.set('hub.challenge', challenge);
    if (record.mode === 'subscribe') target.searchParams.set('hub.lease_seconds', String(lease));
    const answer = await fetch(target).catch(() => undefined);
    const body = answer ? await answer.text() : '';
    const echoed = answer !== undefined && answer.status >= 200 && answer.status < 300 && body === challenge;
    verifications.push({ mode: record.mode, topic: record.topic, status: answer?.status ?? 0, echoed });
    if (echoed && record.mode === 'subscribe') {
      subscriptions.set(record.topic, {
        topic: record.topic,
        callback: record.callback,
        secret,
        leaseSeconds: lease,
        verifiedAt: Date.now(),
      });
    }
    if (echoed && record.mode === 'unsubscribe') subscriptions.delete(record.topic);
    for (const wake of waiters.splice(0)) wake();
  }

  async function post(callback: string, body: string, headers: Record<string, string>): Promise<Delivery> {
    last = { callback, body, headers };
    const answer = await fetch(callback, { method: 'POST', headers, body });
    return { callback, status: answer.status, body: await answer.text(), headers };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    hubUrl: `${base}/hub`,
    feedUrl: (name) => `${base}/feeds/${encodeURIComponent(name)}`,
    setFeed: (name, xml) => feeds.set(name, xml),
    requests,
    subscriptions,
    verifications,
    options,
    async waitForVerified(topic, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const done = verifications.filter((v) => v.topic === topic && v.mode === 'subscribe' && v.echoed).length >= count;
        if (done && subscriptions.has(topic)) return subscriptions.get(topic)!;
        if (Date.now() > deadline) throw new Error(`test hub: ${topic} not verified ${count} time(s) within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    async publish(topic, body, publishOptions = {}) {
      const subscription = subscriptions.get(topic);
      if (!subscription) return [];
      const headers: Record<string, string> = { 'content-type': publishOptions.contentType ?? 'application/atom+xml; charset=utf-8' };
      const sign = publishOptions.sign ?? 'sha256';
      if (sign !== 'none') {
        const algorithm = sign === 'wrong' ? 'sha256' : sign;
        const key = sign === 'wrong' ? 'not-the-subscription-secret' : (subscription.secret ?? '');
        headers['x-hub-signature'] = `${algorithm}=${createHmac(algorithm, key).update(body).digest('hex')}`;
      }
      return [await post(subscription.callback, body, headers)];
    },
    async replayLast() {
      if (!last) throw new Error('test hub: nothing delivered yet');
      return post(last.callback, last.body, last.headers);
    },
    async verifyUnasked(callback, topic, mode = 'subscribe') {
      const target = new URL(callback);
      target.searchParams.set('hub.mode', mode);
      target.searchParams.set('hub.topic', topic);
      target.searchParams.set('hub.challenge', 'unasked-challenge');
      target.searchParams.set('hub.lease_seconds', '600');
      const answer = await fetch(target);
      return { status: answer.status, body: await answer.text() };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An Atom feed advertising `hub` (and itself as `self`), with the given entries. */
export function atomFeed(input: {
  self: string;
  hub?: string;
  title?: string;
  entries: { id: string; title: string; summary?: string; published: string }[];
}): string {
  const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const entries = input.entries
    .map(
      (entry) =>
        `<entry><id>${xmlEscape(entry.id)}</id><title>${xmlEscape(entry.title)}</title><link href="${xmlEscape(entry.id)}"/>` +
        `<published>${entry.published}</published><updated>${entry.published}</updated>` +
        `<summary>${xmlEscape(entry.summary ?? '')}</summary></entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${xmlEscape(input.title ?? 'Test wire')}</title>
<id>${xmlEscape(input.self)}</id>
<updated>${new Date().toISOString()}</updated>
<link rel="self" href="${xmlEscape(input.self)}"/>
${input.hub ? `<link rel="hub" href="${xmlEscape(input.hub)}"/>` : ''}
${entries}
</feed>`;
}

function readText(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
