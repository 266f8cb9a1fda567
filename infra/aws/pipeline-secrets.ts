/**
 * The generated secrets of the deployment (the key of subscription tokens, the key of subscriber
 * ids, the operator's token): one Secrets Manager secret each, created only if a topology
 * function reads it. Functions get each secret's ARN in their environment and read the value at
 * run time (cached a few minutes), so no value sits in a function's configuration and a
 * rotation needs no redeploy. The one-process runtime keeps the same values in its data folder.
 */
import { RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { FunctionSpec, SecretName } from '../topology.ts';
import { secretEnvNames } from './function-environment.ts';
import { constructIdFor, topologyTagKeys } from './resource-tags.ts';

/** Letters and digits only: safe in a header and a URL, ~380 bits of entropy. */
const secretLength = 64;

const descriptions: Record<SecretName, string> = {
  unsubscribe: 'news-alerts unsubscribe key: signs unsubscribe, manage, confirm and CSRF tokens (AWSPREVIOUS still verifies)',
  'subscriber-id': 'news-alerts subscriber-id key: derives the ids of email subscribers; never rotate it',
  admin: 'news-alerts admin token: the operator token of the status page and admin API',
};

/**
 * Secrets kept when the stack is destroyed, because data that outlives the stack depends on
 * them: links already sent carry tokens signed with the unsubscribe key, and the retained
 * subscriptions table holds ids derived with the subscriber-id key. A new stack adopts them
 * (`-c unsubscribeSecretArn=… -c subscriberIdSecretArn=…`). The admin token is simply new.
 */
export const retainedSecrets: ReadonlySet<SecretName> = new Set<SecretName>(['unsubscribe', 'subscriber-id']);

export interface PipelineSecretsProps {
  functions: Record<string, FunctionSpec>;
  /** Complete ARNs of retained secrets to adopt instead of creating new ones, by topology name. */
  adopt?: Partial<Record<SecretName, string>>;
}

/** One secret per secret some function's `access.secrets` lists: generated, or adopted. */
export class PipelineSecrets extends Construct {
  readonly secrets: Partial<Record<SecretName, ISecret>> = {};

  constructor(scope: Construct, id: string, props: PipelineSecretsProps) {
    super(scope, id);
    const used = new Set(Object.values(props.functions).flatMap((spec) => spec.access.secrets ?? []));
    // The canonical order, so logical ids and the template do not depend on the topology's order.
    for (const name of Object.keys(secretEnvNames) as SecretName[]) {
      if (!used.has(name)) continue;
      const adoptedArn = props.adopt?.[name];
      if (adoptedArn !== undefined) {
        if (!retainedSecrets.has(name)) throw new Error(`secret adoption: the ${name} secret is not retained, so there is none to adopt`);
        this.secrets[name] = Secret.fromSecretCompleteArn(this, `${constructIdFor(name)}Secret`, adoptedArn);
        continue;
      }
      const secret = new Secret(this, `${constructIdFor(name)}Secret`, {
        description: descriptions[name],
        generateSecretString: { passwordLength: secretLength, excludePunctuation: true, includeSpace: false },
        removalPolicy: retainedSecrets.has(name) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      Tags.of(secret).add(topologyTagKeys.secret, name);
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          name === 'subscriber-id'
            ? 'The subscriber-id key derives the ids stored in the subscriptions table, so rotating it would orphan every subscriber; it is never rotated.'
            : `The ${name} secret is a random key with no external counterpart to rotate in step, so it is rotated by hand (put-secret-value), which the functions pick up within minutes.`,
      });
      this.secrets[name] = secret;
    }
  }

  /** The ARN to put in a function's environment: never the value. */
  arnOf(name: SecretName): string {
    return this.secretOf(name).secretArn;
  }

  /**
   * Lets `grantee` read the secret's current and previous versions: `GetSecretValue` on that
   * one ARN, nothing else (no DescribeSecret, no list, no wildcard).
   */
  grantRead(name: SecretName, grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.arnOf(name)] }),
    );
  }

  private secretOf(name: SecretName): ISecret {
    const secret = this.secrets[name];
    if (!secret) throw new Error(`secret access: no secret ${name} in the stack (no function lists it)`);
    return secret;
  }
}
