import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { bareAddress, composeMime } from '../compose-mime.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';
import { toSesSendError } from './ses-send-error.ts';

/**
 * Sends through SES v1 `SendRawEmail`: the very MIME the SMTP and outbox transports send, so
 * List-Unsubscribe headers included. It exists for LocalStack, whose free edition runs SES v1
 * but not v2 (`MAIL_TRANSPORT=ses-raw`); in AWS it works the same. Source and destination are
 * given explicitly (bare addresses) rather than left to SES to read from the headers. Errors are
 * classified by {@link toSesSendError}, as for SES v2.
 */
export function createSesRawMailer(client: SESClient = new SESClient({})): Mailer {
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      try {
        const result = await client.send(
          new SendRawEmailCommand({
            Source: bareAddress(email.from),
            Destinations: [bareAddress(email.to)],
            RawMessage: { Data: raw },
          }),
        );
        return { id: result.MessageId ?? email.messageId };
      } catch (error) {
        throw toSesSendError(error, email);
      }
    },
  };
}
