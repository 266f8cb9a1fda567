import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../../shared/core/clock.ts';
import { createConsoleLogger } from '../../shared/core/logger.ts';
import { previewDigests } from '../../shared/digest/index.ts';
import { EXIT_OK, type CliIo } from '../io.ts';
import { defaultDataDir } from '../options.ts';
import { openPipelineTarget, type AwsTargetClients, type TargetChoice } from '../pipeline-target.ts';

export interface DigestPreviewOptions extends TargetChoice {
  subscriberId: string;
  /** Folder for the files; `<data folder>/outbox` by default (the current folder with --stack). */
  out?: string | undefined;
  mailFrom?: string | undefined;
  json: boolean;
}

/**
 * `news-alerts digest preview SUBSCRIBER`: the subscriber's next digest per digest channel,
 * composed as it would be sent now and written as `digest-preview-<subscriber>-<channel>.txt`
 * and `.html`. The stores are only read (no queueing, no sending, no entry marked sent): the
 * real digest, when due, still holds every story shown. Unsubscribe and manage links are left
 * out (they need the running pipeline's keys and public URL); the sent email has them.
 */
export async function digestPreviewCommand(
  options: DigestPreviewOptions,
  io: CliIo,
  clients?: AwsTargetClients,
  clock: Clock = systemClock,
): Promise<number> {
  const target = await openPipelineTarget(options, { queues: false, tables: ['digests', 'subscriptions', 'stories'] }, clients);
  let previews: Awaited<ReturnType<typeof previewDigests>>;
  try {
    previews = await previewDigests(
      options.subscriberId,
      { ...target.stores, clock, log: createConsoleLogger('news-alerts', 'ERROR', (line) => io.stderr.write(`${line}\n`)) },
      { from: options.mailFrom ?? 'news-alerts@localhost' },
    );
  } finally {
    await target.close();
  }
  const folder = resolve(options.out ?? (options.stack === undefined ? join(options.dataDir ?? defaultDataDir, 'outbox') : '.'));
  await mkdir(folder, { recursive: true });
  const written = [];
  for (const preview of previews) {
    const base = join(folder, `digest-preview-${safe(options.subscriberId)}-${safe(preview.channelId)}`);
    await writeFile(`${base}.txt`, `Subject: ${preview.email.subject}\nTo: ${preview.email.to}\n\n${preview.email.text}`);
    await writeFile(`${base}.html`, preview.email.html);
    written.push({ ...preview, email: undefined, subject: preview.email.subject, text: `${base}.txt`, html: `${base}.html` });
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ subscriberId: options.subscriberId, target: target.description, previews: written })}\n`);
    return EXIT_OK;
  }
  for (const preview of written) {
    io.stdout.write(
      `${preview.cadence} digest of ${options.subscriberId} (${preview.channelId}), due ${preview.dueAt}: ` +
        `${preview.stories} ${preview.stories === 1 ? 'story' : 'stories'} — "${preview.subject}"\n` +
        `  text  ${preview.text}\n  html  ${preview.html}\n`,
    );
  }
  io.stdout.write('Nothing was sent or marked: the digest, when due, still holds these stories.\n');
  return EXIT_OK;
}

/** A name safe as part of a file name. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}
