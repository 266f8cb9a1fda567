/**
 * The alarms that tell an operator the pipeline needs them, besides the dead-letter alarms of
 * each queue: every function's errors and throttles, every queue's oldest message, and the SES
 * reputation rates. Thresholds come from `alarm-thresholds.ts`; actions are added to every
 * alarm of the stack by the alarm topic.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { FunctionName, QueueName, Topology } from '../topology.ts';
import {
  consumerOf,
  functionErrorAlarm,
  functionThrottleAlarm,
  oldestMessageAgeThresholdSeconds,
  oldestMessageAlarmMinutes,
  sesReputationThresholds,
} from './alarm-thresholds.ts';
import { mapRecord } from './map-record.ts';
import type { PipelineFunction } from './pipeline-function.ts';
import type { QueueWithDeadLetter } from './queue-with-dead-letter.ts';
import { constructIdFor } from './resource-tags.ts';

export interface PipelineAlarmsProps {
  topology: Topology;
  queues: Record<QueueName, QueueWithDeadLetter>;
  functions: Record<FunctionName, PipelineFunction>;
  /** Start of every alarm name (the stack name), so two stages' alarms never collide. */
  namePrefix: string;
  /** Stack to pass to `--stack` in the runbook hints. */
  stackName: string;
}

/** The SES reputation metrics (account-wide: SES publishes them without a dimension). */
export function sesReputationMetric(name: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): Metric {
  return new Metric({
    namespace: 'AWS/SES',
    metricName: name,
    statistic: 'Maximum',
    period: Duration.minutes(sesReputationThresholds.periodMinutes),
  });
}

/** Errors and throttles per function, oldest-message age per queue, SES bounce and complaint rates. */
export class PipelineAlarms extends Construct {
  readonly functionErrors: Record<FunctionName, Alarm>;
  readonly functionThrottles: Record<FunctionName, Alarm>;
  readonly oldestMessage: Record<QueueName, Alarm>;
  /** Present when some function sends email. */
  readonly sesReputation: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { topology, namePrefix, stackName } = props;
    const stackFlag = `--stack ${stackName}`;

    this.functionErrors = mapRecord(
      props.functions,
      (fn, name) =>
        new Alarm(this, `${constructIdFor(name)}Errors`, {
          alarmName: `${namePrefix}-${name}-errors`,
          alarmDescription:
            `news-alerts ${name} failed (crash or timeout) in ${functionErrorAlarm.datapointsToAlarm} of the last ` +
            `${functionErrorAlarm.evaluationPeriods} ${functionErrorAlarm.periodMinutes}-minute periods: its log group says why.`,
          metric: fn.function.metricErrors({ period: Duration.minutes(functionErrorAlarm.periodMinutes), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: functionErrorAlarm.evaluationPeriods,
          datapointsToAlarm: functionErrorAlarm.datapointsToAlarm,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );

    this.functionThrottles = mapRecord(
      props.functions,
      (fn, name) =>
        new Alarm(this, `${constructIdFor(name)}Throttles`, {
          alarmName: `${namePrefix}-${name}-throttles`,
          alarmDescription:
            `Lambda throttled news-alerts ${name}: the account's concurrency ran out` +
            (topology.functions[name].reservedConcurrency !== undefined
              ? `, or ${name} used all of its reserved concurrency (raise it with -c reservedConcurrency.${name}=N).`
              : '.'),
          metric: fn.function.metricThrottles({ period: Duration.minutes(functionThrottleAlarm.periodMinutes), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );

    this.oldestMessage = mapRecord(props.queues, (queue, name) => {
      const [consumer, consumerSpec] = consumerOf(topology, name);
      const threshold = oldestMessageAgeThresholdSeconds(topology.queues[name], consumerSpec);
      return new Alarm(this, `${constructIdFor(name)}OldestMessage`, {
        alarmName: `${namePrefix}-${name}-oldest-message`,
        alarmDescription:
          `The oldest message of the ${name} queue has waited over ${threshold} s for ${oldestMessageAlarmMinutes} minutes: ` +
          `${consumer} is not keeping up. A backlog drains faster with a higher cap (-c maxConcurrency.${name}=N); ` +
          `failing messages show in its errors and, later, in "news-alerts dlq list ${name} ${stackFlag}".`,
        metric: queue.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: oldestMessageAlarmMinutes,
        // An empty queue publishes nothing, or 0: both healthy.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    });

    const sendsEmail = Object.values(topology.functions).some((spec) => spec.access.sendsEmail);
    if (sendsEmail) {
      const { bounceRate, complaintRate } = sesReputationThresholds;
      const reputation = [
        ['BounceRate', 'Reputation.BounceRate', bounceRate, 'bounce', 'find where the bad addresses come from'],
        ['ComplaintRate', 'Reputation.ComplaintRate', complaintRate, 'complaint', 'find who is mailed without wanting it'],
      ] as const;
      for (const [id, metricName, threshold, kind, remedy] of reputation) {
        this.sesReputation.push(
          new Alarm(this, `Ses${id}`, {
            alarmName: `${namePrefix}-ses-${kind}-rate`,
            alarmDescription:
              `The SES ${kind} rate of this account and region is over ${threshold * 100} % (AWS reviews the account ` +
              `at ${kind === 'bounce' ? '10' : '0.5'} %): ${remedy} ("news-alerts subscribers list ${stackFlag}" shows ` +
              `paused channels and why); the SES console's reputation page shows the trend.`,
            metric: sesReputationMetric(metricName),
            threshold,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            // SES publishes nothing until an account has sent enough mail: not a problem.
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        );
      }
    }
  }
}
