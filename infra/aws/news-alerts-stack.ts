/**
 * The whole AWS deployment as one stack, built from `infra/topology.ts`: a stateful construct
 * (tables) and a stateless one (queues, functions, triggers), wired by typed props. One stack
 * keeps `cdklocal deploy` simple and avoids cross-stack exports pinning the tables.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AlarmBase } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { SecretName, TableName, Topology } from '../topology.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { secretEnvNames } from './function-environment.ts';
import type { DeploymentSettings } from './deployment-settings.ts';
import type { OperationsSettings } from './operations-settings.ts';
import { PipelineAlarms } from './pipeline-alarms.ts';
import { PipelineDashboard } from './pipeline-dashboard.ts';
import { EmailSending } from './email-sending.ts';
import { PipelineSecrets } from './pipeline-secrets.ts';
import { refusePlaceholderSender } from './sender-domain-rule.ts';
import { StatefulResources } from './stateful-resources.ts';
import { StatelessResources } from './stateless-resources.ts';
import { operationsOutputKeys, secretArnOutputKey, serviceNameFor, tableNameOutputKey } from './stack-outputs.ts';

export interface NewsAlertsStackProps extends StackProps {
  /** The topology with the deployment's caps and reservations applied. */
  topology: Topology;
  settings: DeploymentSettings;
  operations: OperationsSettings;
  /** Repository root, where the handler entries and the lock file live. */
  rootDir: string;
}

/**
 * Tables, generated secrets, queues with DLQs, the SES configuration set and its feedback path,
 * functions with their triggers and grants, a rule refusing a placeholder sender at deploy; the
 * alarms (each notifying the alarm topic) and the dashboard; table names, secret ARNs, the alarm
 * topic and the dashboard as outputs.
 */
export class NewsAlertsStack extends Stack {
  readonly stateful: StatefulResources;
  readonly stateless: StatelessResources;
  readonly secrets: PipelineSecrets;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: PipelineAlarms;
  readonly dashboard: PipelineDashboard;
  /** The `service` dimension of the handlers' metrics in this stage (`POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** The SES configuration set of every send, and the bounce and complaint feedback path. */
  readonly email: EmailSending;

  constructor(scope: Construct, id: string, props: NewsAlertsStackProps) {
    super(scope, id, props);
    this.serviceName = serviceNameFor(props.operations.stage);
    this.stateful = new StatefulResources(this, 'Stateful', {
      tables: props.topology.tables,
      existingTables: props.operations.existingTables,
    });
    this.secrets = new PipelineSecrets(this, 'Secrets', {
      functions: props.topology.functions,
      adopt: { unsubscribe: props.settings.unsubscribeSecretArn, 'subscriber-id': props.settings.subscriberIdSecretArn },
    });
    this.email = new EmailSending(this, 'Email');
    // CloudFormation refuses a deploy whose sender is a placeholder such as example.com.
    refusePlaceholderSender(this, props.settings.mailFrom);
    this.stateless = new StatelessResources(this, 'Stateless', {
      queues: props.topology.queues,
      functions: props.topology.functions,
      tables: this.stateful.tables,
      tableIndexNames: this.stateful.indexNames,
      settings: props.settings,
      secrets: this.secrets,
      email: this.email,
      rootDir: props.rootDir,
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      label: this.stackName,
      ...(props.operations.alarmEmail !== undefined ? { alarmEmail: props.operations.alarmEmail } : {}),
    });
    this.alarmTopic.notifyOnEveryAlarm(this);
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      topology: props.topology,
      queues: this.stateless.queues,
      functions: this.stateless.functions,
      namePrefix: this.stackName,
      stackName: this.stackName,
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      dashboardName: this.stackName,
      serviceName: this.serviceName,
      stackName: this.stackName,
      queues: this.stateless.queues,
      functions: this.stateless.functions,
      // Every alarm of the stack, whoever added it, as long as it exists by now.
      alarms: this.node.findAll().filter((construct): construct is AlarmBase => construct instanceof AlarmBase),
      sendsEmail: Object.values(props.topology.functions).some((spec) => spec.access.sendsEmail),
    });
    new CfnOutput(this, operationsOutputKeys.alarmTopicArn, {
      description: 'SNS topic every alarm notifies: subscribe more endpoints to it',
      value: this.alarmTopic.topic.topicArn,
    });
    new CfnOutput(this, operationsOutputKeys.dashboardName, {
      description: 'CloudWatch dashboard of this stage',
      value: this.dashboard.dashboard.dashboardName,
    });
    new CfnOutput(this, operationsOutputKeys.serviceName, {
      description: "The service dimension of the handlers' metrics (namespace NewsAlerts)",
      value: this.serviceName,
    });

    // Table names are generated by CloudFormation; `news-alerts apply-config` reads them here.
    for (const name of Object.keys(props.topology.tables) as TableName[]) {
      new CfnOutput(this, tableNameOutputKey(name), {
        description: `Name of the news-alerts ${name} table`,
        value: this.stateful.tables[name].tableName,
      });
    }
    // The ARN, never the value: `aws secretsmanager get-secret-value --secret-id <arn>` reads it,
    // and a later stack adopts a retained one with `-c <outputKey in camelCase>=<arn>`.
    for (const [name, secret] of Object.entries(this.secrets.secrets)) {
      new CfnOutput(this, secretArnOutputKey(name as SecretName), {
        description: `ARN of the news-alerts ${name} secret (${secretEnvNames[name as SecretName]})`,
        value: secret.secretArn,
      });
    }
  }
}
