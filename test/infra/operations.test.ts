/**
 * The stack as an operator runs it on day 2: capped event sources, a reserved HTTP API, every
 * alarm telling someone, the alarms that matter, and one dashboard with every metric.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerOf, oldestMessageAgeThresholdSeconds, sesReputationThresholds } from '../../infra/aws/alarm-thresholds.ts';
import { maxConcurrencyRange } from '../../infra/aws/operations-settings.ts';
import { operationsOutputKeys } from '../../infra/aws/stack-outputs.ts';
import { topology, type FunctionName, type QueueName } from '../../infra/topology.ts';
import { metricNamespace, metricSpecs } from '../../shared/core/metric-names.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { indexTemplate, resourceByLogicalId, targetOf, type CfnResourceJson, type TemplateIndex } from './template-topology.ts';

const functionNames = Object.keys(topology.functions) as FunctionName[];
const queueNames = Object.keys(topology.queues) as QueueName[];

/** The dashboard body with every intrinsic replaced by `@ref:<logical id>@` (or the pseudo parameter). */
function renderDashboardBody(body: unknown): string {
  const join = (body as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (typeof body === 'string') return body;
  if (!join) throw new Error(`dashboard body is neither a string nor a Fn::Join: ${JSON.stringify(body)}`);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const record = part as { Ref?: string };
      return `@ref:${record.Ref ?? targetOf(part)}@`;
    })
    .join(join[0]);
}

interface DashboardWidget {
  type: string;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; alarms?: string[] };
}

describe('operations: caps, alarms, dashboard', () => {
  let synthesized: SynthesizedStack;
  let index: TemplateIndex;

  beforeAll(() => {
    synthesized = synthesizeStack();
    index = indexTemplate(synthesized.json);
  });

  afterAll(removeSynthesisOutputs);

  function resourcesOfType(type: string): [string, CfnResourceJson][] {
    return Object.entries(synthesized.json.Resources).filter(([, r]) => r.Type === type);
  }
  function idOf<T extends string>(map: Map<string, T>, name: T): string {
    const entry = [...map].find(([, value]) => value === name);
    if (!entry) throw new Error(`no resource named ${name} in the template`);
    return entry[0];
  }
  function alarms(): Record<string, unknown>[] {
    return resourcesOfType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
  }
  /** The logical id of the resource an alarm's (first) dimension names, or '' for none. */
  function watchedId(alarm: Record<string, unknown>): string {
    const dimension = (alarm.Dimensions as { Value: unknown }[] | undefined)?.[0];
    return dimension ? (targetOf(dimension.Value) ?? '') : '';
  }
  /** The alarm topic (construct AlarmTopic/Topic); the SES feedback topic is another. */
  function alarmTopicId(): string {
    return resourceByLogicalId(synthesized.json, 'AWS::SNS::Topic', 'AlarmTopic')[0];
  }

  describe('capacity', () => {
    it('caps every SQS event source with the topology maximum concurrency, within what Lambda allows', () => {
      // Prepare
      const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping');
      const consumers = functionNames.filter((name) => topology.functions[name].trigger.kind === 'queue');

      // Assess: one mapping per consumer, each capped
      expect(mappings).toHaveLength(consumers.length);
      for (const [, mapping] of mappings) {
        const cap = (mapping.Properties!.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)?.MaximumConcurrency;
        const consumer = index.functions.get(targetOf(mapping.Properties!.FunctionName)!)!;
        const trigger = topology.functions[consumer].trigger;
        expect(trigger.kind === 'queue' && cap, consumer).toBe(trigger.kind === 'queue' ? trigger.maxConcurrency : undefined);
        expect(cap as number).toBeGreaterThanOrEqual(maxConcurrencyRange.min);
        expect(cap as number).toBeLessThanOrEqual(maxConcurrencyRange.max);
      }
    });

    it('sends email one per invocation, so the cap bounds the SES sending rate', () => {
      const trigger = topology.functions['deliver-email'].trigger;
      expect(trigger.kind === 'queue' && [trigger.batchSize, trigger.maxConcurrency]).toEqual([1, 2]);
    });

    it('reserves concurrency for the HTTP API, and only where the topology says', () => {
      for (const name of functionNames) {
        const reserved = synthesized.json.Resources[idOf(index.functions, name)]!.Properties!.ReservedConcurrentExecutions;
        expect(reserved, name).toBe(topology.functions[name].reservedConcurrency);
      }
      const api = synthesized.json.Resources[idOf(index.functions, 'http-api')]!.Properties!;
      expect(api.ReservedConcurrentExecutions as number).toBeGreaterThan(0);
    });
  });

  describe('the alarm topic', () => {
    it("is encrypted with a rotating key of its own that CloudWatch, and only this account's alarms, may use", () => {
      // Prepare
      const topic = synthesized.json.Resources[alarmTopicId()]!.Properties!;
      const keyId = targetOf(topic.KmsMasterKeyId)!;
      const key = synthesized.json.Resources[keyId]!;
      const statements = (key.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;

      // Assess
      expect(key.Type).toBe('AWS::KMS::Key');
      expect(key.Properties!.EnableKeyRotation).toBe(true);
      const forCloudWatch = statements.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
      expect(forCloudWatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(forCloudWatch?.Condition).toMatchObject({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
      expect(JSON.stringify((forCloudWatch?.Condition as { ArnLike?: unknown } | undefined)?.ArnLike)).toContain(':alarm:*');
    });

    it('refuses publishing without TLS and lets CloudWatch alarms publish', () => {
      // Prepare
      const policies = resourcesOfType('AWS::SNS::TopicPolicy').filter(([, policy]) =>
        (policy.Properties!.Topics as unknown[]).some((topic) => targetOf(topic) === alarmTopicId()),
      );
      const statements = policies.flatMap(
        ([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );

      // Assess
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      );
    });

    it('has no subscription until alarmEmail is set, and is a stack output', () => {
      const onAlarmTopic = resourcesOfType('AWS::SNS::Subscription').filter(([, s]) => targetOf(s.Properties!.TopicArn) === alarmTopicId());
      expect(onAlarmTopic).toEqual([]);
      expect(synthesized.json.Outputs?.[operationsOutputKeys.alarmTopicArn]?.Value).toEqual({ Ref: alarmTopicId() });
    });
  });

  describe('alarms', () => {
    it('every alarm notifies the alarm topic when it fires and when it recovers', () => {
      // Prepare
      const topic = { Ref: alarmTopicId() };

      // Assess
      expect(alarms().length).toBeGreaterThan(0);
      for (const alarm of alarms()) {
        expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([topic]);
        expect(alarm.OKActions, String(alarm.AlarmName)).toEqual([topic]);
        expect(alarm.ActionsEnabled ?? true).toBe(true);
      }
    });

    it('are exactly: dead letters and oldest message per queue, errors and throttles per function, SES bounce and complaint rates, feedback dead letters', () => {
      // Prepare: what each alarm watches, as "<metric> <resource>"
      const feedbackDeadLetterId = resourceByLogicalId(synthesized.json, 'AWS::SQS::Queue', 'EmailFeedbackDeadLetter')[0];
      const watched = alarms().map((alarm) => {
        const target = watchedId(alarm);
        const deadLetters = index.deadLetterQueues.get(target);
        const name =
          index.functions.get(target) ??
          index.queues.get(target) ??
          (deadLetters ? `${deadLetters} DLQ` : target === feedbackDeadLetterId ? 'email feedback DLQ' : target);
        return `${String(alarm.Namespace)} ${String(alarm.MetricName)} ${name}`.trim();
      });

      // Assess
      const expected = [
        ...queueNames.map((queue) => `AWS/SQS ApproximateNumberOfMessagesVisible ${queue} DLQ`),
        ...queueNames.map((queue) => `AWS/SQS ApproximateAgeOfOldestMessage ${queue}`),
        ...functionNames.map((name) => `AWS/Lambda Errors ${name}`),
        ...functionNames.map((name) => `AWS/Lambda Throttles ${name}`),
        'AWS/SES Reputation.BounceRate',
        'AWS/SES Reputation.ComplaintRate',
        // The feedback function's on-failure queue (Lambda destination, not an SQS redrive).
        'AWS/SQS ApproximateNumberOfMessagesVisible email feedback DLQ',
      ];
      expect(watched.sort()).toEqual(expected.sort());
      console.info(`template figures: ${watched.length} alarms`);
    });

    it.each(queueNames)('alarms when the oldest %s message is older than the topology allows a healthy one', (queue) => {
      // Prepare
      const [, consumer] = consumerOf(topology, queue);
      const alarm = alarms().find((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && watchedId(a) === idOf(index.queues, queue))!;

      // Assess: two visibility timeouts (the receives SQS counts) and one run of the consumer
      const spec = topology.queues[queue];
      expect(alarm.Threshold).toBe(oldestMessageAgeThresholdSeconds(spec, consumer));
      expect(alarm.Threshold).toBe(2 * spec.visibilityTimeoutSeconds + consumer.timeoutSeconds);
      expect(alarm).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Maximum',
        Period: 60,
        TreatMissingData: 'notBreaching',
      });
    });

    it('derives the age threshold from the receives SQS counts, not from maxReceiveCount alone', () => {
      const consumer = topology.functions['deliver-webhook'];
      const queue = (maxReceiveCount: number) => ({ visibilityTimeoutSeconds: 180, maxReceiveCount, dlqRetentionSeconds: 1 });
      // 8 receives: SQS still counts only three, so two waits of 180 s and one run of 30 s.
      expect(oldestMessageAgeThresholdSeconds(queue(8), consumer)).toBe(390);
      expect(oldestMessageAgeThresholdSeconds(queue(2), consumer)).toBe(210);
    });

    it.each(functionNames)('alarms on errors (2 of 3 five-minute periods) and on any throttle of %s', (name) => {
      // Prepare
      const on = (metric: string) => alarms().find((a) => a.MetricName === metric && watchedId(a) === idOf(index.functions, name));

      // Assess
      expect(on('Errors')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(on('Throttles')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms on SES bounce rate over 5 % and complaint rate over 0.1 %, account-wide', () => {
      const ses = alarms().filter((a) => a.Namespace === 'AWS/SES');
      expect(ses.map((a) => [a.MetricName, a.Threshold, a.ComparisonOperator, a.Dimensions])).toEqual([
        ['Reputation.BounceRate', 0.05, 'GreaterThanThreshold', undefined],
        ['Reputation.ComplaintRate', 0.001, 'GreaterThanThreshold', undefined],
      ]);
      expect(sesReputationThresholds).toMatchObject({ bounceRate: 0.05, complaintRate: 0.001 });
    });

    it('names every alarm after the stack, once', () => {
      const names = alarms().map((alarm) => String(alarm.AlarmName));
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^NewsAlerts-[a-z-]+$/);
      expect(names).toContain('NewsAlerts-email-dead-letters');
      expect(names).toContain('NewsAlerts-deliver-email-errors');
      expect(names).toContain('NewsAlerts-email-feedback-dead-letters');
    });
  });

  describe('dashboard', () => {
    let widgets: DashboardWidget[];
    let body: string;

    beforeAll(() => {
      const dashboards = resourcesOfType('AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      body = renderDashboardBody(dashboards[0]![1].Properties!.DashboardBody);
      widgets = (JSON.parse(body) as { widgets: DashboardWidget[] }).widgets;
    });

    it('is named after the stack and is a stack output', () => {
      const [id, dashboard] = resourcesOfType('AWS::CloudWatch::Dashboard')[0]!;
      expect(dashboard.Properties!.DashboardName).toBe('NewsAlerts');
      expect(synthesized.json.Outputs?.[operationsOutputKeys.dashboardName]?.Value).toEqual({ Ref: id });
    });

    it.each(Object.keys(metricSpecs))("graphs the handler metric %s under the stage's service name", (name) => {
      const spec = metricSpecs[name as keyof typeof metricSpecs] as { dimension?: string };
      const references = widgets.flatMap((widget) => widget.properties.metrics ?? []).map((metric) => JSON.stringify(metric));
      const expected = spec.dimension
        ? `SEARCH('{${metricNamespace},service,${spec.dimension}} MetricName=\\"${name}\\" service=\\"NewsAlerts\\"'`
        : JSON.stringify([metricNamespace, name, 'service', 'NewsAlerts']).slice(0, -1);
      expect(
        references.some((reference) => reference.includes(expected)),
        `${name}: ${expected}`,
      ).toBe(true);
    });

    it("graphs each queue's depth and age, each dead-letter queue, and each function's errors, throttles and duration", () => {
      const graphed = (title: string) => {
        const widget = widgets.find((w) => w.properties.title?.startsWith(title));
        expect(widget, title).toBeDefined();
        return JSON.stringify(widget!.properties.metrics);
      };
      for (const queue of queueNames) {
        expect(graphed('Queue depth')).toContain(`@ref:${idOf(index.queues, queue)}@`);
        expect(graphed('Age of the oldest message')).toContain(`@ref:${idOf(index.queues, queue)}@`);
        const dlq = [...index.deadLetterQueues].find(([, name]) => name === queue)![0];
        expect(graphed('Dead letters')).toContain(`@ref:${dlq}@`);
      }
      for (const name of functionNames) {
        for (const title of ['Function errors', 'Function throttles', 'Function duration']) {
          expect(graphed(title)).toContain(`@ref:${idOf(index.functions, name)}@`);
        }
      }
    });

    it('shows the state of every alarm of the stack', () => {
      const statusWidget = widgets.find((widget) => widget.type === 'alarm')!;
      const alarmIds = resourcesOfType('AWS::CloudWatch::Alarm').map(([id]) => id);
      expect(statusWidget.properties.alarms).toHaveLength(alarmIds.length);
      for (const id of alarmIds) expect(JSON.stringify(statusWidget.properties.alarms)).toContain(`@ref:${id}@`);
      console.info(`template figures: ${widgets.length} dashboard widgets`);
    });
  });
});
