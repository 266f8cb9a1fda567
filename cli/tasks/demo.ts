import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startLocalRuntime } from '../../infra/local/index.ts';
import { builtinTopics } from '../../shared/classify/index.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { type ConfigFile, configFileSchema } from '../../shared/config/config-file.ts';
import { createConsoleLogger } from '../../shared/core/logger.ts';
import { type PipelineCounts, createEventCounter } from '../event-printer.ts';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles, startWebhookReceiver } from '../demo/fixture-servers.ts';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../io.ts';
import { makeAllFeedsDue } from '../poll-all-now.ts';

/** A demo-only signing secret; real subscribers get their own. */
const DEMO_WEBHOOK_SECRET = `whsec_${Buffer.from('news-alerts demo signing secret').toString('base64')}`;

export interface DemoSummary extends PipelineCounts {
  dataDir: string;
  webhookReceiver: { url: string; received: number };
  outbox: { dir: string; emails: number };
}

/**
 * `news-alerts demo`: the real pipeline (local runtime, same handlers) over the bundled offline
 * feeds served on localhost, delivering to a local webhook receiver and the outbox folder.
 */
export async function demoCommand(options: { dataDir: string; json: boolean }, io: CliIo): Promise<number> {
  // Ctrl-C: say so, let the runtime finish what is in flight (the data folder stays consistent),
  // and exit as a shell expects of an interrupted command; a second Ctrl-C exits at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    io.stderr.write('demo interrupted (Ctrl-C): stopping; what was delivered so far stays in the data folder\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  if (options.json && process.env.npm_lifecycle_event === 'demo' && !jsonAskedOfNpm()) {
    // `npm run demo -- --json`: npm has already printed its banner on stdout, before this process
    // started; nothing here can take it back. Say how to get JSON alone.
    io.stderr.write(
      'note: npm printed its banner on stdout before this JSON; for a pipe use "npm run demo --json" (no --) or "npx news-alerts demo --json"\n',
    );
  }
  try {
    const summary = await runDemo({ dataDir: resolve(options.dataDir), signal: interrupt.signal });
    if (summary === 'interrupted') {
      io.stderr.write('demo stopped: run it again to finish (or delete the data folder to start over)\n');
      return EXIT_INTERRUPTED;
    }
    io.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return summary.feeds.errors.length > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * `npm run demo --json`: npm takes `--json` as its own (and then writes its "> news-alerts demo"
 * banner to stderr, keeping stdout pure JSON), passing it on as npm_config_json.
 */
export function jsonAskedOfNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_lifecycle_event === 'demo' && env.npm_config_json === 'true';
}

/** The exit code of a command stopped by SIGINT, as shells report it (128 + 2). */
const EXIT_INTERRUPTED = 130;

/** Runs the demo; `'interrupted'` when `signal` aborts first (the runtime is stopped cleanly either way). */
export async function runDemo(options: { dataDir: string; signal?: AbortSignal }): Promise<DemoSummary | 'interrupted'> {
  const feedServer = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
  const receiver = await startWebhookReceiver();
  const counter = createEventCounter();
  const closeServers = () => Promise.all([feedServer.close(), receiver.close()]);
  const runtime = await startLocalRuntime({
    dataDir: options.dataDir,
    apiPort: 0,
    log: createConsoleLogger('demo', 'ERROR'),
    events: counter.sink,
    mailTransport: 'outbox',
    mailFrom: 'news-alerts-demo@example.org',
    publicBaseUrl: 'http://localhost:3000',
    // The demo's feeds and webhook receiver live on 127.0.0.1, which the SSRF guard refuses otherwise.
    allowPrivateNetwork: true,
    schedules: false,
  }).catch(async (error: unknown) => {
    // A busy or unusable data folder: the fixture servers must not keep the process alive.
    await closeServers();
    throw error;
  });
  try {
    const config: ConfigFile = configFileSchema.parse({
      feeds: demoFeedFiles.map((file) => ({ id: `demo-${file.replace(/\.xml$/, '')}`, url: `${feedServer.url}/${file}` })),
      subscribers: [
        {
          id: 'demo-subscriber',
          name: 'Demo subscriber',
          email: 'demo-subscriber@example.org',
          webhooks: [{ url: `${receiver.url}/hooks/news`, format: 'json' }],
          webhookSecret: DEMO_WEBHOOK_SECRET,
          topics: ['un-meeting', 'talks', 'sanctions'],
        },
      ],
    });
    await applyConfig(
      config,
      runtime.deps,
      builtinTopics.map((t) => t.id),
    );
    const interrupted = new Promise<'interrupted'>((resolveInterrupted) => {
      if (options.signal?.aborted) resolveInterrupted('interrupted');
      options.signal?.addEventListener('abort', () => resolveInterrupted('interrupted'), { once: true });
    });
    const work = async () => {
      await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
      await runtime.runSchedule('plan-polls');
      await runtime.waitForIdle({ timeoutMs: 120_000, includeNotVisible: true });
      return 'done' as const;
    };
    const working = work();
    // After an interrupt, stopping the runtime may make the abandoned wait fail: nobody awaits it then.
    working.catch(() => {});
    if ((await Promise.race([working, interrupted])) === 'interrupted') return 'interrupted';
    const outboxDir = runtime.env.OUTBOX_DIR ?? resolve(options.dataDir, 'outbox');
    return {
      dataDir: options.dataDir,
      ...counter.counts,
      webhookReceiver: { url: receiver.url, received: receiver.received.length },
      outbox: { dir: outboxDir, emails: await countEmails(outboxDir) },
    };
  } finally {
    await runtime.stop();
    await closeServers();
  }
}

async function countEmails(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}

export function formatSummary(s: DemoSummary): string {
  const topics = Object.entries(s.alerts.byTopic)
    .map(([topic, n]) => `${topic} ${n}`)
    .join(', ');
  const lines = [
    'news-alerts demo',
    `  feeds       ${s.feeds.polled} polled, ${s.feeds.errors.length} failed`,
    ...s.feeds.errors.map((e) => `              ${e.feedId}: ${e.error}`),
    `  items       ${s.items.seen} read, ${s.items.new} new, ${s.items.duplicates} already seen`,
    `  alerts      ${s.alerts.total}${topics ? ` (${topics})` : ''}`,
    ...s.alerts.titles.map((a) => `              [${a.topics.join(', ')}] ${a.title}`),
    `  webhook     ${s.deliveries.webhook.delivered} delivered, ${s.deliveries.webhook.skipped} already sent, ${s.deliveries.webhook.failed} failed (receiver got ${s.webhookReceiver.received})`,
    `  email       ${s.deliveries.email.delivered} delivered, ${s.deliveries.email.skipped} already sent, ${s.deliveries.email.failed} failed`,
    `  outbox      ${s.outbox.dir} (${s.outbox.emails} emails in total)`,
    `  data        ${s.dataDir}`,
  ];
  if (s.alerts.total === 0 && s.items.duplicates > 0) {
    lines.push('', 'Nothing new: every item was seen on an earlier run. Delete the data folder to start over.');
  }
  return `${lines.join('\n')}\n`;
}
