/**
 * The operator's CLI reads the stack's secrets on our own client with what the SDK resolved for
 * it (region, endpoint, credentials from profiles or SSO), not only from environment variables.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsOf } from '../../../cli/sdk-client-settings.ts';
import { createSecretsManagerSource } from '../../../shared/parameters/aws/secrets-manager-source.ts';
import { startAwsStandIn, type AwsStandIn } from '../../helpers/aws-stand-in.ts';

const AWS_VARIABLES = /^AWS_/;

describe("an SDK client's settings for our clients", () => {
  let aws: AwsStandIn;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    aws = await startAwsStandIn();
    // Nothing in the environment: what the secret read gets must come from the SDK client.
    for (const name of Object.keys(process.env).filter((key) => AWS_VARIABLES.test(key))) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });

  afterAll(async () => {
    Object.assign(process.env, saved);
    await aws?.close();
  });

  it('reads a secret with the region, endpoint and credentials the SDK client was given', async () => {
    // Prepare
    const arn = aws.secrets.create('admin', 'operator-token');
    const sdk = new CloudFormationClient({
      region: 'eu-west-1',
      endpoint: aws.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });

    // Act
    const token = await createSecretsManagerSource({ arns: { admin: arn }, maxAgeSeconds: 0, clientConfig: settingsOf(sdk) }).current(
      'admin',
    );

    // Assess
    expect(token).toBe('operator-token');
    sdk.destroy();
  });
});
