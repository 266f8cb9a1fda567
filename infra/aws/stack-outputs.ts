/**
 * Names of the stack and of its outputs that tools outside CDK read back after a deploy
 * (`news-alerts apply-config` finds the tables through them). Kept free of aws-cdk-lib so the
 * CLI can import it without loading CDK.
 */
import type { FunctionName, SecretName, TableName } from '../topology.ts';
import { constructIdFor } from './resource-tags.ts';

/** Name of the default stage's stack in `cdk deploy` and in CloudFormation. */
export const defaultStackName = 'NewsAlerts';

/** The stack of a stage: `NewsAlerts` for the default stage, `NewsAlerts-prod` for `-c stage=prod`. */
export function stackNameFor(stage?: string): string {
  return stage === undefined ? defaultStackName : `${defaultStackName}-${stage}`;
}

/**
 * The service name of a stage: the `service` of its functions' logs and metrics (Powertools'
 * `POWERTOOLS_SERVICE_NAME`, the `service` dimension the dashboard reads). It is the stack's
 * name, so two stages in one account never mix their metrics.
 */
export function serviceNameFor(stage?: string): string {
  return stackNameFor(stage);
}

/** Outputs an operator reads after a deploy: where alarms go and which dashboard to open. */
export const operationsOutputKeys = {
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  serviceName: 'ServiceName',
} as const;

/** The output holding a table's physical name: `feeds` → `TableFeedsName`. */
export function tableNameOutputKey(table: TableName): string {
  return `Table${constructIdFor(table)}Name`;
}

/** The output holding a generated secret's ARN: `unsubscribe` → `UnsubscribeSecretArn`. */
export function secretArnOutputKey(secret: SecretName): string {
  return `${constructIdFor(secret)}SecretArn`;
}

/** The output holding an HTTP function's Function URL: `http-api` → `HttpApiUrl`. */
export function functionUrlOutputKey(fn: FunctionName): string {
  return `${constructIdFor(fn)}Url`;
}

/**
 * The SSM parameter holding an HTTP function's public base URL (its Function URL):
 * `/NewsAlerts/http-api/public-base-url`. A fixed name, so the function's environment names it
 * as a literal and does not refer to its own URL.
 */
export function publicBaseUrlParameterName(stackName: string, functionName: FunctionName): string {
  return `/${stackName}/${functionName}/public-base-url`;
}
