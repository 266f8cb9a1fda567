/**
 * The house Lambda function: Node.js 24 (arm64 unless the deployment says x86_64), bundled by
 * local esbuild (never Docker), its own log group with a retention, and its own role that starts
 * with no permissions at all, so every permission it ends up with is one the topology granted
 * (plus writing its own logs).
 */
import { Duration, Tags } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName, FunctionSpec } from '../topology.ts';
import { functionCode, functionRuntime, type BundleTarget } from './bundling.ts';
import { topologyTagKeys } from './resource-tags.ts';

export interface PipelineFunctionProps {
  name: FunctionName;
  spec: FunctionSpec;
  /** Repository root: `spec.entry` is resolved against it. */
  rootDir: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** The bundles are plain JavaScript, so either CPU runs them. */
  architecture: 'arm64' | 'x86_64';
  /** What the deployment decides that the bundle follows (its mail transport). */
  bundleTarget: BundleTarget;
}

/** One topology function, bundled by `functionCode` (ESM, split), with the house defaults. */
export class PipelineFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { name, spec } = props;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // No AWSLambdaBasicExecutionRole: its logs:* on every log group is more than we need.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `news-alerts ${name}: only what infra/topology.ts grants`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: functionCode(props.rootDir, spec.entry, props.bundleTarget),
      handler: 'index.handler',
      runtime: functionRuntime,
      architecture: props.architecture === 'x86_64' ? Architecture.X86_64 : Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
      description: `news-alerts ${name} (${spec.entry})`,
      ...(spec.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
    });
    const cfnFunction = this.function.node.defaultChild as CfnFunction;
    Tags.of(cfnFunction).add(topologyTagKeys.function, name);
    Tags.of(cfnFunction).add(topologyTagKeys.entry, spec.entry);
  }
}
