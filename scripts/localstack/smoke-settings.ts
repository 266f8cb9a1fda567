/**
 * What `npm run smoke:localstack` is pointed at, from the environment; every variable has the
 * default that matches compose.yaml, so `docker compose up -d && npm run smoke:localstack` needs none.
 */
import { z } from 'zod';
import { defaultStackName } from '../../infra/aws/stack-outputs.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const smokeEnvSchema = z.object({
  /** LocalStack's gateway as the host sees it. */
  LOCALSTACK_ENDPOINT: httpUrl.optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1')
    .default('us-east-1'),
  SMOKE_STACK_NAME: z.string().min(1).default(defaultStackName),
  /** `smtp` (to Mailpit) or `ses-raw` (SES v1, which LocalStack's free edition runs). */
  SMOKE_MAIL_TRANSPORT: z.enum(['smtp', 'ses-raw']).default('smtp'),
  /** The functions' CPU; the host's by default, so no emulation is needed. */
  SMOKE_ARCHITECTURE: z.enum(['arm64', 'x86_64']).optional(),
  SMOKE_MAIL_FROM: z.email().default('news-alerts@news-alerts.test'),
  /** Mailpit's SMTP as the functions (on the compose network) reach it. */
  SMOKE_SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://mailpit:1025'),
  /** The fixture service from the host, and from the functions. */
  FIXTURES_URL: httpUrl.default('http://localhost:8787'),
  FIXTURES_INTERNAL_URL: httpUrl.default('http://fixtures:8787'),
  MAILPIT_URL: httpUrl.default('http://localhost:8025'),
  CI: z.string().optional(),
});

export interface SmokeSettings {
  endpoint: string;
  /** Set when LOCALSTACK_ENDPOINT was given: cdklocal is then pointed at it too. */
  customEndpoint: boolean;
  region: string;
  stackName: string;
  mailTransport: 'smtp' | 'ses-raw';
  architecture: 'arm64' | 'x86_64';
  mailFrom: string;
  smtpUrl: string;
  fixturesUrl: string;
  fixturesInternalUrl: string;
  mailpitUrl: string;
  /** Under CI an absent LocalStack is a skip, not a failure. */
  ci: boolean;
}

export function readSmokeSettings(env: NodeJS.ProcessEnv = process.env): SmokeSettings {
  const parsed = smokeEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`smoke settings are invalid: ${formatZodIssues(parsed.error.issues)}`);
  const value = parsed.data;
  return {
    endpoint: (value.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566').replace(/\/+$/, ''),
    customEndpoint: value.LOCALSTACK_ENDPOINT !== undefined,
    region: value.AWS_REGION,
    stackName: value.SMOKE_STACK_NAME,
    mailTransport: value.SMOKE_MAIL_TRANSPORT,
    architecture: value.SMOKE_ARCHITECTURE ?? (process.arch === 'arm64' ? 'arm64' : 'x86_64'),
    mailFrom: value.SMOKE_MAIL_FROM,
    smtpUrl: value.SMOKE_SMTP_URL,
    fixturesUrl: value.FIXTURES_URL.replace(/\/+$/, ''),
    fixturesInternalUrl: value.FIXTURES_INTERNAL_URL.replace(/\/+$/, ''),
    mailpitUrl: value.MAILPIT_URL.replace(/\/+$/, ''),
    ci: value.CI === 'true' || value.CI === '1',
  };
}

/** The `-c key=value` arguments that make the stack fit LocalStack (infra/aws/deployment-settings.ts). */
export function deployContext(settings: SmokeSettings): string[] {
  const context: Record<string, string> = {
    mailFrom: settings.mailFrom,
    mailTransport: settings.mailTransport,
    ...(settings.mailTransport === 'smtp' ? { smtpUrl: settings.smtpUrl } : {}),
    allowPrivateNetwork: 'true',
    architecture: settings.architecture,
  };
  return Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}
