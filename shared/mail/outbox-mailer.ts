import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { composeMime } from './compose-mime.ts';
import { MailSendError } from './errors.ts';
import type { Mailer, OutgoingEmail } from './ports.ts';

/**
 * The one-process mailer: writes each email to `<dir>/<timestamp>-<safe id>.eml` (the complete
 * message, openable by any mail client) and `<same name>.html` (its HTML body, for a browser).
 * Each file is written to a temporary name and renamed, so a reader never sees half a message.
 */
export function createOutboxMailer(options: { dir: string; clock?: Clock }): Mailer {
  const clock = options.clock ?? systemClock;
  return {
    async send(email: OutgoingEmail) {
      const now = clock.now();
      const base = `${now.toISOString().replace(/[-:]/g, '').replace('.', '-')}-${safeFileId(email.messageId)}`;
      try {
        await mkdir(options.dir, { recursive: true });
        // HTML first: whoever watches for .eml files finds the .html already there.
        await writeAtomically(join(options.dir, `${base}.html`), email.html);
        await writeAtomically(join(options.dir, `${base}.eml`), await composeMime(email, now));
      } catch (error) {
        throw new MailSendError(`outbox write failed: ${(error as Error).message} (message ${email.messageId})`, {
          retryable: true,
          cause: error,
        });
      }
      return { id: email.messageId, receipt: `written to ${join(options.dir, `${base}.eml`)}` };
    },
  };
}

/** A file-name-safe form of a Message-ID: `<msg_ab@x.org>` → `msg_ab_x.org`. */
export function safeFileId(messageId: string): string {
  const safe = messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100);
  return safe || 'message';
}

async function writeAtomically(path: string, content: string | Buffer): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
