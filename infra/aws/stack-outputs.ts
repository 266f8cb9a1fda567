/**
 * Names of the stack and of its outputs that tools outside CDK read back after a deploy
 * (`news-alerts apply-config` finds the tables through them). Kept free of aws-cdk-lib so the
 * CLI can import it without loading CDK.
 */
import type { FunctionName, SecretName, TableName } from '../topology.ts';
import { constructIdFor } from './resource-tags.ts';

/** Name of the stack in `cdk deploy` and in CloudFormation. */
export const defaultStackName = 'NewsAlerts';

/** The output holding a table's physical name: `feeds` → `TableFeedsName`. */
export function tableNameOutputKey(table: TableName): string {
  return `Table${constructIdFor(table)}Name`;
}

/** The output holding a generated secret's ARN: `unsubscribe` → `UnsubscribeSecretArn`. */
export function secretArnOutputKey(secret: SecretName): string {
  return `${constructIdFor(secret)}SecretArn`;
}

/**
 * The SSM parameter holding an HTTP function's public base URL (its Function URL):
 * `/NewsAlerts/http-api/public-base-url`. A fixed name, so the function's environment names it
 * as a literal and does not refer to its own URL.
 */
export function publicBaseUrlParameterName(stackName: string, functionName: FunctionName): string {
  return `/${stackName}/${functionName}/public-base-url`;
}
