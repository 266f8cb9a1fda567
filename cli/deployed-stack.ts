/**
 * Finds the tables of a deployed news-alerts stack (AWS or LocalStack): reads the stack's
 * outputs with CloudFormation DescribeStacks and maps them to table names. The mapping is pure
 * (`tableNamesFromOutputs`), so it is tested without CloudFormation.
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { tableNameOutputKey } from '../infra/aws/stack-outputs.ts';
import type { TableName } from '../infra/topology.ts';
import { NewsAlertsError } from '../shared/core/errors.ts';

/** The stack cannot be read, or lacks what the CLI needs from it. Never retryable. */
export class DeployedStackError extends NewsAlertsError {}

/** What the CLI reads of a stack. */
export interface StackDescription {
  /** CloudFormation's status, e.g. `CREATE_COMPLETE`, `ROLLBACK_COMPLETE`. */
  status: string;
  outputs: Output[];
}

/** Reads the status and outputs of `stackName`; failures are `DeployedStackError`s saying why. */
export async function readStackOutputs(client: CloudFormationClient, stackName: string): Promise<StackDescription> {
  let stacks: DescribeStacksCommandOutput['Stacks'];
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    if (isStackNotFound(error)) {
      throw new DeployedStackError(
        `stack not found: CloudFormation has no stack of that name in ${await regionOf(client)}; deploy it first or pass --stack (${stackName})`,
        { cause: error },
      );
    }
    throw new DeployedStackError(`reading the stack's outputs failed: ${describeAwsFailure(error)} (${stackName})`, { cause: error });
  }
  const stack = stacks?.[0];
  if (!stack) {
    throw new DeployedStackError(`stack not found: DescribeStacks returned no stack (${stackName})`);
  }
  return { status: stack.StackStatus ?? 'UNKNOWN', outputs: stack.Outputs ?? [] };
}

/**
 * The physical name of each table, from the stack's `Table<Name>Name` outputs. Throws naming
 * every missing output: a stack deployed before the outputs existed, or one that failed.
 */
export function tableNamesFromOutputs<T extends TableName>(
  stack: StackDescription,
  stackName: string,
  tables: readonly T[],
): Record<T, string> {
  const values = new Map(stack.outputs.map((output) => [output.OutputKey, output.OutputValue]));
  const missing: string[] = [];
  const names = {} as Record<T, string>;
  for (const table of tables) {
    const value = values.get(tableNameOutputKey(table));
    if (value) names[table] = value;
    else missing.push(tableNameOutputKey(table));
  }
  if (missing.length > 0) {
    throw new DeployedStackError(
      `stack output missing: ${missing.join(', ')} not among the stack's outputs (status ${stack.status}); ` +
        `deploy the current version of the stack (${stackName})`,
    );
  }
  return names;
}

/** A short reason for a failed AWS call: what the operator can act on, not a stack trace. */
export function describeAwsFailure(error: unknown): string {
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const message = e.message ?? String(error);
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return 'no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
  }
  if (/region is missing/i.test(message)) return 'no AWS region (set AWS_REGION, or a region in your AWS profile)';
  const networkCode = [e.code, e.cause?.code].find((code) => code && /^E[A-Z_]+$/.test(code));
  // Node's own message names the address (`connect ECONNREFUSED 127.0.0.1:4566`).
  if (networkCode) return `cannot reach the AWS endpoint: ${message.includes(networkCode) ? message : networkCode}`;
  return e.name && e.name !== 'Error' ? `${e.name}: ${message}` : message;
}

// DescribeStacks answers a missing stack with ValidationError "Stack with id X does not exist";
// StackNotFoundException is modelled too, so accept both.
function isStackNotFound(error: unknown): boolean {
  const e = (error ?? {}) as { name?: string; message?: string };
  return e.name === 'StackNotFoundException' || (e.name === 'ValidationError' && /does not exist/.test(e.message ?? ''));
}

async function regionOf(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return 'this region';
  }
}
