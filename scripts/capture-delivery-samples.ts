/**
 * Writes docs/samples/ from a real run: the one-process pipeline over the bundled demo feeds
 * (served on 127.0.0.1) delivers to a JSON webhook receiver, a Slack-format receiver and, as a
 * daily digest, to the outbox; the files are what those received.
 *
 *   node --import tsx scripts/capture-delivery-samples.ts
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles } from '../cli/demo/fixture-servers.ts';
import { makeAllFeedsDue } from '../cli/poll-all-now.ts';
import { createHandler as createDigestHandler } from '../functions/send-digests/handler.ts';
import { startLocalRuntime } from '../infra/local/index.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { applyConfig } from '../shared/config/apply-config.ts';
import { configFileSchema } from '../shared/config/config-file.ts';
import { silentLog } from '../shared/core/logger.ts';

const samplesDir = fileURLToPath(new URL('../docs/samples/', import.meta.url));
/** A published sample secret: anyone can check the sample's signature with it. */
const SAMPLE_SECRET = `whsec_${Buffer.from('news-alerts sample signing secret').toString('base64')}`;

async function startReceiver(answer: string) {
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'text/plain' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
const hooks = await startReceiver('');
const slack = await startReceiver('ok');
const dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-samples-'));
const runtime = await startLocalRuntime({
  dataDir,
  inMemory: true,
  apiPort: 0,
  log: silentLog,
  mailTransport: 'outbox',
  mailFrom: 'News Alerts <alerts@example.org>',
  publicBaseUrl: 'https://alerts.example.org',
  allowPrivateNetwork: true,
  schedules: false,
  handlers: {
    // The digest is due at 07:00 in the subscriber's zone: send it as if that time had come.
    'send-digests': (deps) => createDigestHandler({ ...deps, clock: { now: () => new Date(Date.now() + 2 * 86_400_000) } }),
  },
});
try {
  const config = configFileSchema.parse({
    feeds: demoFeedFiles.map((file) => ({ id: file.replace(/\.xml$/, ''), url: `${feeds.url}/${file}` })),
    subscribers: [
      {
        id: 'newsroom',
        webhooks: [{ url: `${hooks.url}/news`, format: 'json' }],
        webhookSecret: SAMPLE_SECRET,
        topics: ['un-meeting', 'talks', 'sanctions'],
      },
      {
        id: 'team-slack',
        webhooks: [{ url: `${slack.url}/services/T000/B000/XXXX`, format: 'slack' }],
        topics: ['un-meeting', 'talks', 'sanctions'],
      },
      {
        id: 'analyst',
        email: 'analyst@example.org',
        topics: ['un-meeting', 'talks', 'sanctions'],
        cadence: 'daily',
        deliveryHour: 7,
        timeZone: 'Europe/Kyiv',
      },
    ],
  });
  await applyConfig(
    config,
    runtime.deps,
    builtinTopics.map((topic) => topic.id),
  );
  await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
  await runtime.runSchedule('plan-polls');
  await runtime.waitForIdle({ timeoutMs: 120_000, includeNotVisible: true });
  await runtime.runSchedule('send-digests');
  await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });

  await mkdir(samplesDir, { recursive: true });
  const hook = hooks.received.find((request) => request.body.includes('"un-meeting"')) ?? hooks.received[0];
  if (!hook) throw new Error('no webhook was delivered');
  await writeFile(join(samplesDir, 'webhook-payload.json'), `${JSON.stringify(JSON.parse(hook.body), null, 2)}\n`);
  const shown = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
  await writeFile(
    join(samplesDir, 'webhook-request.http'),
    `POST ${new URL(hooks.url).pathname.replace(/\/$/, '')}/news HTTP/1.1\n${shown.map((name) => `${name}: ${String(hook.headers[name])}`).join('\n')}\n\n${hook.body}\n`,
  );
  const slackMessage = slack.received.reduce(
    (best, request) => (request.body.length > (best?.body.length ?? 0) ? request : best),
    slack.received[0],
  );
  if (!slackMessage) throw new Error('no Slack message was delivered');
  await writeFile(join(samplesDir, 'slack-message.json'), `${JSON.stringify(JSON.parse(slackMessage.body), null, 2)}\n`);

  const outbox = runtime.env.OUTBOX_DIR!;
  let digest: string | undefined;
  for (const file of (await readdir(outbox)).filter((name) => name.endsWith('.eml'))) {
    if ((await readFile(join(outbox, file), 'utf8')).includes('Daily digest')) digest = file;
  }
  if (!digest) throw new Error('no digest email was written');
  await copyFile(join(outbox, digest), join(samplesDir, 'digest-email.eml'));
  await copyFile(join(outbox, digest.replace(/\.eml$/, '.html')), join(samplesDir, 'digest-email.html'));
  console.log(`wrote ${samplesDir}: webhook-payload.json, webhook-request.http, slack-message.json, digest-email.eml, digest-email.html`);
  console.log(`webhooks ${hooks.received.length}, slack messages ${slack.received.length}, digest ${digest}`);
} finally {
  await runtime.stop();
  await Promise.all([feeds.close(), hooks.close(), slack.close()]);
  await rm(dataDir, { recursive: true, force: true });
}
