import { join, resolve } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { loadConfigFile } from '../../shared/config/config-file.ts';
import { systemClock } from '../../shared/core/clock.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { sendTestAlert, type ChannelTestResult, type TestAlertReport } from '../../shared/delivery/index.ts';
import { createOutboxMailer } from '../../shared/mail/outbox-mailer.ts';
import { createSmtpMailer } from '../../shared/mail/smtp-mailer.ts';
import type { AdminApi } from '../admin-api.ts';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../io.ts';
import { localAdminToken } from '../local-admin-token.ts';
import { defaultDataDir } from '../options.ts';
import { openPipelineTarget } from '../pipeline-target.ts';
import { chooseConfigPath } from '../prepare-config.ts';
import { privateNetworkAllowed } from '../private-network.ts';

export interface SubscriberTestOptions {
  id: string;
  /** A running pipeline's HTTP API: the test goes out from there. */
  api?: string | undefined;
  /** A deployed stack: the test goes out from its HTTP API (found through its outputs). */
  stack?: string | undefined;
  /** A stopped data folder: the test goes out from this process, mail as the config file says. */
  dataDir?: string | undefined;
  config?: string | undefined;
  json: boolean;
}

/**
 * `news-alerts subscribers test ID`: a clearly marked test alert to each of the subscriber's
 * channels, printing what each receiver answered; exit 1 when a channel failed (or none was
 * active). On a running pipeline (`--api`) and a deployed stack (`--stack`) it is sent by the
 * pipeline itself, through `POST /api/admin/subscribers/{id}/test`, so it leaves from where
 * real alerts leave; on a stopped data folder it is sent from here with the config file's mail
 * settings (SMTP, or the data folder's outbox).
 */
export async function subscriberTestCommand(
  options: SubscriberTestOptions,
  io: CliIo,
  cloudFormation?: CloudFormationClient,
): Promise<number> {
  const fail = (why: string) => {
    io.stderr.write(`news-alerts subscribers test: ${why}\n`);
    return EXIT_FAILURE;
  };
  let report: TestAlertReport;
  if (options.api !== undefined || options.stack !== undefined) {
    let api: AdminApi;
    if (options.api !== undefined) {
      const token = process.env.NEWS_ALERTS_ADMIN_TOKEN ?? (await localAdminToken(options.dataDir));
      if (!token) return fail('no operator token: set NEWS_ALERTS_ADMIN_TOKEN, or give the --data-dir of the running "run"');
      api = { base: options.api.replace(/\/+$/, ''), token };
    } else {
      // The stack's side loads the AWS SDK: only when a stack is named.
      const { stackAdminApi } = await import('../admin-api.ts');
      api = await stackAdminApi(options.stack!, cloudFormation);
    }
    const url = `${api.base}/api/admin/subscribers/${encodeURIComponent(options.id)}/test`;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, accept: 'application/json' } });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      return fail(`cannot reach the pipeline: ${reason} (${api.base}); is "news-alerts run" running there?`);
    }
    if (response.status !== 200) {
      const body = (await response.json().catch(() => ({}))) as { detail?: string };
      return fail(`the pipeline refused: HTTP ${response.status}${body.detail ? `, ${body.detail}` : ''} (${url})`);
    }
    report = (await response.json()) as TestAlertReport;
  } else {
    const sent = await sendFromDataFolder(options);
    if (typeof sent === 'string') return fail(sent);
    report = sent;
  }
  if (options.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else io.stdout.write(`${formatReport(report)}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

/** The subscriber read from a stopped data folder, the test sent from here; a string says why not. */
async function sendFromDataFolder(options: SubscriberTestOptions): Promise<TestAlertReport | string> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir);
  const target = await openPipelineTarget({ dataDir }, { queues: false, tables: ['subscriptions'] });
  let subscriber: Awaited<ReturnType<typeof target.stores.subscriptions.getSubscriber>>;
  try {
    subscriber = await target.stores.subscriptions.getSubscriber(options.id);
  } finally {
    await target.close();
  }
  if (!subscriber) return `subscriber not found: no subscriber "${options.id}" in ${target.description}`;
  // The mail settings `run` would use: the config file's SMTP server, else the outbox.
  const { delivery } = await loadConfigFile(chooseConfigPath(options.config));
  const mailer = delivery.smtpUrl ? createSmtpMailer(delivery.smtpUrl) : createOutboxMailer({ dir: join(dataDir, 'outbox') });
  return sendTestAlert(
    subscriber,
    { fetch: globalThis.fetch, clock: systemClock, mailer, log: silentLog, allowPrivateNetwork: privateNetworkAllowed() },
    { email: { from: delivery.mailFrom } },
  );
}

/** One line per channel: `✓ desk-hook  webhook  hooks.example.org  HTTP 200 "ok"`. */
function formatReport(report: TestAlertReport): string {
  const rows = report.channels.map((result) => [mark(result), result.channelId, result.kind, result.target, answerOf(result)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
  const failed = report.channels.filter((result) => result.outcome === 'failed').length;
  const summary = report.ok
    ? `test alert sent to subscriber ${report.subscriberId}: every active channel took it`
    : failed > 0
      ? `test alert to subscriber ${report.subscriberId}: ${failed} channel${failed === 1 ? '' : 's'} failed`
      : `test alert to subscriber ${report.subscriberId}: no active channel to send to`;
  return [summary, ...lines.map((line) => `  ${line}`), `(marked [test]; not recorded as a delivery, not in any digest)`].join('\n');
}

function mark(result: ChannelTestResult): string {
  return result.outcome === 'sent' ? 'sent' : result.outcome === 'failed' ? 'FAILED' : 'skipped';
}

function answerOf(result: ChannelTestResult): string {
  const parts = [
    result.httpStatus === undefined ? undefined : `HTTP ${result.httpStatus}`,
    result.answer ? (result.httpStatus === undefined ? result.answer : JSON.stringify(result.answer)) : undefined,
    // The receiver's status and words say it; otherwise the reason (refused, timed out, skipped).
    result.outcome === 'sent' || result.httpStatus !== undefined ? undefined : result.error,
  ];
  return parts.filter(Boolean).join(' ');
}
