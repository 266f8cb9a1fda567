import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createDigestHandler } from '../../functions/send-digests/handler.ts';
import { localCredentials, localRegion } from '../../infra/local/engines.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import type { AlertMessage } from '../../shared/messages/schemas.ts';
import { subscriberSchema } from '../../shared/store/records.ts';
import { parseMessage, type ParsedMessage } from '../integration/delivery/mime-parts.ts';
import { type CapturedMail, startSmtpListener } from '../integration/delivery/smtp-listener.ts';

/**
 * Issue 16, finding 4: `List-Unsubscribe: <mailto:…>` led nowhere (nothing reads mail to the
 * sender, and clients that prefer mailto silently failed). Emails now carry only the https
 * one-click form (RFC 8058), and that link works: the one-process runtime delivers an instant
 * alert and a daily digest over a real SMTP listener, and the test follows the links.
 */

let dataDir: string;
let runtime: LocalRuntime;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let sqs: SQSClient;

const mailsTo = (address: string): CapturedMail[] => smtp.mails.filter((mail) => mail.to.includes(address));

function alert(storyId: string, title: string, published: string): AlertMessage {
  return {
    version: 1,
    storyId,
    item: {
      itemKey: `wire#${storyId}`,
      feedId: 'wire',
      source: 'World Wire',
      guid: storyId,
      link: `https://news.example.org/${storyId}`,
      title,
      summary: 'The Council met at the request of several members.',
      published,
      author: null,
      categories: [],
    },
    topics: [
      {
        topic: 'un-meeting',
        label: 'UN meeting',
        score: 0.9,
        matched: [{ phrase: 'security council', text: 'Security Council', field: 'title', position: 0, rule: 'un-body' }],
      },
    ],
  };
}

async function sendAlerts(alerts: AlertMessage[]): Promise<void> {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: runtime.env.QUEUE_ALERT_URL,
      Entries: alerts.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
    }),
  );
  await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });
}

/** The one URI of a List-Unsubscribe header (fails the test when there is not exactly one). */
function onlyUri(message: ParsedMessage): string {
  const uris = [...(message.headers.get('list-unsubscribe') ?? '').matchAll(/<([^>]*)>/g)].map((m) => m[1]!);
  expect(uris).toHaveLength(1);
  return uris[0]!;
}

const emails: Record<'instant alert' | 'daily digest', () => CapturedMail> = {
  'instant alert': () => mailsTo('instant@example.org')[0]!,
  'daily digest': () => mailsTo('digest@example.org')[0]!,
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-unsubscribe-headers-'));
  smtp = await startSmtpListener();
  runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    inMemory: true,
    log: silentLog,
    mailTransport: 'smtp',
    smtpUrl: smtp.url,
    mailFrom: 'News Alerts <alerts@example.org>',
    allowPrivateNetwork: true,
    schedules: false,
    visibilityTimeoutSeconds: 2,
    handlers: {
      // Digests are due at the next delivery hour: send them as if two days had passed.
      'send-digests': (deps) => createDigestHandler({ ...deps, clock: { now: () => new Date(Date.now() + 2 * 86_400_000) } }),
    },
  });
  sqs = new SQSClient({ endpoint: runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });
  for (const [subscriberId, cadence] of [
    ['instant', 'instant'],
    ['digest', 'daily'],
  ] as const) {
    await runtime.deps.subscriptions.putSubscriber(
      subscriberSchema.parse({
        subscriberId,
        topics: ['un-meeting'],
        channels: [{ kind: 'email', channelId: 'mail', address: `${subscriberId}@example.org` }],
        cadence: { mail: cadence },
        deliveryHour: 7,
        timeZone: 'UTC',
      }),
    );
  }
  await sendAlerts([alert('story-1', 'Security Council meets on Ukraine', '2025-02-24T10:00:00Z')]);
  await runtime.runSchedule('send-digests');
  await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
  await smtp?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each(Object.keys(emails) as (keyof typeof emails)[])('the %s', (kind) => {
  const message = () => parseMessage(emails[kind]().raw);

  it('arrives, once', () => {
    expect(mailsTo(kind === 'instant alert' ? 'instant@example.org' : 'digest@example.org')).toHaveLength(1);
  });

  it.each([
    [
      'List-Unsubscribe holds exactly one URI, the http(s) unsubscribe link',
      (m: ParsedMessage) => expect(onlyUri(m)).toMatch(new RegExp(`^${runtime.apiUrl}/unsubscribe\\?token=[\\w.-]+$`)),
    ],
    [
      'List-Unsubscribe has no mailto (nothing reads replies)',
      (m: ParsedMessage) => expect(m.headers.get('list-unsubscribe')).not.toMatch(/mailto:/i),
    ],
    [
      'List-Unsubscribe-Post is exactly List-Unsubscribe=One-Click (RFC 8058)',
      (m: ParsedMessage) => expect(m.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click'),
    ],
    [
      'no mailto link anywhere in the text or HTML part',
      (m: ParsedMessage) => {
        expect(m.parts.length).toBe(2);
        for (const part of m.parts) expect(part.body).not.toMatch(/mailto:/i);
      },
    ],
    [
      'the footer links the same unsubscribe URL as the header, in both parts',
      (m: ParsedMessage) => {
        const uri = onlyUri(m);
        const [text, html] = m.parts;
        expect(text?.body).toContain(`Unsubscribe: ${uri}`);
        expect(html?.body).toContain(`href="${uri}"`);
      },
    ],
  ])('%s', (_name, check) => {
    check(message());
  });

  it('GET on the link shows a page and changes nothing; a tampered token is refused', async () => {
    const uri = onlyUri(message());
    const subscriberId = kind === 'instant alert' ? 'instant' : 'digest';

    const page = await fetch(uri);
    const tampered = await fetch(`${uri.slice(0, -2)}xx`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(page.status).toBe(200);
    expect(tampered.status).toBe(400);
    expect((await runtime.deps.subscriptions.getSubscriber(subscriberId))?.channelStatus?.mail).toBeUndefined();
  });

  it('a one-click POST to the link, as a mail provider sends it, unsubscribes that channel', async () => {
    const uri = onlyUri(message());
    const subscriberId = kind === 'instant alert' ? 'instant' : 'digest';

    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });

    expect(response.status).toBe(200);
    expect((await runtime.deps.subscriptions.getSubscriber(subscriberId))?.channelStatus?.mail?.state).toBe('unsubscribed');
  });
});

describe('after one-click unsubscribing', () => {
  it('no further alert or digest is mailed', async () => {
    const before = smtp.mails.length;

    await sendAlerts([alert('story-2', 'Security Council meets again on Ukraine', '2025-02-25T10:00:00Z')]);
    await runtime.runSchedule('send-digests');
    await runtime.waitForIdle({ timeoutMs: 30_000, includeNotVisible: true });

    expect(smtp.mails.length).toBe(before);
  });
});
