/**
 * The generated secrets of the deployment (the key of unsubscribe/manage/confirm tokens, the
 * operator's token): one Secrets Manager secret each, created only if a topology function
 * receives it. The one-process runtime keeps the same two values in its data folder instead.
 */
import { Tags, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { FunctionSpec, SecretName } from '../topology.ts';
import { secretEnvNames } from './function-environment.ts';
import { constructIdFor, topologyTagKeys } from './resource-tags.ts';

/** Letters and digits only: safe in an env var, a header and a URL, ~380 bits of entropy. */
const secretLength = 64;

const descriptions: Record<SecretName, string> = {
  unsubscribe: 'news-alerts UNSUBSCRIBE_SECRET: keys unsubscribe, manage and confirm tokens',
  admin: 'news-alerts ADMIN_TOKEN: the operator token of the status page and admin API',
};

export interface PipelineSecretsProps {
  functions: Record<string, FunctionSpec>;
}

/** One generated secret per secret some function's `access.secrets` lists. */
export class PipelineSecrets extends Construct {
  readonly secrets: Partial<Record<SecretName, Secret>> = {};

  constructor(scope: Construct, id: string, props: PipelineSecretsProps) {
    super(scope, id);
    const used = new Set(Object.values(props.functions).flatMap((spec) => spec.access.secrets ?? []));
    // The canonical order, so logical ids and the template do not depend on the topology's order.
    for (const name of Object.keys(secretEnvNames) as SecretName[]) {
      if (!used.has(name)) continue;
      const secret = new Secret(this, `${constructIdFor(name)}Secret`, {
        description: descriptions[name],
        generateSecretString: { passwordLength: secretLength, excludePunctuation: true, includeSpace: false },
      });
      Tags.of(secret).add(topologyTagKeys.secret, name);
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: `The ${name} secret is a random key with no external counterpart to rotate in step, so it is rotated by hand (put a new value, redeploy) when needed.`,
      });
      this.secrets[name] = secret;
    }
  }

  /**
   * The value to put in a function's environment: a CloudFormation dynamic reference
   * (`{{resolve:secretsmanager:<arn>:SecretString:::}}`) that CloudFormation resolves at deploy
   * time, so the template holds no secret and the handler makes no Secrets Manager call at cold
   * start. Trade-off: the resolved value is visible in the function's configuration to any
   * principal allowed `lambda:GetFunctionConfiguration`.
   */
  environmentValue(name: SecretName): string {
    const secret = this.secrets[name];
    if (!secret) throw new Error(`secret environment: no secret ${name} in the stack (no function lists it)`);
    return secret.secretValue.unsafeUnwrap();
  }
}
