import type { Env } from '../config/env.ts';
import { ConfigError } from '../core/errors.ts';
import { loadOnce } from '../core/load-once.ts';
import { MailSetupError } from '../mail/errors.ts';
import { createOutboxMailer } from '../mail/outbox-mailer.ts';
import type { Mailer } from '../mail/ports.ts';
import { createSesMailer } from '../mail/ses/ses-mailer.ts';
import { createSesRawMailer } from '../mail/ses/ses-raw-mailer.ts';

/**
 * The mailer `MAIL_TRANSPORT` names: `ses` (SES v2, the region and endpoint from the SDK's own
 * environment, so LocalStack works through AWS_ENDPOINT_URL; SES_CONFIGURATION_SET on every
 * send), `ses-raw` (SES v1 SendRawEmail, the same way; what LocalStack's free edition runs),
 * `smtp` (SMTP_URL), or `outbox` (files in OUTBOX_DIR). A transport missing its setting is a
 * ConfigError naming the variable, at once.
 *
 * The SMTP client (nodemailer, the largest part of a mailing bundle) is loaded at the first
 * send, so a deployment on SES never loads it and the HTTP API loads it only to send mail. A
 * deployment's bundles go further: built for one transport (`bundledMailTransport`), they leave
 * the SMTP client out unless that transport is `smtp`, and refuse `smtp` by a ConfigError.
 */
export function createMailer(env: Env): Mailer {
  const sesOptions = env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {};
  switch (env.MAIL_TRANSPORT) {
    case 'outbox':
      if (!env.OUTBOX_DIR) throw new ConfigError('mail transport outbox needs OUTBOX_DIR');
      return createOutboxMailer({ dir: env.OUTBOX_DIR });
    case 'smtp': {
      const url = env.SMTP_URL;
      if (!url) throw new ConfigError('mail transport smtp needs SMTP_URL');
      // A constant when bundled for a deployment (see `BundleDefines`), so esbuild decides this
      // test and drops the import() below; written inline, as esbuild folds only literals.
      if (((globalThis as BundleDefines).NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT ?? 'smtp') !== 'smtp') {
        throw new ConfigError(
          `mail transport smtp is not in this bundle: it was built for ${(globalThis as BundleDefines).NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT} (synthesize with -c mailTransport=smtp)`,
        );
      }
      return loadedAtFirstSend('smtp', async () => (await import('../mail/smtp-mailer.ts')).createSmtpMailer(url));
    }
    case 'ses':
      return createSesMailer(sesOptions);
    case 'ses-raw':
      return createSesRawMailer(sesOptions);
  }
}

/**
 * A mailer whose transport is built by `load` at the first send and reused after. A transport
 * that cannot load is a setup fault (never retried), as a missing setting is.
 */
function loadedAtFirstSend(transport: string, load: () => Promise<Mailer>): Mailer {
  const loaded = loadOnce(load);
  return {
    async send(email) {
      const mailer = await loaded().catch((error: unknown) => {
        throw new MailSetupError(`mail transport ${transport} could not load: ${String(error)} (message ${email.messageId})`, {
          code: 'MailTransportLoadFailed',
          cause: error,
        });
      });
      return mailer.send(email);
    },
  };
}

/**
 * What `infra/aws/bundling.ts` writes into a deployment's bundles (esbuild `define`): the one mail
 * transport the bundle was built for. Undefined when running from source (the one-process
 * runtime, tests) or in a bundle built for no deployment: every transport is then available.
 */
interface BundleDefines {
  NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT?: string;
}
