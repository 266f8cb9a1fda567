import type { SESv2Client } from '@aws-sdk/client-sesv2';
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
 * `composeMime` goes out unchanged, List-Unsubscribe headers included, with the configuration
 * set and the subscriber channel's tags. Errors are sorted by `toSesSendError`: setup problems
 * (AccessDenied, unverified identity, paused or suspended sending, missing configuration set)
 * are a MailSetupError, `MessageRejected` is permanent, the rest (throttling, 5xx) retryable.
 *
 * The SDK client is loaded at the first send, not with the bundle: the API sends mail only on
 * a subscription, and each deployment uses one of the two SES clients.
 */
export function createSesMailer(options: SesMailerOptions = {}): Mailer {
  let sdk: Promise<{ client: SESv2Client; SendEmailCommand: typeof import('@aws-sdk/client-sesv2').SendEmailCommand }> | undefined;
  return createSesSender(async (message) => {
    sdk ??= import('@aws-sdk/client-sesv2').then((module) => ({
      client: options.client ?? new module.SESv2Client({}),
      SendEmailCommand: module.SendEmailCommand,
    }));
    const { client, SendEmailCommand } = await sdk;
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
