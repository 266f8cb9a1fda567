/**
 * The few values an operator chooses per deployment, read from CDK context (`cdk.json` or
 * `cdk synth -c mailFrom=alerts@example.org`). Everything else comes from `infra/topology.ts`.
 * Defaults keep `cdk synth` working offline with no context at all.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { envSchema } from '../../shared/config/env.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';

/** Context keys an operator may set; each maps to one field of {@link DeploymentSettings}. */
export const settingsContextKeys = {
  mailFrom: 'mailFrom',
  publicBaseUrl: 'publicBaseUrl',
  logLevel: 'logLevel',
  logRetentionDays: 'logRetentionDays',
  architecture: 'architecture',
  mailTransport: 'mailTransport',
  smtpUrl: 'smtpUrl',
  allowPrivateNetwork: 'allowPrivateNetwork',
  unsubscribeSecretArn: 'unsubscribeSecretArn',
  subscriberIdSecretArn: 'subscriberIdSecretArn',
} as const;

/** The account LocalStack answers with: the only one where `allowPrivateNetwork` is accepted. */
export const LOCALSTACK_ACCOUNT = '000000000000';

const retentionDays = new Set<number>(Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'));

const settingsSchema = z.object({
  /** Sender of every email: `alerts@example.org` or `News Alerts <alerts@example.org>`. */
  mailFrom: z._default(envSchema.shape.MAIL_FROM, 'news-alerts@example.com'),
  /** Base of links in emails; without it the HTTP API's Function URL is used. */
  publicBaseUrl: envSchema.shape.PUBLIC_BASE_URL,
  logLevel: envSchema.shape.LOG_LEVEL,
  /** CloudWatch Logs retention, one of the values CloudWatch accepts (1, 3, 5, 7, 14, 30 …). */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => retentionDays.has(days), 'must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90 …)')
    .default(RetentionDays.ONE_MONTH),
  /** CPU of every function; `x86_64` where arm64 would need emulation (LocalStack on an x86 host). */
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  /** `ses` (SES v2 SendEmail), `ses-raw` (SES v1 SendRawEmail: LocalStack's free edition) or `smtp` (smtpUrl). */
  mailTransport: z.enum(['ses', 'ses-raw', 'smtp']).default('ses'),
  /** SMTP server of `mailTransport=smtp`, e.g. `smtp://mailpit:1025`; no credentials (see below). */
  smtpUrl: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  /** Feeds and webhooks on private addresses (LocalStack fixtures); `-c` gives a string. */
  allowPrivateNetwork: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).default(false),
  /**
   * A retained unsubscribe-key secret to adopt instead of creating one (after `cdk destroy`
   * and a new deploy), so links already sent keep working: the old stack's `UnsubscribeSecretArn`.
   */
  unsubscribeSecretArn: completeSecretArn(),
  /** A retained subscriber-id secret to adopt, so ids stay those of the kept subscriptions table. */
  subscriberIdSecretArn: completeSecretArn(),
});

export type DeploymentSettings = z.infer<typeof settingsSchema>;

/** Where the stack is deployed, as far as synthesis knows it. */
export interface DeploymentTarget {
  /** The account the CDK CLI resolved (`CDK_DEFAULT_ACCOUNT`); unknown when synthesizing offline. */
  account?: string;
}

/**
 * A secret's complete ARN, with the six characters Secrets Manager appends to the name: what the
 * stack outputs, and what an IAM grant on exactly that secret needs.
 */
function completeSecretArn() {
  return z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
      'must be the complete ARN of a Secrets Manager secret (the stack output, ending in -XXXXXX)',
    )
    .optional();
}

/**
 * Validates the deployment settings; `lookup` is usually `(key) => app.node.tryGetContext(key)`.
 * A bad value is named in the error.
 */
export function readDeploymentSettings(lookup: (key: string) => unknown, target: DeploymentTarget = {}): DeploymentSettings {
  const raw = Object.fromEntries(Object.entries(settingsContextKeys).map(([field, key]) => [field, lookup(key) ?? undefined]));
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`CDK context is invalid: ${formatZodIssues(result.error.issues)}`);
  }
  const sender = parseSenderAddress(result.data.mailFrom);
  if (!sender) {
    throw new ConfigError(`CDK context is invalid: mailFrom has no email address (${result.data.mailFrom})`);
  }
  checkMailTransport(result.data);
  if (result.data.allowPrivateNetwork && target.account !== LOCALSTACK_ACCOUNT) {
    throw new ConfigError(
      `CDK context is invalid: allowPrivateNetwork=true is accepted only for LocalStack's account ${LOCALSTACK_ACCOUNT}, ` +
        'because it lets feed and webhook URLs reach private, loopback and metadata addresses, which in AWS would open ' +
        `the account's own network to whoever adds a feed or a webhook (account ${target.account ?? 'unknown: deploy with cdklocal'})`,
    );
  }
  return result.data;
}

/** The SMTP URL goes with `smtp` only, and never carries a password into a function environment. */
function checkMailTransport(settings: DeploymentSettings): void {
  const { mailTransport, smtpUrl } = settings;
  if (mailTransport === 'smtp' && smtpUrl === undefined) {
    throw new ConfigError('CDK context is invalid: mailTransport=smtp needs smtpUrl (e.g. -c smtpUrl=smtp://mailpit:1025)');
  }
  if (mailTransport !== 'smtp' && smtpUrl !== undefined) {
    throw new ConfigError(
      `CDK context is invalid: smtpUrl is set but mailTransport is ${mailTransport}; add -c mailTransport=smtp or drop smtpUrl`,
    );
  }
  if (smtpUrl !== undefined) {
    const url = new URL(smtpUrl);
    if (url.username !== '' || url.password !== '') {
      throw new ConfigError(
        `CDK context is invalid: smtpUrl must not carry a user or password, since function environments are readable by anyone allowed lambda:GetFunctionConfiguration (${url.protocol}//${url.host})`,
      );
    }
  }
}

/** The address and domain of a sender (`Name <a@b.org>` or `a@b.org`), or undefined. */
export function parseSenderAddress(mailFrom: string): { address: string; domain: string } | undefined {
  const address = (/<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim();
  const match = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/.exec(address);
  return match?.[1] ? { address, domain: match[1].toLowerCase() } : undefined;
}
