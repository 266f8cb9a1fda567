import { describe, expect, it } from 'vitest';
import { composeMime } from '../../../shared/mail/compose-mime.ts';
import type { OutgoingEmail } from '../../../shared/mail/ports.ts';
import { parseMessage } from '../../integration/delivery/mime-parts.ts';

const email: OutgoingEmail = {
  from: 'News Alerts <alerts@example.org>',
  to: 'reader@example.org',
  subject: 'Security Council meets on Genève talks — “emergency” session',
  text: `Line one — Genève\nA line with = signs and trailing space \n${'long words '.repeat(20)}\n.dot first`,
  html: '<p>Genève &lt;b&gt; “quoted”</p>\n<p>second</p>',
  messageId: '<alert-1@example.org>',
  headers: {
    'List-Unsubscribe': `<https://alerts.example.org/unsubscribe?token=${'a'.repeat(120)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'X-Topic': 'Переговоры',
  },
};

/** Decodes RFC 2047 "B" encoded words, as a mail client shows the header. */
const decodeWords = (value: string) =>
  value.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8')).trim();

describe('composeMime', () => {
  it('writes multipart/alternative with the text and HTML parts that decode back to the email', async () => {
    const raw = (await composeMime(email, new Date('2025-02-24T15:05:00Z'))).toString('utf8');
    const parsed = parseMessage(raw);
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative; boundary=/);
    expect(parsed.headers.get('mime-version')).toBe('1.0');
    expect(parsed.headers.get('message-id')).toBe(email.messageId);
    expect(parsed.headers.get('date')).toBe('Mon, 24 Feb 2025 15:05:00 +0000');
    expect(parsed.headers.get('from')).toBe(email.from);
    expect(parsed.headers.get('to')).toBe(email.to);
    expect(parsed.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'text/html; charset=utf-8']);
    expect(parsed.parts.map((p) => p.body)).toEqual([email.text, email.html]);
  });

  it('keeps every line within 78 characters (but a header with no space to fold at) and ends lines with CRLF', async () => {
    const raw = (await composeMime(email)).toString('utf8');
    const long = raw.split('\r\n').filter((line) => line.length > 78);
    expect(long).toEqual([` ${email.headers['List-Unsubscribe']}`]);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('encodes a non-ASCII subject and header as encoded words, and keeps prepared headers as they are', async () => {
    const parsed = parseMessage((await composeMime(email)).toString('utf8'));
    expect(parsed.headers.get('subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(parsed.headers.get('subject') ?? '')).toBe(email.subject);
    expect(decodeWords(parsed.headers.get('x-topic') ?? '')).toBe('Переговоры');
    expect(parsed.headers.get('list-unsubscribe')).toBe(email.headers['List-Unsubscribe']);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('never lets a title break out of its header (CR/LF become spaces)', async () => {
    const hostile = { ...email, subject: 'Talks\r\nBcc: victim@example.net\r\n\r\n<b>body</b>', headers: {} };
    const raw = (await composeMime(hostile)).toString('utf8');
    const parsed = parseMessage(raw);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.get('subject')).toBe('Talks Bcc: victim@example.net <b>body</b>');
  });

  it('quotes a display name with specials and encodes a non-ASCII one', async () => {
    const quoted = parseMessage((await composeMime({ ...email, from: 'Alerts, Inc. <alerts@example.org>' })).toString('utf8'));
    expect(quoted.headers.get('from')).toBe('"Alerts, Inc." <alerts@example.org>');
    const named = parseMessage((await composeMime({ ...email, from: 'Новости <alerts@example.org>' })).toString('utf8'));
    expect(named.headers.get('from')).toMatch(/^=\?UTF-8\?B\?.*\?= <alerts@example\.org>$/);
    expect(decodeWords(named.headers.get('from') ?? '')).toBe('Новости<alerts@example.org>');
  });
});
