/**
 * Where every alarm of the stack goes: one SNS topic, encrypted with a key of its own and
 * TLS-only, that CloudWatch may publish to, with the operator's address subscribed when
 * `alarmEmail` is set. An aspect gives every alarm in the stack this topic as its alarm and OK
 * action, so no alarm added later can stay silent.
 */
import { ArnFormat, Aspects, AspectPriority, Duration, RemovalPolicy, Stack, type IAspect } from 'aws-cdk-lib';
import { AlarmBase } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlarmTopicProps {
  /** Subscribed by email; SNS sends it a confirmation link first. */
  alarmEmail?: string;
  /** What the notifications say they are about, e.g. the stack name. */
  label: string;
}

/** The alarm topic and its key. */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key (its policy cannot be
    // changed), hence a key of our own whose policy lets CloudWatch use it.
    this.key = new Key(this, 'Key', {
      description: `news-alerts ${props.label}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // It protects only notifications in transit; nothing is left to decrypt once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: `news-alerts ${props.label} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });

    // Only this account's alarms, in this region, may use the topic and its key (no confused deputy).
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const ourAlarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const conditions = { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': ourAlarms } };
    this.topic.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
    );

    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }

  /** Makes this topic the alarm and OK action of every alarm under `scope`, whenever it was added. */
  notifyOnEveryAlarm(scope: IConstruct): void {
    Aspects.of(scope).add(new NotifyOnAlarm(new SnsAction(this.topic)), { priority: AspectPriority.MUTATING });
  }
}

/** Adds the action to each alarm it visits: ALARM and OK, so an operator also hears of recovery. */
class NotifyOnAlarm implements IAspect {
  constructor(private readonly action: SnsAction) {}

  visit(node: IConstruct): void {
    if (!(node instanceof AlarmBase)) return;
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
