/**
 * One CloudWatch dashboard per stage: the alarms' states, queue depth and age, dead letters,
 * each function's errors, throttles and duration, and every handler metric of the catalogue
 * (`shared/core/metric-names.ts`, namespace `NewsAlerts`, dimension `service` = the stage's
 * service name). Metrics split by a dimension (topic, channel, feedback kind) are SEARCH
 * expressions, so a new topic or channel shows without a redeploy.
 */
import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  Metric,
  SearchExpression,
  TextWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { metricNamespace, metricSpecs, type MetricName, type MetricSpec } from '../../shared/core/metric-names.ts';
import type { FunctionName, QueueName } from '../topology.ts';
import { sesReputationThresholds } from './alarm-thresholds.ts';
import { sesReputationMetric } from './pipeline-alarms.ts';
import type { PipelineFunction } from './pipeline-function.ts';
import type { QueueWithDeadLetter } from './queue-with-dead-letter.ts';

export interface PipelineDashboardProps {
  dashboardName: string;
  /** The `service` dimension the handlers publish under. */
  serviceName: string;
  stackName: string;
  queues: Record<QueueName, QueueWithDeadLetter>;
  functions: Record<FunctionName, PipelineFunction>;
  /** Shown in the alarm-status widget at the top. */
  alarms: IAlarm[];
  /** Whether to show the SES reputation rates. */
  sendsEmail: boolean;
}

/** Graphs use 5-minute points: fine enough to see a burst, coarse enough to read a week. */
const period = Duration.minutes(5);
const fullWidth = 24;

/** The stage's dashboard. */
export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const queues = Object.entries(props.queues) as [QueueName, QueueWithDeadLetter][];
    const functions = Object.entries(props.functions) as [FunctionName, PipelineFunction][];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
    });

    this.dashboard.addWidgets(
      new TextWidget({
        width: fullWidth,
        height: 2,
        markdown:
          `# news-alerts: stack ${props.stackName}, service ${props.serviceName}\n` +
          `Dead letters: \`news-alerts dlq list --stack ${props.stackName}\`, then \`dlq redrive\` once fixed. ` +
          `Feed health: \`news-alerts feeds status --stack ${props.stackName}\`.`,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: fullWidth, height: 4 }));

    const maximum = (label: string) => ({ period, statistic: 'Maximum', label });
    this.dashboard.addWidgets(
      graph(
        'Queue depth (visible messages)',
        queues.map(([name, q]) => q.queue.metricApproximateNumberOfMessagesVisible(maximum(name))),
      ),
      graph(
        'Age of the oldest message (s)',
        queues.map(([name, q]) => q.queue.metricApproximateAgeOfOldestMessage(maximum(name))),
      ),
      graph(
        'Dead letters',
        queues.map(([name, q]) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum(`${name} DLQ`))),
      ),
    );
    const sum = (label: string) => ({ period, statistic: 'Sum', label });
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        functions.map(([name, fn]) => fn.function.metricErrors(sum(name))),
      ),
      graph(
        'Function throttles',
        functions.map(([name, fn]) => fn.function.metricThrottles(sum(name))),
      ),
      graph(
        'Function duration p90 (ms)',
        functions.map(([name, fn]) => fn.function.metricDuration({ ...sum(name), statistic: 'p90' })),
      ),
    );

    const handlerWidgets = handlerMetricWidgets(props.serviceName);
    for (let start = 0; start < handlerWidgets.length; start += 3) this.dashboard.addWidgets(...handlerWidgets.slice(start, start + 3));

    if (props.sendsEmail) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'SES reputation (account-wide)',
          width: fullWidth,
          left: [
            sesReputationMetric('Reputation.BounceRate').with({ label: 'bounce rate' }),
            sesReputationMetric('Reputation.ComplaintRate').with({ label: 'complaint rate' }),
          ],
          leftAnnotations: [
            annotation(sesReputationThresholds.bounceRate, 'bounce alarm'),
            annotation(sesReputationThresholds.complaintRate, 'complaint alarm'),
          ],
        }),
      );
    }
  }
}

/**
 * One graph per catalogue metric split by a dimension (a SEARCH over that dimension's values),
 * and one per unit for the others, so every metric of the catalogue is on the dashboard.
 */
function handlerMetricWidgets(serviceName: string): IWidget[] {
  const entries = Object.entries(metricSpecs) as [MetricName, MetricSpec][];
  const widgets: IWidget[] = [];
  const plainByUnit = new Map<MetricSpec['unit'], MetricName[]>();
  for (const [name, spec] of entries) {
    if (spec.dimension === undefined) plainByUnit.set(spec.unit, [...(plainByUnit.get(spec.unit) ?? []), name]);
  }
  for (const [unit, names] of plainByUnit) {
    widgets.push(
      graph(
        `Pipeline ${unit === 'Count' ? 'counts' : `(${unit.toLowerCase()})`}: ${names.join(', ')}`,
        names.flatMap((name) =>
          statisticsFor(unit).map(
            (statistic) =>
              new Metric({
                namespace: metricNamespace,
                metricName: name,
                dimensionsMap: { service: serviceName },
                statistic,
                period,
                label: unit === 'Count' ? name : `${name} ${statistic}`,
              }),
          ),
        ),
      ),
    );
  }
  for (const [name, spec] of entries) {
    const dimension = spec.dimension;
    if (dimension === undefined) continue;
    widgets.push(
      graph(
        `${name} by ${dimension}${spec.unit === 'Count' ? '' : ` (${spec.unit.toLowerCase()})`}`,
        statisticsFor(spec.unit).map(
          (statistic) =>
            new SearchExpression({
              expression:
                `SEARCH('{${metricNamespace},service,${dimension}} MetricName="${name}" service="${serviceName}"', ` +
                `'${statistic}', ${period.toSeconds()})`,
              // Prefixes each series' name (the dimension's value); tells p50 from p90.
              label: spec.unit === 'Count' ? '' : statistic,
              period,
            }),
        ),
      ),
    );
  }
  return widgets;
}

/** Counts are summed; durations shown as median and p90. */
function statisticsFor(unit: MetricSpec['unit']): string[] {
  return unit === 'Count' ? ['Sum'] : ['p50', 'p90'];
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: fullWidth / 3, height: 6 });
}

function annotation(value: number, label: string): HorizontalAnnotation {
  return { value, label };
}
