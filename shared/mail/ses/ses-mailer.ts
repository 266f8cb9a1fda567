import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../ports.ts';
import { createSesSender } from './ses-send.ts';

export interface SesMailerOptions {
  /** The SES v2 client; by default one from the SDK's environment (region, endpoint, credentials). */
  client?: SESv2Client;
  /**
   * Configuration set of every send (SES_CONFIGURATION_SET): its reputation metrics, and its
   * bounce and complaint events, which find the channel through the message tags.
   */
  configurationSetName?: string;
}

/**
 * Sends through Amazon SES v2 as a raw message (`Content.Raw`), so the MIME composed by
 * MailComposer goes out unchanged, List-Unsubscribe headers included, with the configuration
 * set and the subscriber channel's tags. Errors are sorted by `toSesSendError`: setup problems
 * (AccessDenied, unverified identity, paused or suspended sending, missing configuration set)
 * are a MailSetupError, `MessageRejected` is permanent, the rest (throttling, 5xx) retryable.
 */
export function createSesMailer(options: SesMailerOptions = {}): Mailer {
  const client = options.client ?? new SESv2Client({});
  return createSesSender(async (message) => {
    const result = await client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [message.to] },
        Content: { Raw: { Data: message.raw } },
        ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        ...(message.tags.length > 0 ? { EmailTags: message.tags } : {}),
      }),
    );
    return result.MessageId;
  });
}
