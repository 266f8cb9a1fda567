import type { Env } from '../config/env.ts';
import { ConfigError } from '../core/errors.ts';
import { createOutboxMailer } from '../mail/outbox-mailer.ts';
import type { Mailer } from '../mail/ports.ts';
import { createSesMailer } from '../mail/ses/ses-mailer.ts';
import { createSesRawMailer } from '../mail/ses/ses-raw-mailer.ts';
import { createSmtpMailer } from '../mail/smtp-mailer.ts';

/**
 * The mailer `MAIL_TRANSPORT` names: `ses` (SES v2, the region and endpoint from the SDK's own
 * environment, so LocalStack works through AWS_ENDPOINT_URL; SES_CONFIGURATION_SET on every
 * send), `ses-raw` (SES v1 SendRawEmail, the same way; what LocalStack's free edition runs),
 * `smtp` (SMTP_URL), or `outbox` (files in OUTBOX_DIR). A transport missing its setting is a
 * ConfigError naming the variable.
 */
export function createMailer(env: Env): Mailer {
  const sesOptions = env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {};
  switch (env.MAIL_TRANSPORT) {
    case 'outbox':
      if (!env.OUTBOX_DIR) throw new ConfigError('mail transport outbox needs OUTBOX_DIR');
      return createOutboxMailer({ dir: env.OUTBOX_DIR });
    case 'smtp':
      if (!env.SMTP_URL) throw new ConfigError('mail transport smtp needs SMTP_URL');
      return createSmtpMailer(env.SMTP_URL);
    case 'ses':
      return createSesMailer(sesOptions);
    case 'ses-raw':
      return createSesRawMailer(sesOptions);
  }
}
