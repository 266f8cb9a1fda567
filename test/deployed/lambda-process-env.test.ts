import { afterEach, describe, expect, it } from 'vitest';
import { createProcessEnvSwitch, lambdaRuntimeVariables } from './lambda-process-env.ts';

describe('createProcessEnvSwitch', () => {
  const touched = ['AWS_PROFILE', 'AWS_ENDPOINT_URL', 'TABLE_FEEDS', 'ADMIN_TOKEN', 'ONLY_IN_B', 'UNRELATED_SHELL_VARIABLE'];
  const before = Object.fromEntries(touched.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('gives each function only its own variables, without the shell AWS settings, and restores them', () => {
    // Prepare: a developer's shell
    process.env.AWS_PROFILE = 'developer';
    process.env.AWS_ENDPOINT_URL = 'http://somewhere:4566';
    process.env.UNRELATED_SHELL_VARIABLE = 'kept';
    const a = { TABLE_FEEDS: 'feeds-a', ADMIN_TOKEN: 'token-of-a' };
    const b = { TABLE_FEEDS: 'feeds-b', ONLY_IN_B: 'b' };
    const env = createProcessEnvSwitch([a, b]);

    // Act + Assess: A, then B (A's secret must not leak into B's cold start)
    env.enter(a);
    expect(process.env.TABLE_FEEDS).toBe('feeds-a');
    expect(process.env.ADMIN_TOKEN).toBe('token-of-a');
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
    env.enter(b);
    expect(process.env.TABLE_FEEDS).toBe('feeds-b');
    expect(process.env.ADMIN_TOKEN).toBeUndefined();
    expect(process.env.ONLY_IN_B).toBe('b');
    expect(process.env.UNRELATED_SHELL_VARIABLE).toBe('kept');

    // Act + Assess: restore
    env.restore();
    expect(process.env.AWS_PROFILE).toBe('developer');
    expect(process.env.AWS_ENDPOINT_URL).toBe('http://somewhere:4566');
    expect(process.env.TABLE_FEEDS).toBe(before.TABLE_FEEDS);
    expect(process.env.ONLY_IN_B).toBeUndefined();
  });
});

describe('lambdaRuntimeVariables', () => {
  it('sets what the Lambda runtime sets and one endpoint variable per service', () => {
    // Act
    const variables = lambdaRuntimeVariables(
      {
        region: 'eu-west-1',
        credentials: { accessKeyId: 'id', secretAccessKey: 'key' },
        endpoints: { SQS: 'http://sqs.eu-west-1.localhost:1', DYNAMODB: 'http://127.0.0.1:2' },
      },
      { functionName: 'NewsAlerts-FanOut', memoryMb: 256, runtime: 'nodejs24.x', handler: 'index.handler', taskRoot: '/var/task' },
    );

    // Assess
    expect(variables).toMatchObject({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'NewsAlerts-FanOut',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_ENDPOINT_URL_SQS: 'http://sqs.eu-west-1.localhost:1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2',
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: 'index.handler',
    });
  });
});
