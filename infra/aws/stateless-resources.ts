/**
 * The stateless half of the stack, built from the topology's `queues` and `functions`: a
 * queue with DLQ and alarm per queue, a function per function, its trigger (EventBridge rule,
 * SQS event source, Function URL or SES feedback) and exactly the access the topology grants
 * it, including reading the generated secrets it lists (their ARNs are in its environment,
 * never their values).
 */
import { ArnFormat, CfnOutput, Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { FunctionName, FunctionSpec, QueueName, TableName, Topology } from '../topology.ts';
import { parseSenderAddress, type DeploymentSettings } from './deployment-settings.ts';
import type { EmailSending } from './email-sending.ts';
import { functionEnvironment } from './function-environment.ts';
import { PipelineFunction } from './pipeline-function.ts';
import type { PipelineSecrets } from './pipeline-secrets.ts';
import { QueueWithDeadLetter } from './queue-with-dead-letter.ts';
import { mapRecord } from './map-record.ts';
import { constructIdFor } from './resource-tags.ts';
import { functionUrlOutputKey, publicBaseUrlParameterName } from './stack-outputs.ts';

export interface StatelessResourcesProps {
  queues: Topology['queues'];
  functions: Topology['functions'];
  /** The tables of the stateful half, by topology name. */
  tables: Record<TableName, ITable>;
  /** Each table's global secondary indexes: a grant on such a table covers `index/*`. */
  tableIndexNames: Record<TableName, string[]>;
  settings: DeploymentSettings;
  /** The generated secrets; a function may read those its `access.secrets` lists. */
  secrets: PipelineSecrets;
  /** SES: the configuration set of every send, and where `email-feedback` triggers come from. */
  email: EmailSending;
  /** Repository root, where the handler entries live. */
  rootDir: string;
}

/** Queues, functions, triggers and grants. */
export class StatelessResources extends Construct {
  readonly queues: Record<QueueName, QueueWithDeadLetter>;
  readonly functions: Record<FunctionName, PipelineFunction>;
  /** Function URLs of the `http`-triggered functions. */
  readonly functionUrls: Partial<Record<FunctionName, FunctionUrl>> = {};

  constructor(scope: Construct, id: string, props: StatelessResourcesProps) {
    super(scope, id);

    this.queues = mapRecord(props.queues, (spec, name) => new QueueWithDeadLetter(this, `${constructIdFor(name)}Queue`, { name, spec }));

    const functionEntries = Object.entries(props.functions) as [FunctionName, FunctionSpec][];
    const httpFunctions = functionEntries.filter(([, spec]) => spec.trigger.kind === 'http');
    const baseEnvironment = {
      tableNames: mapRecord(props.tables, (table) => table.tableName),
      queueUrls: mapRecord(this.queues, (queue) => queue.queue.queueUrl),
      settings: props.settings,
      // One stack per stage: its name keeps each stage's metrics apart.
      serviceName: Stack.of(this).stackName,
    };

    // HTTP functions first: the others link to the API, so they need its URL.
    const ordered = [...httpFunctions, ...functionEntries.filter(([, spec]) => spec.trigger.kind !== 'http')];
    const created: Partial<Record<FunctionName, PipelineFunction>> = {};
    for (const [name, spec] of ordered) {
      const fn = new PipelineFunction(this, `${constructIdFor(name)}Function`, {
        name,
        spec,
        rootDir: props.rootDir,
        logRetention: props.settings.logRetentionDays,
        architecture: props.settings.architecture,
        bundleTarget: { mailTransport: props.settings.mailTransport },
        environment: functionEnvironment({
          ...baseEnvironment,
          ...publicBaseUrlFor(name, spec, props.settings, httpFunctions.length === 1 ? this.functionUrls : {}, Stack.of(this).stackName),
          secretArns: Object.fromEntries((spec.access.secrets ?? []).map((secret) => [secret, props.secrets.arnOf(secret)])),
          ...(spec.access.sendsEmail ? { sesConfigurationSet: props.email.configurationSet.configurationSetName } : {}),
          deadLetterQueueUrls: Object.fromEntries(
            (spec.access.sendsToDeadLetter ?? []).map((queue) => [queue, this.queues[queue].deadLetterQueue.queueUrl]),
          ),
        }),
      });
      this.addTrigger(name, spec, fn, props);
      this.grantAccess(spec, fn, props);
      created[name] = fn;
    }
    this.functions = created as Record<FunctionName, PipelineFunction>;
  }

  private addTrigger(name: FunctionName, spec: FunctionSpec, fn: PipelineFunction, props: StatelessResourcesProps): void {
    const { settings, email } = props;
    const trigger = spec.trigger;
    switch (trigger.kind) {
      case 'schedule': {
        // An EventBridge rule, not EventBridge Scheduler: LocalStack community runs only rules.
        const rule = new Rule(this, `${constructIdFor(name)}Schedule`, {
          description: `Runs news-alerts ${name} every ${trigger.everyMinutes} minute(s)`,
          schedule: Schedule.rate(Duration.minutes(trigger.everyMinutes)),
        });
        rule.addTarget(new LambdaFunction(fn.function));
        return;
      }
      case 'queue': {
        fn.function.addEventSource(
          new SqsEventSource(this.queues[trigger.queue].queue, {
            batchSize: trigger.batchSize,
            maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
            reportBatchItemFailures: true,
            maxConcurrency: trigger.maxConcurrency,
          }),
        );
        return;
      }
      case 'http': {
        // Open URL: the API checks its own unforgeable tokens on every request.
        const url = fn.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
        this.functionUrls[name] = url;
        new CfnOutput(Stack.of(this), functionUrlOutputKey(name), {
          description: `Function URL of news-alerts ${name}`,
          value: url.url,
        });
        if (settings.publicBaseUrl === undefined) {
          // The function's own URL reaches it through SSM: its environment names the parameter
          // (a literal), and the parameter depends on the URL, so there is no cycle.
          const parameterName = publicBaseUrlParameterName(Stack.of(this).stackName, name);
          new StringParameter(this, `${constructIdFor(name)}PublicBaseUrl`, {
            parameterName,
            stringValue: url.url,
            description: `Base of links built by news-alerts ${name}: its Function URL`,
          });
          // Built from the name, not the parameter resource: a reference from the role's policy
          // would make the function depend on its own URL.
          fn.role.addToPrincipalPolicy(
            new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [ssmParameterArn(Stack.of(this), parameterName)] }),
          );
        }
        return;
      }
      case 'email-feedback': {
        // SES configuration set → SNS topic → this function (see email-sending.ts).
        email.deliverFeedbackTo(name, fn, trigger.events);
        return;
      }
    }
  }

  private grantAccess(spec: FunctionSpec, fn: PipelineFunction, props: StatelessResourcesProps): void {
    const { tables, tableIndexNames, settings } = props;
    for (const [tableName, mode] of Object.entries(spec.access.tables) as [TableName, 'read' | 'write' | 'readwrite'][]) {
      const table = tables[tableName];
      if (mode === 'read') table.grantReadData(fn.role);
      else if (mode === 'write') table.grantWriteData(fn.role);
      else table.grantReadWriteData(fn.role);
      if (tableIndexNames[tableName].length > 0) acknowledgeIndexWildcard(fn, table, tableName);
    }
    for (const queueName of spec.access.sendsTo) {
      this.queues[queueName].queue.grantSendMessages(fn.role);
    }
    for (const queueName of spec.access.inspectsQueues ?? []) {
      // Depths only (the status page): no receive, no delete, no send.
      this.queues[queueName].queue.grant(fn.role, 'sqs:GetQueueAttributes');
      this.queues[queueName].deadLetterQueue.grant(fn.role, 'sqs:GetQueueAttributes');
    }
    for (const queueName of spec.access.sendsToDeadLetter ?? []) {
      // SendMessage only: no receive, and no GetQueueAttributes, which marks an inspector.
      this.queues[queueName].deadLetterQueue.grant(fn.role, 'sqs:SendMessage');
    }
    for (const queueName of spec.access.redrivesQueues ?? []) {
      // Redrive: SQS's move task, or (engines without it) receive → send → delete. No GetQueueUrl,
      // which marks a sender's grant; the queue's attributes give its ARN and its DLQ.
      const { queue, deadLetterQueue } = this.queues[queueName];
      deadLetterQueue.grant(fn.role, 'sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage');
      queue.grant(fn.role, 'sqs:SendMessage', 'sqs:GetQueueAttributes');
    }
    for (const secret of spec.access.secrets ?? []) {
      props.secrets.grantRead(secret, fn.role);
    }
    // SMTP needs no AWS permission; SES v1 raw sends are authorized as ses:SendRawEmail.
    if (spec.access.sendsEmail && settings.mailTransport !== 'smtp') {
      const sender = parseSenderAddress(settings.mailFrom);
      if (!sender) throw new Error(`SES grant: mailFrom has no email address (${settings.mailFrom})`);
      const stack = Stack.of(this);
      // SES authorizes a send against the verified identity (the domain or the address itself)
      // and the configuration set the send names.
      const identityArns = [sender.domain, sender.address].map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      );
      const action = settings.mailTransport === 'ses-raw' ? 'ses:SendRawEmail' : 'ses:SendEmail';
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: [action], resources: [...identityArns, props.email.configurationSetArn] }),
      );
    }
  }
}

/** `arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>`. */
function ssmParameterArn(stack: Stack, parameterName: string): string {
  return stack.formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: parameterName.slice(1),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * CDK grants a table's indexes as `<table arn>/index/*`; cdk-nag reports the wildcard, which
 * reaches only this table's own indexes.
 */
function acknowledgeIndexWildcard(fn: PipelineFunction, table: ITable, tableName: TableName): void {
  const cfnTable = table.node.defaultChild as CfnElement | undefined;
  // A table of the stack is granted by its ARN attribute, an existing one (`existingTable`) by name.
  const tableArn = cfnTable
    ? `<${Stack.of(table).resolve(cfnTable.logicalId) as string}.Arn>`
    : `arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${table.tableName}`;
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
    reason: `The wildcard covers only the global secondary indexes of the ${tableName} table, which the function queries by design.`,
  });
}

/**
 * Where a function finds the base of links: the deployment's `publicBaseUrl` when set; else the
 * single HTTP function's URL for the others, and for the HTTP function itself the name of the SSM
 * parameter holding its URL (never the request's Host header).
 */
function publicBaseUrlFor(
  name: FunctionName,
  spec: FunctionSpec,
  settings: DeploymentSettings,
  urls: Partial<Record<FunctionName, FunctionUrl>>,
  stackName: string,
): { publicBaseUrl?: string; publicBaseUrlParameter?: string } {
  if (settings.publicBaseUrl !== undefined) return { publicBaseUrl: settings.publicBaseUrl };
  if (spec.trigger.kind === 'http') return { publicBaseUrlParameter: publicBaseUrlParameterName(stackName, name) };
  const other = Object.entries(urls).find(([urlOwner]) => urlOwner !== name)?.[1];
  return other ? { publicBaseUrl: other.url } : {};
}
