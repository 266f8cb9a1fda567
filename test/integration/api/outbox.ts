import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One email the outbox mailer wrote: headers of the .eml, the HTML of the .html beside it. */
export interface OutboxEmail {
  file: string;
  to: string;
  subject: string;
  html: string;
  /** The links of the HTML, entities decoded. */
  links: string[];
}

/** Every email in the outbox folder, oldest first. */
export async function readOutbox(dir: string): Promise<OutboxEmail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const eml = await readFile(join(dir, file), 'utf8');
      const head = eml.slice(0, eml.indexOf('\r\n\r\n') === -1 ? eml.indexOf('\n\n') : eml.indexOf('\r\n\r\n'));
      const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(unfolded)?.[1]?.trim() ?? '';
      const html = await readFile(join(dir, file.replace(/\.eml$/, '.html')), 'utf8');
      const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) =>
        m[1]!
          .replace(/&amp;/g, '&')
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"'),
      );
      return { file: join(dir, file), to: header('To'), subject: decodeWords(header('Subject')), html, links };
    }),
  );
}

/** The first link of an email whose path is `path`. */
export function linkTo(email: OutboxEmail, path: string): string {
  const link = email.links.find((href) => {
    try {
      return new URL(href).pathname === path;
    } catch {
      return false;
    }
  });
  if (!link) throw new Error(`email "${email.subject}" has no link to ${path}: ${email.links.join(', ')}`);
  return link;
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header, decoded. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
