/**
 * "Send a test alert": `news-alerts subscribers test ID` through the real CLI (`main`), to a
 * real JSON webhook receiver that verifies the Standard Webhooks signature with the
 * `standardwebhooks` library, a Slack stand-in, and a real SMTP listener (stopped data folder)
 * or the outbox (a running pipeline, through `POST /api/admin/subscribers/{id}/test`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { runCli } from '../helpers/capture-io.ts';
import { startSmtpListener } from '../integration/delivery/smtp-listener.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('news-alerts subscribers test', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  let dir: string;
  let receiver: Server;
  let origin: string;
  const received: Received[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let runtime: LocalRuntime | undefined;
  const previousAllow = process.env.ALLOW_PRIVATE_NETWORK;

  beforeAll(async () => {
    process.env.ALLOW_PRIVATE_NETWORK = 'true'; // the receivers are on 127.0.0.1
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-subscriber-test-'));
    // /hook: a JSON webhook receiver; /slack: Slack's answer ("ok"); /broken: a receiver failing.
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (request.url === '/broken') {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end('database is down, try later');
        } else {
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end(request.url === '/slack' ? 'ok' : 'thanks, got it');
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    smtp = await startSmtpListener();
  });

  beforeEach(() => {
    received.length = 0;
  });

  afterAll(async () => {
    if (previousAllow === undefined) delete process.env.ALLOW_PRIVATE_NETWORK;
    else process.env.ALLOW_PRIVATE_NETWORK = previousAllow;
    await runtime?.stop();
    await smtp?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** The JSON webhook's request, verified as a receiver would: throws on a bad signature. */
  function verifiedPayload(path = '/hook'): Record<string, unknown> {
    const hook = received.find((r) => r.path === path);
    expect(hook, `no request on ${path}`).toBeDefined();
    return new Webhook(secret).verify(hook!.body, hook!.headers as Record<string, string>) as Record<string, unknown>;
  }

  it('from a stopped data folder: signed webhook, Slack message and SMTP email, each marked [test], and what each answered', async () => {
    const dataDir = join(dir, 'stopped');
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true }); // as a first "run" leaves it
    const config = join(dir, 'smtp.yaml');
    await writeFile(config, `delivery:\n  mailFrom: Alerts <alerts@example.org>\n  smtpUrl: ${smtp.url}\n`);
    const added = await runCli([
      'subscribers',
      'add',
      'desk',
      '--topic',
      'sanctions',
      '--email',
      'desk@example.org',
      '--webhook',
      `${origin}/hook`,
      '--slack',
      `${origin}/slack`,
      '--secret',
      secret,
      '--data-dir',
      dataDir,
    ]);
    expect(added, added.err).toMatchObject({ code: 0 });

    const tested = await runCli(['subscribers', 'test', 'desk', '--data-dir', dataDir, '--config', config]);

    expect(tested, tested.err).toMatchObject({ code: 0, err: '' });
    expect(tested.out).toContain('test alert sent to subscriber desk: every active channel took it');
    expect(tested.out).toMatch(/sent\s+\S+\s+webhook\s+127\.0\.0\.1:\d+\s+HTTP 200 "thanks, got it"/);
    expect(tested.out).toMatch(/sent\s+\S+\s+slack\s+127\.0\.0\.1:\d+\s+HTTP 200 "ok"/);
    expect(tested.out).toMatch(/sent\s+\S+\s+email\s+d\*\*\*@example\.org\s+SMTP 250/);
    const payload = verifiedPayload();
    expect(payload).toMatchObject({ version: 1, type: 'story.alert', test: true, subscriber: 'desk' });
    expect((payload.story as { title: string }).title).toMatch(/^\[test\] /);
    const slack = JSON.parse(received.find((r) => r.path === '/slack')!.body) as { text: string; blocks: unknown[] };
    expect(slack.text).toContain('[test]');
    expect(JSON.stringify(slack.blocks)).toContain('[test]');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['desk@example.org']);
    expect(smtp.mails[0]!.raw).toMatch(/^Subject: .*\[test\]/m);
  });

  it('exits 1 and prints the status and start of the answer when a receiver fails; skips channels not active', async () => {
    const dataDir = join(dir, 'failing');
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
    expect(
      (
        await runCli([
          'subscribers',
          'add',
          'ops',
          '--topic',
          'talks',
          '--webhook',
          `${origin}/broken`,
          '--secret',
          secret,
          '--data-dir',
          dataDir,
        ])
      ).code,
    ).toBe(0);

    const failed = await runCli(['subscribers', 'test', 'ops', '--data-dir', dataDir, '--json']);

    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.out) as { ok: boolean; channels: Record<string, unknown>[] };
    expect(report.ok).toBe(false);
    expect(report.channels).toEqual([
      expect.objectContaining({ kind: 'webhook', outcome: 'failed', httpStatus: 500, answer: 'database is down, try later' }),
    ]);
    const text = await runCli(['subscribers', 'test', 'ops', '--data-dir', dataDir]);
    expect(text.code).toBe(1);
    expect(text.out).toContain('test alert to subscriber ops: 1 channel failed');
    expect(text.out).toMatch(/FAILED\s+\S+\s+webhook\s+\S+\s+HTTP 500 "database is down, try later"/);

    // A paused subscriber gets nothing: the test reports the channel skipped, and nothing was sent.
    expect(
      (
        await runCli([
          'subscribers',
          'add',
          'ops',
          '--topic',
          'talks',
          '--webhook',
          `${origin}/hook`,
          '--secret',
          secret,
          '--paused',
          '--data-dir',
          dataDir,
        ])
      ).code,
    ).toBe(0);
    received.length = 0;
    const skipped = await runCli(['subscribers', 'test', 'ops', '--data-dir', dataDir]);
    expect(skipped.code).toBe(1);
    expect(skipped.out).toContain('no active channel to send to');
    expect(received).toEqual([]);
    expect(await runCli(['subscribers', 'test', 'nobody', '--data-dir', dataDir])).toMatchObject({ code: 1 });
  });

  it('on a running pipeline goes through the admin API: outbox email, no delivery marker, no digest entry', async () => {
    const dataDir = join(dir, 'running');
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      log: silentLog,
      schedules: false,
      mailTransport: 'outbox',
      envOverrides: { ALLOW_PRIVATE_NETWORK: 'true' },
    });
    await runtime.deps.subscriptions.putSubscriber({
      subscriberId: 'team',
      topics: ['un-meeting'],
      channels: [
        { kind: 'webhook', channelId: 'hook', url: `${origin}/hook`, format: 'json' },
        { kind: 'email', channelId: 'mail', address: 'team@example.org' },
      ],
      webhookSecret: secret,
      minScore: 0,
      state: 'active',
      cadence: { mail: 'daily' },
    });

    const tested = await runCli(['subscribers', 'test', 'team', '--api', runtime.apiUrl, '--data-dir', dataDir, '--json']);

    expect(tested, tested.err).toMatchObject({ code: 0, err: '' });
    const report = JSON.parse(tested.out) as { ok: boolean; storyId: string; channels: { kind: string; answer?: string }[] };
    expect(report.ok).toBe(true);
    expect(verifiedPayload()).toMatchObject({ test: true, subscriber: 'team' });
    const email = report.channels.find((c) => c.kind === 'email')!;
    const eml = /^written to (.+\.eml)$/.exec(email.answer ?? '')?.[1];
    expect(eml && existsSync(eml), email.answer).toBe(true);
    // Nothing recorded: a real alert of the same story later is not "already sent", and the
    // daily-digest channel holds no entry.
    expect(await runtime.deps.deliveries.getDelivery(`team#${report.storyId}#hook`)).toBeUndefined();
    expect(await runtime.deps.deliveries.getDelivery(`team#${report.storyId}#mail`)).toBeUndefined();
    expect(await runtime.deps.digests.getHead('team', 'mail')).toBeUndefined();

    // The endpoint is the operator's: Bearer only; an unknown subscriber is 404.
    const url = `${runtime.apiUrl.replace(/\/+$/, '')}/api/admin/subscribers/team/test`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const unknown = await runCli(['subscribers', 'test', 'nobody', '--api', runtime.apiUrl, '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('the pipeline refused: HTTP 404, no subscriber "nobody"');
  });
});
