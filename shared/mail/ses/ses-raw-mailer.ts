import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { bareAddress } from '../addresses.ts';
import { composeMime } from '../compose-mime.ts';
import { channelTags } from '../message-tags.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';
import { toSesSendError } from './ses-errors.ts';

export interface SesRawMailerOptions {
  /** The SES v1 client; by default one from the SDK's environment (region, endpoint, credentials). */
  client?: SESClient;
  /** Configuration set of every send (SES_CONFIGURATION_SET), as for SES v2. */
  configurationSetName?: string;
}

/**
 * Sends through SES v1 `SendRawEmail`: the very MIME the SMTP and outbox transports send, so
 * List-Unsubscribe headers included. It exists for LocalStack, whose free edition runs SES v1
 * but not v2 (`MAIL_TRANSPORT=ses-raw`); in AWS it works the same, with the configuration set and
 * the channel's tags. Source and destination are given explicitly (bare addresses) rather than
 * left to SES to read from the headers. Errors are sorted by `toSesSendError`, as for SES v2.
 */
export function createSesRawMailer(options: SesRawMailerOptions = {}): Mailer {
  const client = options.client ?? new SESClient({});
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      const tags = email.subscriberChannel ? channelTags(email.subscriberChannel) : [];
      try {
        const result = await client.send(
          new SendRawEmailCommand({
            Source: bareAddress(email.from),
            Destinations: [bareAddress(email.to)],
            RawMessage: { Data: raw },
            ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
            ...(tags.length > 0 ? { Tags: tags.map((tag) => ({ Name: tag.name, Value: tag.value })) } : {}),
          }),
        );
        return { id: result.MessageId ?? email.messageId };
      } catch (error) {
        throw toSesSendError(error, email.messageId);
      }
    },
  };
}
