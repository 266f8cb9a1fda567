import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createEmailHandler } from '../../functions/deliver-email/handler.ts';
import { createHandler as createWebhookHandler } from '../../functions/deliver-webhook/handler.ts';
import { createHandler as createDigestHandler } from '../../functions/send-digests/handler.ts';
import { localCredentials, localRegion } from '../../infra/local/engines.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import type { PipelineEvent } from '../../shared/core/events.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { describeDeadLetter } from '../../shared/dead-letters/describe-dead-letter.ts';
import type { RetryPolicy } from '../../shared/delivery/retry-policy.ts';
import { checkSlackLimits, type SlackMessage } from '../../shared/delivery/slack-message.ts';
import type { AlertMessage, Channel } from '../../shared/messages/schemas.ts';
import type { SubscriberInput } from '../../shared/store/records.ts';
import { subscriberSchema } from '../../shared/store/records.ts';
import { parseMessage } from '../integration/delivery/mime-parts.ts';
import { startSmtpListener, type CapturedMail } from '../integration/delivery/smtp-listener.ts';
import { webhookSecret } from '../unit/delivery/fixtures.ts';

/**
 * Delivery end to end, in the one-process runtime (persisted data folder, so retries run through
 * fauxqs's persistence too): alerts go into the alert queue, the real handlers fan them out and
 * deliver them to real servers on 127.0.0.1 — webhook receivers with scripted failures, a Slack
 * stand-in, and an SMTP listener — with a fast retry policy so backoff and the DLQ happen within
 * the test.
 */

const FAST_RETRIES: RetryPolicy = { baseSeconds: 1, factor: 1, maxSeconds: 1 };
const HOSTILE = 'UN Security Council <!channel> meets on <script>alert(1)</script> & sanctions';
const [oldSecret, newSecret] = [webhookSecret(71), webhookSecret(72)];

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/** One receiver, one behaviour per path; `/down` fails until `recover()`. */
async function startReceivers() {
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  let down = true;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      const id = `${path} ${String(request.headers['webhook-id'] ?? body.length)}`;
      const attempt = (seen.get(id) ?? 0) + 1;
      seen.set(id, attempt);
      let status = 200;
      const headers: Record<string, string> = {};
      if (path === '/flaky' && attempt === 1) status = 500;
      if (path === '/busy' && attempt === 1) {
        status = 429;
        headers['retry-after'] = '2';
      }
      if (path === '/down' && down) status = 503;
      hits.push({ path, headers: request.headers, body, status, at: Date.now() });
      response.writeHead(status, headers).end(path === '/slack' ? 'ok' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    on: (path: string) => hits.filter((hit) => hit.path === path),
    recover: () => {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function alert(storyId: string, title: string, topic: 'un-meeting' | 'talks' | 'sanctions', published: string): AlertMessage {
  const label = { 'un-meeting': 'UN meeting', talks: 'Talks', sanctions: 'Sanctions' }[topic];
  return {
    version: 1,
    storyId,
    item: {
      itemKey: `wire#${storyId}`,
      feedId: 'wire',
      source: 'World Wire',
      guid: storyId,
      link: `https://news.example.org/${storyId}?a=1&b=2`,
      title,
      summary: `Delegations met on Monday (${storyId}).`,
      published,
      author: null,
      categories: [],
    },
    topics: [
      {
        topic,
        label,
        score: 0.9,
        matched: [{ phrase: 'x', text: title.split(' ').slice(0, 2).join(' '), field: 'title', position: 0, rule: 'r' }],
      },
    ],
    storyMembers: [
      {
        itemKey: `other#${storyId}`,
        feedId: 'other',
        source: 'Agency Digest',
        title,
        link: `https://agency.example.org/${storyId}`,
        published,
        addedAt: published,
      },
    ],
  };
}

describe('delivery end to end (one process, real receivers)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receivers: Awaited<ReturnType<typeof startReceivers>>;
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let sqs: SQSClient;
  const events: PipelineEvent[] = [];
  const mailsTo = (address: string): CapturedMail[] => smtp.mails.filter((mail) => mail.to.includes(address));

  async function sendAlerts(alerts: AlertMessage[]): Promise<void> {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: runtime.env.QUEUE_ALERT_URL,
        Entries: alerts.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
      }),
    );
  }

  async function subscribe(input: SubscriberInput): Promise<void> {
    await runtime.deps.subscriptions.putSubscriber(subscriberSchema.parse(input));
  }

  const hook = (path: string, format: 'json' | 'slack' = 'json'): Channel => ({
    kind: 'webhook',
    channelId: `hook${path.replace('/', '-')}`,
    url: `${receivers.url}${path}`,
    format,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-delivery-e2e-'));
    receivers = await startReceivers();
    smtp = await startSmtpListener();
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      log: silentLog,
      events: { emit: (event) => events.push(event) },
      mailTransport: 'smtp',
      smtpUrl: smtp.url,
      mailFrom: 'News Alerts <alerts@example.org>',
      allowPrivateNetwork: true,
      schedules: false,
      visibilityTimeoutSeconds: 2,
      handlers: {
        'deliver-webhook': (deps) => createWebhookHandler(deps, { retryPolicy: FAST_RETRIES }),
        'deliver-email': (deps) => createEmailHandler(deps, { retryPolicy: FAST_RETRIES }),
        // Digests are due at the next delivery hour: run send-digests as if three days had passed.
        'send-digests': (deps) => createDigestHandler({ ...deps, clock: { now: () => new Date(Date.now() + 3 * 86_400_000) } }),
      },
    });
    sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });

    await subscribe({
      subscriberId: 'verified-team',
      topics: ['un-meeting'],
      channels: [hook('/verified')],
      webhookSecret: newSecret,
      previousWebhookSecret: oldSecret,
    });
    await subscribe({ subscriberId: 'flaky-team', topics: ['sanctions'], channels: [hook('/flaky')], webhookSecret: newSecret });
    await subscribe({ subscriberId: 'busy-team', topics: ['sanctions'], channels: [hook('/busy')], webhookSecret: newSecret });
    await subscribe({ subscriberId: 'down-team', topics: ['talks'], channels: [hook('/down')], webhookSecret: newSecret });
    await subscribe({ subscriberId: 'slack-team', topics: ['un-meeting', 'sanctions'], channels: [hook('/slack', 'slack')] });
    await subscribe({
      subscriberId: 'reader',
      topics: ['un-meeting', 'sanctions'],
      channels: [{ kind: 'email', channelId: 'mail', address: 'reader@example.org' }],
    });
    await subscribe({
      subscriberId: 'digest-reader',
      topics: ['un-meeting', 'talks', 'sanctions'],
      channels: [{ kind: 'email', channelId: 'mail', address: 'digest@example.org' }],
      cadence: { mail: 'daily' },
      deliveryHour: 7,
      timeZone: 'Europe/Kyiv',
    });

    const meeting = alert('story-meeting', HOSTILE, 'un-meeting', '2025-02-24T10:00:00Z');
    // The same alert twice, as SQS may deliver it: still one delivery per subscriber and channel.
    await sendAlerts([
      meeting,
      meeting,
      alert('story-sanctions', 'EU adopts new sanctions package against shadow fleet', 'sanctions', '2025-02-24T11:00:00Z'),
      alert('story-talks', 'Delegations prepare new round of peace talks', 'talks', '2025-02-24T12:00:00Z'),
    ]);
    await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });
  });

  afterAll(async () => {
    sqs?.destroy();
    await runtime?.stop();
    await Promise.all([receivers?.close(), smtp?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs JSON webhooks per Standard Webhooks: the standardwebhooks library verifies them with either secret of a rotation', () => {
    const [hit, ...more] = receivers.on('/verified');
    expect(more).toEqual([]);
    const headers = {
      'webhook-id': String(hit!.headers['webhook-id']),
      'webhook-timestamp': String(hit!.headers['webhook-timestamp']),
      'webhook-signature': String(hit!.headers['webhook-signature']),
    };
    for (const secret of [newSecret, oldSecret]) {
      const payload = new Webhook(secret).verify(hit!.body, headers) as {
        version: number;
        story: { title: string };
        items: { source: string }[];
      };
      expect(payload.version).toBe(1);
      expect(payload.story.title).toBe(HOSTILE);
      expect(payload.items.map((item) => item.source)).toEqual(['World Wire', 'Agency Digest']);
    }
    expect(() => new Webhook(webhookSecret(99)).verify(hit!.body, headers)).toThrow();
  });

  it('retries a 500 and delivers once when the receiver recovers', () => {
    expect(receivers.on('/flaky').map((hit) => hit.status)).toEqual([500, 200]);
    const ids = new Set(receivers.on('/flaky').map((hit) => hit.headers['webhook-id']));
    expect(ids.size).toBe(1);
  });

  it("honours a 429's Retry-After before trying again", () => {
    const [first, second, ...rest] = receivers.on('/busy');
    expect([first?.status, second?.status, rest.length]).toEqual([429, 200, 0]);
    // Retry-After: 2 — the message stayed hidden at least that long.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it('posts Slack Block Kit within its structural limits, with hostile titles escaped', () => {
    const hits = receivers.on('/slack');
    const messages = hits.map((hit) => JSON.parse(hit.body) as SlackMessage);
    const texts = messages.map((m) => JSON.stringify(m));
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const message of messages) expect(checkSlackLimits(message)).toEqual([]);
    const all = texts.join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<script>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;script&gt;');
    expect(all).toContain(' &amp; sanctions');
    expect(all).toContain('Also reported by');
    // Both stories reached the channel, each once (one message or two, depending on pacing).
    expect((all.match(/story-meeting\?a=1/g) ?? []).length).toBe(1);
    expect((all.match(/story-sanctions\?a=1/g) ?? []).length).toBe(1);
  });

  it('sends instant email over SMTP with RFC 8058 one-click unsubscribe headers', () => {
    const mails = mailsTo('reader@example.org');
    expect(mails).toHaveLength(2);
    const parsed = parseMessage(mails[0]!.raw);
    expect(parsed.headers.get('list-unsubscribe')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=[\w.-]+>$/);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const html = parsed.parts.find((part) => part.contentType.startsWith('text/html'))!.body;
    expect(html).not.toContain('<script>alert');
  });

  it('dead-letters a delivery that keeps failing, and a redrive delivers it once the receiver is back', async () => {
    const failures = receivers.on('/down');
    expect(failures.length).toBe(8); // the webhook queue's maxReceiveCount
    expect(failures.every((hit) => hit.status === 503)).toBe(true);
    const [dead, ...others] = await runtime.receiveDlq('webhook');
    expect(others).toEqual([]);
    const description = await describeDeadLetter('webhook', dead!, { deliveries: runtime.deps.deliveries });
    expect(description.what).toContain('delivery to down-team');
    expect(description.why).toContain('HTTP 503');

    receivers.recover();
    const result = await runtime.deps.deadLetters!.redrive('webhook');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    expect(result).toMatchObject({ method: 'move-loop', moved: 1, failed: 0 });
    expect(receivers.on('/down').filter((hit) => hit.status === 200)).toHaveLength(1);
    expect((await runtime.queueDepths()).webhook.deadLetters.visible).toBe(0);
  });

  it('sends one daily digest, grouped by topic with other outlets, and never twice', async () => {
    expect(mailsTo('digest@example.org')).toHaveLength(0);
    await runtime.runSchedule('send-digests');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });
    await runtime.runSchedule('send-digests');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    const digests = mailsTo('digest@example.org');
    expect(digests).toHaveLength(1);
    const parsed = parseMessage(digests[0]!.raw);
    expect(parsed.headers.get('subject')).toContain('Daily digest: 3 stories');
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const text = parsed.parts.find((part) => part.contentType.startsWith('text/plain'))!.body;
    const sections = [...text.matchAll(/^== (.+) \(\d+\) ==$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(['Sanctions', 'Talks', 'UN meeting']);
    expect(text.match(/Also reported by Agency Digest/g)).toHaveLength(3);
    // Each story once.
    expect(text.match(/EU adopts new sanctions package/g)).toHaveLength(1);
    expect(text.match(/Delegations prepare new round/g)).toHaveLength(1);
  });

  it('stops email at once after a one-click POST to the List-Unsubscribe URL', async () => {
    const header = parseMessage(mailsTo('reader@example.org')[0]!.raw).headers.get('list-unsubscribe')!;
    const url = /<(http[^>]+)>/.exec(header)![1]!;
    const before = mailsTo('reader@example.org').length;

    const page = await fetch(url);
    const stillSubscribed = await runtime.deps.subscriptions.getSubscriber('reader');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    await sendAlerts([alert('story-later', 'Security Council meets again on Ukraine', 'un-meeting', '2025-02-25T10:00:00Z')]);
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    expect(page.status).toBe(200);
    expect(stillSubscribed?.channelStatus?.mail).toBeUndefined();
    expect(response.status).toBe(200);
    expect((await runtime.deps.subscriptions.getSubscriber('reader'))?.channelStatus?.mail?.state).toBe('unsubscribed');
    expect(mailsTo('reader@example.org')).toHaveLength(before);
    // The webhook subscriber on the same topic still got the new story.
    expect(receivers.on('/verified')).toHaveLength(2);
  });
});
