import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envVariableNames, readEnv } from '../../../shared/config/env.ts';
import { ConfigError } from '../../../shared/core/errors.ts';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { deliverEmail } from '../../../shared/delivery/deliver-email.ts';
import { MailSendError } from '../../../shared/mail/errors.ts';
import { createOutboxMailer } from '../../../shared/mail/outbox-mailer.ts';
import { createSmtpMailer } from '../../../shared/mail/smtp-mailer.ts';
import type { EmailChannel } from '../../../shared/messages/schemas.ts';
import { createMailer } from '../../../shared/runtime/create-mailer.ts';
import { createLogEventSink } from '../../../shared/runtime/log-event-sink.ts';
import { createCapturingLog } from '../../helpers/capturing-log.ts';
import { deliveryMessage, HOSTILE_TITLE, subscriber } from '../../unit/delivery/fixtures.ts';
import { parseMessage } from './mime-parts.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';
import { startSmtpListener } from './smtp-listener.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';

const channel: EmailChannel = { kind: 'email', channelId: 'mail', address: 'reader@example.org' };
const compose = {
  from: 'News Alerts <alerts@example.org>',
  publicBaseUrl: 'https://alerts.example.org',
  tokenKeys: createKeyRing({ current: 'integration-secret-0123456789-integration' }),
};

let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let outboxDir: string;

beforeAll(async () => {
  smtp = await startSmtpListener();
  outboxDir = await mkdtemp(join(tmpdir(), 'news-alerts-outbox-'));
});

afterAll(async () => {
  await smtp?.stop();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

beforeEach(() => {
  smtp.mails.length = 0;
});

describe('SMTP mailer', () => {
  it('hands a complete message to a real SMTP server: headers and both parts', async () => {
    // Prepare
    const base = deliveryMessage({ channel });
    const email = composeAlertEmail({ ...base, item: { ...base.item, title: `${HOSTILE_TITLE} — Genève` } }, compose);

    // Act
    const { id } = await createSmtpMailer(smtp.url).send(email);

    // Assess
    expect(id).toBe(email.messageId);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('alerts@example.org');
    expect(mail.to).toEqual(['reader@example.org']);
    const parsed = parseMessage(mail.raw);
    expect(parsed.headers.get('message-id')).toBe(email.messageId);
    expect(parsed.headers.get('list-unsubscribe')).toBe(email.headers['List-Unsubscribe']);
    expect(parsed.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/alerts\.example\.org\/unsubscribe\?token=[^>]+>$/);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    const [text, html] = parsed.parts;
    expect(text?.contentType).toMatch(/^text\/plain; charset=utf-8/);
    expect(html?.contentType).toMatch(/^text\/html; charset=utf-8/);
    expect(text?.body).toContain(`${HOSTILE_TITLE} — Genève`);
    expect(html?.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html?.body).not.toContain('<script>');
    expect(html?.body).toContain('matched: Security Council, emergency meeting');
  });

  it('reports a 550 recipient rejection as permanent and a 451 as retryable', async () => {
    const mailer = createSmtpMailer(smtp.url);
    const rejected = composeAlertEmail(deliveryMessage({ channel: { ...channel, address: 'rejected@example.org' } }), compose);
    const later = composeAlertEmail(deliveryMessage({ channel: { ...channel, address: 'later@example.org' } }), compose);

    const permanent = await mailer.send(rejected).catch((e: unknown) => e);
    const transient = await mailer.send(later).catch((e: unknown) => e);

    expect(permanent).toBeInstanceOf(MailSendError);
    expect(permanent).toMatchObject({ retryable: false, responseCode: 550 });
    expect(transient).toMatchObject({ retryable: true, responseCode: 451 });
  });

  it('reports a connection failure as retryable', async () => {
    const email = composeAlertEmail(deliveryMessage({ channel }), compose);

    const error = await createSmtpMailer('smtp://127.0.0.1:1')
      .send(email)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ retryable: true });
  });
});

describe('outbox mailer', () => {
  it('writes the full message as .eml and its HTML body as .html of the same name', async () => {
    const dir = join(outboxDir, 'one');
    const email = composeAlertEmail(deliveryMessage({ channel }), compose);
    const clock = { now: () => new Date('2025-02-24T15:05:00.123Z') };

    await createOutboxMailer({ dir, clock }).send(email);

    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    const [eml, html] = [files.find((f) => f.endsWith('.eml'))!, files.find((f) => f.endsWith('.html'))!];
    expect(eml).toMatch(/^20250224T150500-123Z-msg_[A-Za-z0-9_-]+_example\.org\.eml$/);
    expect(html).toBe(eml.replace(/\.eml$/, '.html'));
    expect(await readFile(join(dir, html), 'utf8')).toBe(email.html);
    const parsed = parseMessage(await readFile(join(dir, eml), 'utf8'));
    expect(parsed.headers.get('subject')).toBe(email.subject);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.parts.map((p) => p.body)).toEqual([email.text, email.html]);
  });
});

describe('createMailer', () => {
  const env = (overrides: Record<string, string>) =>
    readEnv({
      // Every table variable, whichever tables the topology has.
      ...Object.fromEntries(envVariableNames.filter((name) => name.startsWith('TABLE_')).map((name) => [name, name.toLowerCase()])),
      QUEUE_POLL_URL: 'http://127.0.0.1/q/poll',
      QUEUE_ITEMS_URL: 'http://127.0.0.1/q/items',
      QUEUE_ALERT_URL: 'http://127.0.0.1/q/alert',
      QUEUE_WEBHOOK_URL: 'http://127.0.0.1/q/webhook',
      QUEUE_EMAIL_URL: 'http://127.0.0.1/q/email',
      QUEUE_DIGEST_URL: 'http://127.0.0.1/q/digest',
      MAIL_FROM: 'alerts@example.org',
      ...overrides,
    });

  it('chooses the transport MAIL_TRANSPORT names', async () => {
    const dir = join(outboxDir, 'chosen');
    await createMailer(env({ MAIL_TRANSPORT: 'outbox', OUTBOX_DIR: dir })).send(composeAlertEmail(deliveryMessage({ channel }), compose));
    await createMailer(env({ MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url })).send(composeAlertEmail(deliveryMessage({ channel }), compose));

    expect(await readdir(dir)).toHaveLength(2);
    expect(smtp.mails).toHaveLength(1);
    expect(() => createMailer(env({ MAIL_TRANSPORT: 'smtp' }))).toThrow(ConfigError);
    expect(() => createMailer(env({ MAIL_TRANSPORT: 'outbox' }))).toThrow(/OUTBOX_DIR/);
  });

  it('refuses smtp, naming the transport it was built for, in a bundle built for another one', () => {
    // Prepare: what infra/aws/bundling.ts writes into a bundle built for an SES deployment
    const defines = globalThis as { NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT?: string };
    defines.NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT = 'ses';
    try {
      // Act and assess
      expect(() => createMailer(env({ MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url }))).toThrow(
        /mail transport smtp is not in this bundle: it was built for ses/,
      );
      expect(() => createMailer(env({ MAIL_TRANSPORT: 'ses' }))).not.toThrow();
    } finally {
      delete defines.NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT;
    }
  });
});

describe('deliverEmail over SMTP with the DynamoDB delivery store', () => {
  let engines: PipelineEngines;

  beforeAll(async () => {
    engines = await startPipelineEngines({ mailer: createSmtpMailer(smtp.url) });
  });

  afterAll(async () => {
    await engines?.stop();
  });

  it('sends once and skips a redelivery of the same message', async () => {
    // Prepare
    await engines.deps.subscriptions.putSubscriber(subscriber({ subscriberId: 'reader', channels: [channel] }));
    const message = deliveryMessage({ subscriberId: 'reader', channel });

    // Act
    const first = await deliverEmail(message, engines.deps, compose);
    const again = await deliverEmail(message, engines.deps, compose);

    // Assess
    expect(first).toMatchObject({ status: 'delivered' });
    expect(again).toEqual({ status: 'skipped', reason: 'already-sent' });
    expect(smtp.mails).toHaveLength(1);
    expect(engines.events.map((e) => e.type)).toEqual(['delivered', 'delivery-skipped']);
  });

  it('logs one line per outcome (the event), with the transport id of a sent email', async () => {
    await engines.deps.subscriptions.putSubscriber(subscriber({ subscriberId: 'logged', channels: [channel] }));
    const message = deliveryMessage({ subscriberId: 'logged', channel });
    const log = createCapturingLog();
    const lambdaDeps = { ...engines.deps, log, events: createLogEventSink(log) };

    await deliverEmail(message, lambdaDeps, compose);
    await deliverEmail(message, lambdaDeps, compose);

    expect(log.lines.map((line) => [line.level, line.message, line.fields?.deliveryKey])).toEqual([
      ['info', 'delivered', message.deliveryKey],
      ['info', 'delivery-skipped', message.deliveryKey],
    ]);
    expect(log.lines[0]?.fields).toMatchObject({ target: 'r***@example.org', transportId: expect.any(String) });
  });

  it('sends to the address the subscriber has now, and records a permanent rejection', async () => {
    await engines.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'moved', channels: [{ ...channel, address: 'rejected@example.org' }] }),
    );
    const message = deliveryMessage({ subscriberId: 'moved', channel });

    const outcome = await deliverEmail(message, engines.deps, compose);
    const redelivered = await deliverEmail(message, engines.deps, compose);

    expect(outcome).toEqual({ status: 'failed', paused: false, error: expect.stringContaining('SMTP 550') });
    expect(redelivered.status).toBe('skipped');
    expect(smtp.mails).toHaveLength(0);
  });

  it('throws a retryable error for a 451 so SQS retries', async () => {
    await engines.deps.subscriptions.putSubscriber(
      subscriber({ subscriberId: 'busy', channels: [{ ...channel, address: 'later@example.org' }] }),
    );

    const error = await deliverEmail(deliveryMessage({ subscriberId: 'busy', channel }), engines.deps, compose).catch((e: unknown) => e);

    expect(error).toMatchObject({ retryable: true, responseCode: 451 });
  });

  it('skips and records a subscriber who unsubscribed', async () => {
    await engines.deps.subscriptions.putSubscriber(subscriber({ subscriberId: 'left', channels: [channel], state: 'unsubscribed' }));

    const outcome = await deliverEmail(deliveryMessage({ subscriberId: 'left', channel }), engines.deps, compose);

    expect(outcome).toEqual({ status: 'skipped', reason: 'subscriber-inactive' });
    expect(smtp.mails).toHaveLength(0);
  });
});
