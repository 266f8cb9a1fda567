import type { SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../ports.ts';
import { createSesSender } from './ses-send.ts';

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
 * The SDK client is loaded at the first send, as for SES v2.
 */
export function createSesRawMailer(options: SesRawMailerOptions = {}): Mailer {
  let sdk: Promise<{ client: SESClient; SendRawEmailCommand: typeof import('@aws-sdk/client-ses').SendRawEmailCommand }> | undefined;
  return createSesSender(async (message) => {
    sdk ??= import('@aws-sdk/client-ses').then((module) => ({
      client: options.client ?? new module.SESClient({}),
      SendRawEmailCommand: module.SendRawEmailCommand,
    }));
    const { client, SendRawEmailCommand } = await sdk;
    const result = await client.send(
      new SendRawEmailCommand({
        Source: message.from,
        Destinations: [message.to],
        RawMessage: { Data: message.raw },
        ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        ...(message.tags.length > 0 ? { Tags: message.tags } : {}),
      }),
    );
    return result.MessageId;
  });
}
