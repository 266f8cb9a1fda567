import MailComposer from 'nodemailer/lib/mail-composer';
import { singleLine, stripSpoofingCharacters } from '../core/display-text.ts';
import type { OutgoingEmail } from './ports.ts';

/** Headers whose values are ready-made ASCII and must reach the wire unencoded (RFC 2369 / 8058). */
const PREPARED_HEADERS = new Set(['list-unsubscribe', 'list-unsubscribe-post', 'list-id']);

/**
 * The full RFC 5322 message (multipart/alternative: text then HTML) of an email, composed by
 * nodemailer's MailComposer. Every transport sends these same bytes, so what the outbox shows is
 * what SMTP and SES deliver, headers included. The subject is one line (no header can be smuggled
 * in with a line break) and neither it nor the text part carries characters that spoof what a
 * reader sees; the HTML part was escaped and cleaned by the `html` template.
 */
export async function composeMime(email: OutgoingEmail, date: Date = new Date()): Promise<Buffer> {
  const headers = Object.fromEntries(
    Object.entries(email.headers).map(([key, value]) => [
      key,
      PREPARED_HEADERS.has(key.toLowerCase()) ? { prepared: true, foldLines: true, value } : value,
    ]),
  );
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: singleLine(email.subject),
    text: stripSpoofingCharacters(email.text),
    html: email.html,
    messageId: email.messageId,
    date,
    headers,
    // The content is ours; never let a composed message read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'windows',
  });
  return composer.compile().build();
}
