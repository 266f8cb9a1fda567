import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNewsAlertsApp } from '../../infra/aws/create-app.ts';
import { LOCALSTACK_ACCOUNT, readDeploymentSettings } from '../../infra/aws/deployment-settings.ts';
import { topology, type FunctionName } from '../../infra/topology.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { cdkJsonContext } from './synth-stack.ts';
import { functionPermissions, indexTemplate, type CfnTemplateJson } from './template-topology.ts';

/**
 * The context keys that make the stack fit LocalStack (docs/deploy-localstack.md):
 * `architecture`, `mailTransport` (+ `smtpUrl`) and `allowPrivateNetwork`, which only LocalStack's
 * account may have.
 */

const senders = (Object.keys(topology.functions) as FunctionName[]).filter((name) => topology.functions[name].access.sendsEmail === true);

interface Synthesized {
  json: CfnTemplateJson;
  account: string;
  region: string;
}

/** Synthesizes the app (bundling skipped) with extra context, as `cdk synth -c key=value` would. */
function synthesize(context: Record<string, unknown>, target: { account?: string; region?: string } = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-localstack-'));
  try {
    const { stack } = createNewsAlertsApp({
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
      outdir,
      ...target,
    });
    return { json: Template.fromStack(stack).toJSON() as CfnTemplateJson, account: stack.account, region: stack.region };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function functionEnvironments(json: CfnTemplateJson): Map<FunctionName, Record<string, unknown>> {
  const index = indexTemplate(json);
  return new Map(
    [...index.functions].map(([id, name]) => [
      name,
      (json.Resources[id]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables,
    ]),
  );
}

function sesPermissions(json: CfnTemplateJson): Map<FunctionName, { action: string; rendered: string }[]> {
  const index = indexTemplate(json);
  return new Map(
    [...index.functions].map(([id, name]) => [name, functionPermissions(json, id).filter((p) => p.action.startsWith('ses:'))]),
  );
}

describe('LocalStack context keys, read', () => {
  it.each([
    ['architecture', 'sparc', /architecture:/],
    ['mailTransport', 'pigeon', /mailTransport:/],
    ['smtpUrl', 'http://mailpit:1025', /smtpUrl: must be an smtp:\/\/ or smtps:\/\/ URL/],
  ])('rejects %s=%s naming the key', (key, value, message) => {
    const read = () => readDeploymentSettings((k) => ({ mailTransport: 'smtp', [key]: value })[k]);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });

  it('asks for smtpUrl with mailTransport=smtp, and for smtp when only smtpUrl is given', () => {
    expect(() => readDeploymentSettings((k) => ({ mailTransport: 'smtp' })[k])).toThrow(/mailTransport=smtp needs smtpUrl/);
    expect(() => readDeploymentSettings((k) => ({ smtpUrl: 'smtp://mailpit:1025' })[k])).toThrow(/smtpUrl is set but mailTransport is ses/);
  });

  it('refuses an smtpUrl with credentials, without repeating them', () => {
    const read = () => readDeploymentSettings((k) => ({ mailTransport: 'smtp', smtpUrl: 'smtp://alerts:hunter2@smtp.example.org:587' })[k]);
    expect(read).toThrow(/smtpUrl must not carry a user or password/);
    expect(read).toThrow(/\(smtp:\/\/smtp\.example\.org:587\)$/);
  });

  it.each([
    ['an AWS account', '123456789012'],
    ['an unknown account (offline synth)', undefined],
  ])('refuses allowPrivateNetwork for %s, saying why', (_what, account) => {
    const read = () => readDeploymentSettings((k) => ({ allowPrivateNetwork: 'true' })[k], account === undefined ? {} : { account });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      /allowPrivateNetwork=true is accepted only for LocalStack's account 000000000000, because it lets feed and webhook URLs reach private, loopback and metadata addresses/,
    );
  });

  it("accepts allowPrivateNetwork for LocalStack's account, from the command line's string or a boolean", () => {
    expect(readDeploymentSettings((k) => ({ allowPrivateNetwork: 'true' })[k], { account: LOCALSTACK_ACCOUNT }).allowPrivateNetwork).toBe(
      true,
    );
    expect(readDeploymentSettings((k) => ({ allowPrivateNetwork: true })[k], { account: LOCALSTACK_ACCOUNT }).allowPrivateNetwork).toBe(
      true,
    );
    expect(readDeploymentSettings((k) => ({ allowPrivateNetwork: 'false' })[k], { account: '123456789012' }).allowPrivateNetwork).toBe(
      false,
    );
  });
});

describe('LocalStack context keys, in the synthesized stack', () => {
  // Two synths cover every key (each takes seconds): an AWS-like one with x86_64 and SES v1, and
  // the LocalStack one the smoke script deploys (SMTP to Mailpit, private addresses).
  let sesRaw: Synthesized;
  let local: Synthesized;

  beforeAll(() => {
    sesRaw = synthesize({ architecture: 'x86_64', mailTransport: 'ses-raw', mailFrom: 'alerts@news.example.org' });
    local = synthesize(
      { mailTransport: 'smtp', smtpUrl: 'smtp://mailpit:1025', allowPrivateNetwork: 'true' },
      { account: LOCALSTACK_ACCOUNT, region: 'us-east-1' },
    );
  });

  const lambdas = (json: CfnTemplateJson) => Object.values(json.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');

  it('runs every function on x86_64 when asked, on arm64 otherwise', () => {
    expect(lambdas(sesRaw.json)).toHaveLength(Object.keys(topology.functions).length);
    for (const fn of lambdas(sesRaw.json)) expect(fn.Properties!.Architectures).toEqual(['x86_64']);
    for (const fn of lambdas(local.json)) expect(fn.Properties!.Architectures).toEqual(['arm64']);
  });

  it('ses-raw: MAIL_TRANSPORT=ses-raw everywhere, ses:SendRawEmail (never SendEmail) on the sender identity and the configuration set for the senders only', () => {
    // Raw sends carry the configuration set too (its feedback path), so SES checks it as a resource.
    const [setId] = Object.entries(sesRaw.json.Resources).find(([, r]) => r.Type === 'AWS::SES::ConfigurationSet')!;
    for (const [, variables] of functionEnvironments(sesRaw.json)) {
      expect(variables.MAIL_TRANSPORT).toBe('ses-raw');
      expect(variables.SMTP_URL).toBeUndefined();
    }
    for (const [name, permissions] of sesPermissions(sesRaw.json)) {
      if (!senders.includes(name)) {
        expect(permissions).toEqual([]);
        continue;
      }
      expect(permissions.map((p) => p.action)).toEqual(['ses:SendRawEmail', 'ses:SendRawEmail', 'ses:SendRawEmail']);
      expect(permissions.map((p) => p.rendered).sort()).toEqual([
        `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/<${setId}>`,
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/alerts@news.example.org',
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/news.example.org',
      ]);
    }
  });

  it('smtp: SMTP_URL on every function and no SES permission at all', () => {
    for (const [, variables] of functionEnvironments(local.json)) {
      expect(variables.MAIL_TRANSPORT).toBe('smtp');
      expect(variables.SMTP_URL).toBe('smtp://mailpit:1025');
    }
    for (const [, permissions] of sesPermissions(local.json)) expect(permissions).toEqual([]);
  });

  it("allowPrivateNetwork for LocalStack's account: ALLOW_PRIVATE_NETWORK=true everywhere, the stack bound to that account", () => {
    for (const [, variables] of functionEnvironments(local.json)) expect(variables.ALLOW_PRIVATE_NETWORK).toBe('true');
    expect(local.account).toBe(LOCALSTACK_ACCOUNT);
    expect(local.region).toBe('us-east-1');
    // Without the key, no such variable, and the stack stays environment-agnostic (offline synth).
    for (const [, variables] of functionEnvironments(sesRaw.json)) expect(variables.ALLOW_PRIVATE_NETWORK).toBeUndefined();
    expect(Token.isUnresolved(sesRaw.account)).toBe(true);
  });

  it('refuses to synthesize allowPrivateNetwork for any other account', () => {
    expect(() => synthesize({ allowPrivateNetwork: 'true' }, { account: '123456789012' })).toThrow(
      /allowPrivateNetwork=true is accepted only for LocalStack's account 000000000000.*\(account 123456789012\)$/,
    );
  });
});
