import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { bareAddress } from '../addresses.ts';
import { composeMime } from '../compose-mime.ts';
import { MailSendError } from '../errors.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';

/**
 * Sends through Amazon SES v2 as a raw message (`Content.Raw`), so the MIME composed by
 * MailComposer goes out unchanged, List-Unsubscribe headers included. `MessageRejected` is
 * permanent; throttling, service errors and configuration problems are retried (then DLQ'd).
 */
export function createSesMailer(client: SESv2Client = new SESv2Client({})): Mailer {
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      try {
        const result = await client.send(
          new SendEmailCommand({
            FromEmailAddress: bareAddress(email.from),
            Destination: { ToAddresses: [bareAddress(email.to)] },
            Content: { Raw: { Data: raw } },
          }),
        );
        return { id: result.MessageId ?? email.messageId };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'unknown error';
        throw new MailSendError(`ses send failed: ${name} (message ${email.messageId})`, {
          retryable: name !== 'MessageRejected',
          cause: error,
        });
      }
    },
  };
}
