import { join, resolve } from 'node:path';
import { installSignalHandlers, startLocalRuntime } from '../../infra/local/index.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { createConsoleLogger } from '../../shared/core/logger.ts';
import { combineEventSinks, createEventCounter, createEventPrinter } from '../event-printer.ts';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../io.ts';
import { makeAllFeedsDue } from '../poll-all-now.ts';
import { chooseConfigPath, prepareConfig } from '../prepare-config.ts';
import { privateNetworkAllowed, refuseNonPublicUrls } from '../private-network.ts';

export interface RunOptions {
  config?: string | undefined;
  dataDir: string;
  port: number;
  once: boolean;
}

/**
 * `news-alerts run`: the whole pipeline in this process. Prints a line per feed poll, each alert
 * as it happens, and each delivery; keeps running until SIGINT/SIGTERM (or, with --once, until
 * one poll of every feed has been fully delivered).
 */
export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const configPath = chooseConfigPath(options.config);
  const { config, topics } = await prepareConfig(configPath);
  // Refused now, with the way to allow it, rather than at every poll. No DNS: only literal
  // addresses and localhost names; the poller's guard judges the rest.
  await refuseNonPublicUrls(
    [
      ...config.feeds.map((feed, index) => ({ url: feed.url, where: `config file ${configPath}: feeds.${index}.url` })),
      ...config.subscribers.flatMap((subscriber, index) =>
        subscriber.webhooks.map((webhook, hook) => ({
          url: webhook.url,
          where: `config file ${configPath}: subscribers.${index}.webhooks.${hook}.url`,
        })),
      ),
    ],
    { resolve: false },
  );
  const dataDir = resolve(options.dataDir);
  const write = (line: string) => io.stdout.write(`${line}\n`);
  const counter = createEventCounter();

  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: options.port,
    // Outcomes (polls, alerts, deliveries) print as events; the log adds only errors, so a feed
    // that cannot be reached is reported once per poll.
    log: createConsoleLogger('news-alerts', 'ERROR', (line) => io.stderr.write(`${line}\n`)),
    events: combineEventSinks(
      createEventPrinter(write, { mailDestination: mailDestination(config.delivery.smtpUrl, dataDir) }),
      counter.sink,
    ),
    mailTransport: config.delivery.smtpUrl ? 'smtp' : 'outbox',
    smtpUrl: config.delivery.smtpUrl,
    mailFrom: config.delivery.mailFrom,
    publicBaseUrl: config.delivery.publicBaseUrl,
    allowPrivateNetwork: privateNetworkAllowed(),
    // Asked for as Powertools itself is told: POWERTOOLS_METRICS_DISABLED=false.
    metrics: process.env.POWERTOOLS_METRICS_DISABLED === 'false',
    schedules: !options.once,
  });
  try {
    await applyConfig(
      config,
      runtime.deps,
      topics.map((t) => t.id),
    );
    write(
      `news-alerts ${options.once ? 'polling once' : 'running'}: ${config.feeds.length} feeds, ${config.subscribers.length} subscribers, topics ${topics.map((t) => t.id).join(', ')}`,
    );
    write(`  config  ${configPath}`);
    write(`  data    ${dataDir}`);
    write(`  outbox  ${runtime.env.OUTBOX_DIR ?? '(SMTP)'}`);
    write(`  API     ${runtime.apiUrl}`);
    if (options.once) {
      await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
      await runtime.runSchedule('plan-polls');
      const idle = await runtime.waitForIdle({ timeoutMs: 10 * 60_000 });
      const { feeds, alerts } = counter.counts;
      write(`done: ${feeds.polled} feeds polled (${feeds.errors.length} failed), ${alerts.total} alerts`);
      // Idle means nothing left to hand out now: a message that failed waits out its visibility
      // timeout (minutes) in the data folder, and would otherwise go unmentioned. The last look
      // of the wait counted them: no request more.
      const waiting = messagesAwaitingRetry(idle);
      if (waiting > 0) {
        write(
          `  ${waiting} ${waiting === 1 ? 'message waits' : 'messages wait'} for a retry after a failure (kept in ${dataDir}: the next run, or npm start, takes ${waiting === 1 ? 'it' : 'them'} up)`,
        );
      }
      return feeds.polled > 0 && feeds.errors.length === feeds.polled ? EXIT_FAILURE : EXIT_OK;
    }
    write('Press Ctrl-C to stop.');
    // The schedule's first tick ran before the config was written; poll what is due now.
    await runtime.runSchedule('plan-polls');
    // The handler stops the runtime (in-flight batches finish first), then hands us the exit code.
    return await new Promise<number>((resolveExit) =>
      installSignalHandlers(runtime, { log: createConsoleLogger('news-alerts', 'INFO', write), exit: resolveExit }),
    );
  } finally {
    await runtime.stop();
  }
}

/** Where the confirmation emails of the subscribe pages go, for the line printed when one is written. */
function mailDestination(smtpUrl: string | undefined, dataDir: string): string {
  if (smtpUrl === undefined) return `written to the outbox ${join(dataDir, 'outbox')} (open the .html file in a browser)`;
  const url = new URL(smtpUrl);
  return `sent to SMTP ${url.host}`;
}

/** Messages the queues hold back after a failed attempt (their visibility timeout running). */
function messagesAwaitingRetry(counts: Record<string, { notVisible: number; delayed: number }>): number {
  return Object.values(counts).reduce((sum, count) => sum + count.notVisible + count.delayed, 0);
}
