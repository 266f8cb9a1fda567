/**
 * Runs `cdklocal` (aws-cdk-local, a devDependency: the CDK CLI with its AWS calls sent to
 * LocalStack) on the project's Node, output captured: a step prints one line, and a failure
 * shows the tail of what cdklocal said.
 */
import { lastLines, runNodeScript } from './run-node-script.ts';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface CdklocalTarget {
  /** Repository root: where cdk.json is. */
  cwd: string;
  region: string;
  /** LocalStack's gateway when not the default `localhost:4566`; cdklocal's own default otherwise. */
  endpoint?: string;
}

/**
 * The environment cdklocal needs. It drops every `AWS_*` variable but `AWS_ENDPOINT_URL*` and
 * those in `AWS_ENVAR_ALLOWLIST`, and wants `AWS_ENDPOINT_URL_S3` (with `.s3.`) beside a custom
 * `AWS_ENDPOINT_URL`.
 */
export function cdklocalEnvironment(target: CdklocalTarget, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    // cdk's own scripts start with `#!/usr/bin/env node`: let that be this Node.
    PATH: [dirname(process.execPath), base.PATH ?? ''].join(delimiter),
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    AWS_ENVAR_ALLOWLIST: 'AWS_REGION,AWS_DEFAULT_REGION',
  };
  if (target.endpoint) {
    const url = new URL(target.endpoint);
    env.AWS_ENDPOINT_URL = url.origin;
    env.AWS_ENDPOINT_URL_S3 =
      base.AWS_ENDPOINT_URL_S3 ?? `${url.protocol}//s3.localhost.localstack.cloud:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  } else {
    delete env.AWS_ENDPOINT_URL;
    delete env.AWS_ENDPOINT_URL_S3;
  }
  return env;
}

/** Runs `cdklocal …args`; resolves with its output, rejects with the last lines of it. */
export async function runCdklocal(args: string[], target: CdklocalTarget): Promise<string> {
  const bin = join(dirname(require.resolve('aws-cdk-local/package.json')), 'bin', 'cdklocal');
  const run = await runNodeScript(bin, args, { cwd: target.cwd, env: cdklocalEnvironment(target) });
  if (run.code === 0) return run.text;
  throw new Error(`cdklocal ${args[0]} exited with ${run.code}:\n${lastLines(run.text, 15)}`);
}
