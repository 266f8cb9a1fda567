import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsManagerSource } from '../../../shared/parameters/aws/secrets-manager-source.ts';
import { createSsmParameterReader } from '../../../shared/parameters/aws/ssm-parameter.ts';
import { ParameterReadError } from '../../../shared/parameters/errors.ts';
import { ConfigError } from '../../../shared/core/errors.ts';
import { startAwsStandIn, type AwsStandIn } from '../../helpers/aws-stand-in.ts';

/**
 * The Secrets Manager and SSM adapters, on our own signed JSON client (shared/aws-http),
 * against the local stand-in, reached the way Lambda would: `AWS_ENDPOINT_URL_SECRETS_MANAGER`
 * and `AWS_ENDPOINT_URL_SSM` in the environment (this file runs in its own process).
 */
describe('secrets and parameters read from AWS (local stand-in)', () => {
  let aws: AwsStandIn;

  beforeAll(async () => {
    aws = await startAwsStandIn();
    Object.assign(process.env, aws.environment());
  });

  afterAll(async () => {
    await aws?.close();
  });

  it('reads the current value, and no previous one before a rotation', async () => {
    // Prepare
    const arn = aws.secrets.create('unsubscribe-a', 'first-key-first-key-first-key-0001');
    const source = createSecretsManagerSource({ arns: { unsubscribe: arn }, maxAgeSeconds: 60 });

    // Act / Assess
    expect(await source.current('unsubscribe')).toBe('first-key-first-key-first-key-0001');
    expect(await source.previous('unsubscribe')).toBeUndefined();
    expect(aws.callsOf('GetSecretValue', arn, 'AWSCURRENT')).toBe(1);
    expect(aws.callsOf('GetSecretValue', arn, 'AWSPREVIOUS')).toBe(1);
  });

  it('caches both answers, the missing previous version too, for maxAge', async () => {
    // Prepare
    const arn = aws.secrets.create('unsubscribe-b', 'first-key-first-key-first-key-0002');
    const source = createSecretsManagerSource({ arns: { unsubscribe: arn }, maxAgeSeconds: 60 });

    // Act
    for (let i = 0; i < 5; i++) {
      await source.current('unsubscribe');
      await source.previous('unsubscribe');
    }

    // Assess
    expect(aws.callsOf('GetSecretValue', arn)).toBe(2);
  });

  it('sends one request for calls made while the first read of a secret is under way', async () => {
    // Prepare
    const arn = aws.secrets.create('unsubscribe-d', 'first-key-first-key-first-key-0004');
    const source = createSecretsManagerSource({ arns: { unsubscribe: arn }, maxAgeSeconds: 60 });

    // Act: five calls at once, as a cold start's concurrent requests make them
    const values = await Promise.all(Array.from({ length: 5 }, () => source.current('unsubscribe')));

    // Assess
    expect(values).toEqual(Array(5).fill('first-key-first-key-first-key-0004'));
    expect(aws.callsOf('GetSecretValue', arn, 'AWSCURRENT')).toBe(1);
  });

  it('does not keep a failed read: the next call reads again', async () => {
    // Prepare: a parameter that does not exist yet
    const read = createSsmParameterReader({ maxAgeSeconds: 60 });
    const failed = await read('/Test/later').catch((e: unknown) => e);

    // Act
    aws.parameters.set('/Test/later', 'https://later.example.org/');
    const value = await read('/Test/later');

    // Assess
    expect(failed).toBeInstanceOf(ConfigError);
    expect(value).toBe('https://later.example.org/');
    expect(aws.callsOf('GetParameter', '/Test/later')).toBe(2);
  });

  it('picks up a rotation once maxAge has passed: the new value is current, the old one previous', async () => {
    // Prepare
    const arn = aws.secrets.create('unsubscribe-c', 'first-key-first-key-first-key-0003');
    const source = createSecretsManagerSource({ arns: { unsubscribe: arn }, maxAgeSeconds: 1 });
    expect(await source.current('unsubscribe')).toBe('first-key-first-key-first-key-0003');
    expect(await source.previous('unsubscribe')).toBeUndefined();

    // Act: put-secret-value, then wait out the cache
    aws.secrets.put(arn, 'second-key-second-key-second-0003');
    const cached = await source.current('unsubscribe');
    await sleep(1100);

    // Assess
    expect(cached).toBe('first-key-first-key-first-key-0003');
    expect(await source.current('unsubscribe')).toBe('second-key-second-key-second-0003');
    expect(await source.previous('unsubscribe')).toBe('first-key-first-key-first-key-0003');
  });

  it('answers undefined, with no request, for a secret the function was not given', async () => {
    const source = createSecretsManagerSource({ arns: {}, maxAgeSeconds: 60 });
    const before = aws.calls.length;
    expect(await source.current('admin')).toBeUndefined();
    expect(await source.previous('admin')).toBeUndefined();
    expect(aws.calls.length).toBe(before);
  });

  it('fails with a retryable error naming the secret (never a value) when the secret cannot be read', async () => {
    // Prepare
    const missing = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-abcdef';
    const source = createSecretsManagerSource({ arns: { admin: missing }, maxAgeSeconds: 60 });

    // Act
    const error = await source.current('admin').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ParameterReadError);
    expect((error as ParameterReadError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/^secret read failed: ResourceNotFoundException: .* \(secret admin, AWSCURRENT\)$/);
  });

  it('reads an SSM parameter, cached; a missing one is a configuration error', async () => {
    // Prepare
    aws.parameters.set('/Test/http-api/public-base-url', 'https://abc.lambda-url.eu-west-1.on.aws/');
    const read = createSsmParameterReader({ maxAgeSeconds: 60 });

    // Act
    const first = await read('/Test/http-api/public-base-url');
    aws.parameters.set('/Test/http-api/public-base-url', 'https://changed.example.org/');
    const second = await read('/Test/http-api/public-base-url');
    const missing = await read('/Test/none').catch((e: unknown) => e);

    // Assess
    expect(first).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
    expect(second).toBe(first);
    expect(aws.callsOf('GetParameter', '/Test/http-api/public-base-url')).toBe(1);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as Error).message).toBe('parameter read failed: it does not exist (SSM parameter /Test/none)');
  });
});
