import { randomBytes } from 'node:crypto';
import { singleLine, stripSpoofingCharacters } from '../core/display-text.ts';
import type { OutgoingEmail } from './ports.ts';

/** Headers whose values are ready-made ASCII and must reach the wire unencoded (RFC 2369 / 8058). */
const PREPARED_HEADERS = new Set(['list-unsubscribe', 'list-unsubscribe-post', 'list-id']);

/** Line length MIME keeps below (RFC 5322 §2.1.1 recommends 78 characters before CRLF). */
const LINE_LIMIT = 76;
const CRLF = '\r\n';

/**
 * The full RFC 5322 message of an email: multipart/alternative, the text part then the HTML
 * part, both UTF-8 in quoted-printable. Every transport sends these same bytes, so what the
 * outbox shows is what SMTP and SES deliver, headers included. Written here (a few dozen lines
 * for the one shape we send) rather than loaded from a mail library: the bundles of the functions
 * that send mail stay small.
 *
 * Header text never breaks a line (CR and LF become spaces: titles come from feeds); a non-ASCII
 * subject, display name or header value is an RFC 2047 encoded word; long header lines fold.
 * The subject is one line and neither it nor the text part carries characters that spoof what a
 * reader sees; the HTML part was escaped and cleaned by the `html` template.
 */
export async function composeMime(email: OutgoingEmail, date: Date = new Date()): Promise<Buffer> {
  const boundary = `--_news-alerts_${randomBytes(12).toString('hex')}`;
  const headers: [string, string][] = [
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
    ['From', encodeAddress(email.from)],
    ['To', encodeAddress(email.to)],
    ['Subject', encodeText(singleLine(email.subject))],
    ['Message-ID', oneLine(email.messageId)],
    ['Date', rfc5322Date(date)],
    ['MIME-Version', '1.0'],
  ];
  for (const [name, value] of Object.entries(email.headers)) {
    headers.push([name, PREPARED_HEADERS.has(name.toLowerCase()) ? oneLine(value) : encodeText(value)]);
  }
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(body),
    ].join(CRLF);
  const message = [
    ...headers.map(([name, value]) => foldHeader(`${name}: ${value}`)),
    '',
    part('text/plain', stripSpoofingCharacters(email.text)),
    part('text/html', email.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
  return Buffer.from(message, 'utf8');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** Printable ASCII is sent as it is; anything else as UTF-8 encoded words (RFC 2047 "B"). */
function encodeText(text: string): string {
  const line = oneLine(text);
  if (/^[\x09\x20-\x7e]*$/.test(line) && !line.includes('=?')) return line;
  return encodedWords(line);
}

/** Encoded words of at most 45 UTF-8 bytes each (60 characters of base64), never splitting a character. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

/** `Name <address>` or a bare address; a display name with specials is quoted, a non-ASCII one encoded. */
function encodeAddress(text: string): string {
  const line = oneLine(text).trim();
  const match = /^(.*?)\s*<([^<>]+)>$/.exec(line);
  if (!match) return line;
  const name = match[1]!.replace(/^"(.*)"$/, '$1').trim();
  const address = match[2]!.trim();
  if (name === '') return `<${address}>`;
  if (!/^[\x20-\x7e]*$/.test(name)) return `${encodedWords(name)} <${address}>`;
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name)) return `${name} <${address}>`;
  return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
}

/** Folds a header line at spaces so no line passes the limit where a space allows it. */
function foldHeader(line: string): string {
  if (line.length <= LINE_LIMIT) return line;
  const out: string[] = [];
  let rest = line;
  while (rest.length > LINE_LIMIT) {
    const at = rest.lastIndexOf(' ', LINE_LIMIT);
    const cut = at > 0 ? at : rest.indexOf(' ', LINE_LIMIT);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out.join(CRLF);
}

/** RFC 5322 date in UTC: `Mon, 24 Feb 2025 15:05:00 +0000`. */
function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line breaks as CRLF, `=` and bytes outside
 * printable ASCII as `=XX`, a space or tab before a line break encoded, soft breaks keeping
 * every line within 76 characters.
 */
function quotedPrintable(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((byte, index) => {
        const last = index === bytes.length - 1;
        const plain = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        tokens.push(plain ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);
      });
      const lines: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > LINE_LIMIT - 1) {
          lines.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      lines.push(current);
      return lines.join(CRLF);
    })
    .join(CRLF);
}
