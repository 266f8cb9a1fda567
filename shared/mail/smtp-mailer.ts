import { createTransport } from 'nodemailer';
import { bareAddress } from './addresses.ts';
import { composeMime } from './compose-mime.ts';
import { MailSendError } from './errors.ts';
import type { Mailer, OutgoingEmail } from './ports.ts';

/** Timeouts that fit inside deliver-email's 30 s (nodemailer's defaults run to minutes). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * Sends through an SMTP server given as a URL (`smtp://user:pass@host:587`, `smtps://…`). The
 * transport is created once and reused. Errors follow {@link MailSendError}'s rule: a 5xx answer
 * to the envelope or the message is permanent, anything else is retried.
 */
export function createSmtpMailer(url: string): Mailer {
  const transport = createTransport({ url, ...TIMEOUTS });
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      try {
        const info = await transport.sendMail({
          envelope: { from: bareAddress(email.from), to: [bareAddress(email.to)] },
          raw,
        });
        // With a raw message nodemailer reports an id of its own; ours is the one in the header.
        return { id: email.messageId, ...(typeof info.response === 'string' ? { receipt: `SMTP ${info.response}` } : {}) };
      } catch (error) {
        throw toMailSendError(error, email);
      }
    },
  };
}

/** Classifies a nodemailer SMTP error (exported for tests of the rule). */
export function toMailSendError(error: unknown, email: Pick<OutgoingEmail, 'messageId'>): MailSendError {
  const { code, responseCode } = (error ?? {}) as { code?: string; responseCode?: number };
  const rejected = (code === 'EENVELOPE' || code === 'EMESSAGE') && responseCode !== undefined && responseCode >= 500;
  const why = responseCode === undefined ? (code ?? 'unknown error') : `SMTP ${responseCode}`;
  return new MailSendError(`smtp send failed: ${why}${rejected ? ', rejected' : ''} (message ${email.messageId})`, {
    retryable: !rejected,
    ...(responseCode === undefined ? {} : { responseCode }),
    cause: error,
  });
}
