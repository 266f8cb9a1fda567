import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { bareAddress } from './addresses.ts';
import { composeMime } from './compose-mime.ts';
import { MailSendError } from './errors.ts';
import type { Mailer, OutgoingEmail } from './ports.ts';

/** Timeouts that fit inside deliver-email's 30 s (nodemailer's defaults run to minutes). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * Sends through an SMTP server given as a URL (`smtp://user:pass@host:587`, `smtps://…`, with
 * nodemailer's URL options such as `?tls.rejectUnauthorized=false`): one connection per message
 * (STARTTLS when the server offers it, login when the URL names a user), the message composed by
 * `composeMime`. Only nodemailer's SMTP connection is loaded, not its transports and composer.
 * Errors follow {@link MailSendError}'s rule: a 5xx answer to the envelope or the message is
 * permanent, anything else is retried.
 */
export function createSmtpMailer(url: string): Mailer {
  const { auth, ...connection } = parseConnectionUrl(url) as SMTPConnection.Options & { auth?: SMTPConnection.Credentials };
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      try {
        const response = await sendOnce(
          { ...connection, ...TIMEOUTS },
          auth,
          { from: bareAddress(email.from), to: [bareAddress(email.to)] },
          raw,
        );
        // The id is ours, the one in the Message-ID header; the server's answer is the receipt.
        return { id: email.messageId, ...(typeof response === 'string' ? { receipt: `SMTP ${response}` } : {}) };
      } catch (error) {
        throw toMailSendError(error, email);
      }
    },
  };
}

/**
 * Connect, log in if asked, send, quit: the server's final answer; the first error settles it and
 * closes the connection.
 */
function sendOnce(
  options: SMTPConnection.Options,
  auth: SMTPConnection.Credentials | undefined,
  envelope: SMTPConnection.Envelope,
  raw: Buffer,
): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve, reject) => {
    const connection = new SMTPConnection(options);
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      connection.close();
      reject(error);
    };
    connection.on('error', fail);
    connection.connect((connectError) => {
      if (connectError) return fail(connectError);
      const send = () =>
        connection.send(envelope, raw, (sendError, info) => {
          if (sendError) return fail(sendError);
          settled = true;
          connection.quit();
          resolve(typeof info?.response === 'string' ? info.response : undefined);
        });
      if (!auth?.user) return send();
      connection.login(auth, (loginError) => (loginError ? fail(loginError) : send()));
    });
  });
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
