/**
 * The operator's side of a deployed stack's admin API (`/api/admin/*`, Bearer only): its
 * Function URL and admin secret, found through the stack's outputs. A local data folder's token
 * is `local-admin-token.ts`'s, which loads no AWS SDK.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { functionUrlOutputKey, secretArnOutputKey } from '../infra/aws/stack-outputs.ts';
import { createSecretsManagerSource } from '../shared/parameters/aws/secrets-manager-source.ts';
import { DeployedStackError, readStackOutputs } from './deployed-stack.ts';
import { settingsOf } from './sdk-client-settings.ts';

/** A running pipeline's HTTP API and the operator's token for it. */
export interface AdminApi {
  base: string;
  token: string;
}

/**
 * The HTTP API of a deployed stack (its `HttpApiUrl` output) and the operator's token:
 * NEWS_ALERTS_ADMIN_TOKEN, else the current value of the stack's admin secret (its
 * `AdminSecretArn` output), read with the caller's AWS credentials, region and endpoint as the SDK finds them (profiles, SSO, …).
 */
export async function stackAdminApi(stack: string, cloudFormation?: CloudFormationClient): Promise<AdminApi> {
  const client = cloudFormation ?? new CloudFormationClient({});
  try {
    const description = await readStackOutputs(client, stack);
    const output = (key: string) => description.outputs.find((o) => o.OutputKey === key)?.OutputValue;
    const base = output(functionUrlOutputKey('http-api'));
    if (!base) {
      throw new DeployedStackError(
        `stack output missing: ${functionUrlOutputKey('http-api')} not among the stack's outputs; deploy the current version (${stack})`,
      );
    }
    let token = process.env.NEWS_ALERTS_ADMIN_TOKEN;
    if (!token) {
      const arn = output(secretArnOutputKey('admin'));
      if (!arn) {
        throw new DeployedStackError(
          `stack output missing: ${secretArnOutputKey('admin')} not among the stack's outputs; set NEWS_ALERTS_ADMIN_TOKEN (${stack})`,
        );
      }
      token = await createSecretsManagerSource({ arns: { admin: arn }, maxAgeSeconds: 0, clientConfig: settingsOf(client) }).current(
        'admin',
      );
      if (!token) throw new DeployedStackError(`the stack's admin secret is empty; set NEWS_ALERTS_ADMIN_TOKEN (${stack})`);
    }
    return { base: base.replace(/\/+$/, ''), token };
  } finally {
    if (!cloudFormation) client.destroy();
  }
}
