/**
 * A work queue with its dead-letter queue and an alarm on the dead letters: the house shape
 * of every queue, so nothing a consumer gives up on is dropped silently.
 */
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption, type CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueName, QueueSpec } from '../topology.ts';
import { topologyTagKeys } from './resource-tags.ts';

export interface QueueWithDeadLetterProps {
  name: QueueName;
  spec: QueueSpec;
}

/** SQS queue + DLQ (redrive after `maxReceiveCount`), TLS-only, SQS-managed encryption. */
export class QueueWithDeadLetter extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** In alarm while any message sits in the dead-letter queue. */
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDeadLetterProps) {
    super(scope, id);
    const { name, spec } = props;

    this.deadLetterQueue = new Queue(this, 'DeadLetter', {
      retentionPeriod: Duration.seconds(spec.dlqRetentionSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Tags.of(this.queue.node.defaultChild as CfnQueue).add(topologyTagKeys.queue, name);

    // Named after the stack, so each stage's alarms are its own and say which stage they are.
    const stackName = Stack.of(this).stackName;
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmName: `${stackName}-${name}-dead-letters`,
      alarmDescription:
        `Messages are waiting in the ${name} dead-letter queue: list them with ` +
        `"news-alerts dlq list ${name} --stack ${stackName}", fix the cause, then ` +
        `"news-alerts dlq redrive ${name} --stack ${stackName}".`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // An empty DLQ publishes no datapoints; that is the healthy state.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
