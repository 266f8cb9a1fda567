import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { bareAddress, composeMime } from '../compose-mime.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';
import { toSesSendError } from './ses-send-error.ts';

/**
 * Sends through Amazon SES v2 as a raw message (`Content.Raw`), so the MIME composed by
 * MailComposer goes out unchanged, List-Unsubscribe headers included. Errors are classified by
 * {@link toSesSendError}.
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
        throw toSesSendError(error, email);
      }
    },
  };
}
