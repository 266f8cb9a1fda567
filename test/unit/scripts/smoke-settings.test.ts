import { createRequire } from 'node:module';
import { delimiter, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdklocalEnvironment } from '../../../scripts/localstack/run-cdklocal.ts';
import { deployContext, readSmokeSettings } from '../../../scripts/localstack/smoke-settings.ts';
import { waitFor, waitForSettled } from '../../../scripts/localstack/wait-for.ts';
import { readDeploymentSettings } from '../../../infra/aws/deployment-settings.ts';

const require = createRequire(import.meta.url);
/** aws-cdk-local's own environment handling, which cdklocal applies before running cdk. */
const { configureEnvironment } = require('aws-cdk-local/src') as {
  configureEnvironment(env: NodeJS.ProcessEnv, allowList: string): void;
};

describe('smoke script settings', () => {
  it('defaults to compose.yaml and the host CPU', () => {
    const settings = readSmokeSettings({});
    expect(settings).toMatchObject({
      endpoint: 'http://localhost:4566',
      customEndpoint: false,
      region: 'us-east-1',
      stackName: 'NewsAlerts',
      mailTransport: 'smtp',
      architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64',
      ci: false,
    });
  });

  it('names a bad variable', () => {
    expect(() => readSmokeSettings({ SMOKE_MAIL_TRANSPORT: 'ses' })).toThrow(/smoke settings are invalid: SMOKE_MAIL_TRANSPORT:/);
  });

  it.each([
    ['smtp', { SMOKE_MAIL_TRANSPORT: 'smtp' }],
    ['ses-raw', { SMOKE_MAIL_TRANSPORT: 'ses-raw', SMOKE_ARCHITECTURE: 'arm64' }],
  ])('deploys with context the stack accepts for LocalStack (%s)', (_transport, env) => {
    // Prepare: -c key=value pairs as the CDK CLI hands them to the app
    const args = deployContext(readSmokeSettings(env));
    const context = Object.fromEntries(
      args.filter((_, i) => i % 2 === 1).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );

    // Act
    const settings = readDeploymentSettings((key) => context[key], { account: '000000000000' });

    // Assess
    expect(args.filter((_, i) => i % 2 === 0).every((flag) => flag === '-c')).toBe(true);
    expect(settings.allowPrivateNetwork).toBe(true);
    expect(settings.mailTransport).toBe(env.SMOKE_MAIL_TRANSPORT);
  });
});

describe('cdklocal environment', () => {
  it('passes cdklocal its own checks and keeps the region through its AWS_* filter', () => {
    // Act
    const env = cdklocalEnvironment(
      { cwd: '.', region: 'eu-central-1', endpoint: 'http://127.0.0.1:4567' },
      { PATH: '/usr/bin', AWS_PROFILE: 'prod' },
    );
    configureEnvironment(env, env.AWS_ENVAR_ALLOWLIST ?? '');

    // Assess
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_REGION).toBe('eu-central-1');
    expect(env.AWS_DEFAULT_REGION).toBe('eu-central-1');
    expect(env.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:4567');
    expect(env.AWS_ENDPOINT_URL_S3).toBe('http://s3.localhost.localstack.cloud:4567');
    expect(env.CDK_DISABLE_CLI_TELEMETRY).toBe('true');
    expect(env.PATH?.split(delimiter)[0]).toBe(dirname(process.execPath));
  });

  it("leaves the endpoint to cdklocal's default when LocalStack is where compose puts it", () => {
    const env = cdklocalEnvironment({ cwd: '.', region: 'us-east-1' }, { PATH: '/usr/bin', AWS_ENDPOINT_URL: 'https://elsewhere.example' });
    configureEnvironment(env, env.AWS_ENVAR_ALLOWLIST ?? '');
    expect(env.AWS_ENDPOINT_URL).toBe('http://localhost.localstack.cloud:4566');
    expect(env.AWS_ENDPOINT_URL_S3).toBe('http://s3.localhost.localstack.cloud:4566');
  });
});

describe('bounded waits', () => {
  it('waitFor resolves with the first value and names what it awaited when time is up', async () => {
    let calls = 0;
    await expect(
      waitFor('the third call', async () => (++calls >= 3 ? calls : undefined), { timeoutMs: 5_000, intervalMs: 1 }),
    ).resolves.toBe(3);
    await expect(waitFor('a webhook at smoke-x', async () => undefined, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      /^a webhook at smoke-x did not happen within 0 s$/,
    );
  });

  it('waitForSettled resolves once the count stops changing', async () => {
    const counts = [1, 2, 3, 3, 3, 3, 3, 3];
    let i = 0;
    await expect(
      waitForSettled('deliveries', async () => counts[Math.min(i++, counts.length - 1)]!, { quietMs: 30, timeoutMs: 5_000 }),
    ).resolves.toBe(3);
  });
});
