/**
 * SES as the stack sends with it: one configuration set on every send (reputation metrics on,
 * sending on, bounced and complained-about addresses suppressed), and its bounce and complaint
 * events delivered to the function the topology gives an `email-feedback` trigger.
 *
 * SES → SNS → Lambda rather than SES → EventBridge: the SNS record is SES's documented event
 * format that the handler validates (the same text an identity's feedback notifications carry),
 * it needs no rule on the account's default bus, and LocalStack emulates SES event destinations
 * to SNS. The topic is encrypted with a key of its own, which SES may use (it cannot use the
 * AWS-managed SNS key), because the events carry recipients' addresses. A notification the
 * function fails on is retried by Lambda, then kept in a dead-letter queue with an alarm.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EventDestination,
  EmailSendingEvent,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EmailFeedbackEvent, FunctionName } from '../topology.ts';
import type { PipelineFunction } from './pipeline-function.ts';

/** The SES event type of each topology feedback event. */
const sesEvents: Record<EmailFeedbackEvent, EmailSendingEvent> = {
  bounce: EmailSendingEvent.BOUNCE,
  complaint: EmailSendingEvent.COMPLAINT,
};

/** How long a feedback notification the function failed on is kept (the SQS maximum). */
const FEEDBACK_DLQ_RETENTION = Duration.days(14);

/** The configuration set, and the feedback path once a function asks for it. */
export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  /** Set by {@link deliverFeedbackTo}: the topic SES publishes the events to. */
  feedbackTopic?: Topic;
  /** Set by {@link deliverFeedbackTo}: what the feedback function failed on. */
  feedbackDeadLetterQueue?: Queue;
  /** In alarm while any notification waits in the feedback dead-letter queue. */
  feedbackDeadLetterAlarm?: Alarm;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The name is CloudFormation's (stages side by side in one account cannot collide); the
    // functions get it in SES_CONFIGURATION_SET.
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
  }

  /** `arn:…:ses:<region>:<account>:configuration-set/<name>`: SendEmail with the set needs it. */
  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /**
   * Publishes the configuration set's `events` to a topic `fn` subscribes to, with Lambda's
   * retries and an on-failure dead-letter queue. One feedback function per stack.
   */
  deliverFeedbackTo(name: FunctionName, fn: PipelineFunction, events: EmailFeedbackEvent[]): void {
    if (this.feedbackTopic) throw new Error(`email feedback: a second feedback function (${name}); the stack delivers SES feedback to one`);
    if (events.length === 0) throw new Error(`email feedback: function ${name} lists no events`);

    const key = new Key(this, 'FeedbackKey', {
      description: 'news-alerts: encrypts the SES bounce and complaint events in their SNS topic',
      enableKeyRotation: true,
      // The key protects messages that live seconds; nothing it encrypted outlives the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // SES publishes to an encrypted topic only with a customer managed key it may use.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'FeedbackTopic', {
      displayName: 'news-alerts SES bounces and complaints',
      masterKey: key,
      enforceSSL: true,
    });
    // Adds the topic policy letting this configuration set (and only it) publish.
    new ConfigurationSetEventDestination(this, 'FeedbackDestination', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(topic),
      events: events.map((event) => sesEvents[event]),
      enabled: true,
    });
    topic.addSubscription(new LambdaSubscription(fn.function));

    const deadLetterQueue = new Queue(this, 'FeedbackDeadLetter', {
      retentionPeriod: FEEDBACK_DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue: the on-failure destination of ${name}'s asynchronous invocations.`,
    });
    // Lambda's two retries over up to six hours, then the record (the SNS event and the error).
    fn.function.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetterQueue), retryAttempts: 2, maxEventAge: Duration.hours(6) });
    // Named after the stack like every other alarm, so each stage's alarm is its own.
    this.feedbackDeadLetterAlarm = new Alarm(this, 'FeedbackDeadLetterAlarm', {
      alarmName: `${Stack.of(this).stackName}-email-feedback-dead-letters`,
      alarmDescription:
        `SES feedback that ${name} could not handle is waiting in its dead-letter queue: each message holds the SNS ` +
        `event (requestPayload) and the error (responsePayload). Fix the cause, then invoke ${name} with the requestPayload.`,
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.feedbackTopic = topic;
    this.feedbackDeadLetterQueue = deadLetterQueue;
  }
}
