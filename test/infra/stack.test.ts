import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema, envVariableNames, readEnv } from '../../shared/config/env.ts';
import { deadLetterQueueUrlEnvName, queueUrlEnvName, secretEnvNames, tableEnvName } from '../../infra/aws/function-environment.ts';
import { topology, type FunctionName, type QueueName, type TableName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { functionPermissions, indexTemplate, targetOf, type CfnResourceJson, type TemplateIndex } from './template-topology.ts';

const queueNames = Object.keys(topology.queues) as QueueName[];
const functionNames = Object.keys(topology.functions) as FunctionName[];
const tableNames = Object.keys(topology.tables) as TableName[];
/** Functions fed by SES feedback: each has an SQS queue for its failed invocations. */
const feedbackFunctions = functionNames.filter((name) => topology.functions[name].trigger.kind === 'email-feedback');

describe('NewsAlerts stack', () => {
  let synthesized: SynthesizedStack;
  let index: TemplateIndex;

  beforeAll(() => {
    synthesized = synthesizeStack();
    index = indexTemplate(synthesized.json);
  });

  afterAll(removeSynthesisOutputs);

  function resource(id: string): CfnResourceJson {
    const found = synthesized.json.Resources[id];
    if (!found) throw new Error(`no resource ${id}`);
    return found;
  }
  function idOf(map: Map<string, string>, name: string): string {
    const entry = [...map].find(([, value]) => value === name);
    if (!entry) throw new Error(`no resource named ${name} in the template`);
    return entry[0];
  }
  function resourcesOfType(type: string): [string, CfnResourceJson][] {
    return Object.entries(synthesized.json.Resources).filter(([, r]) => r.Type === type);
  }

  describe('queues', () => {
    it('creates one work queue per topology queue, each with its own dead-letter queue', () => {
      // Assess: 4 work queues + 4 DLQs (+ the feedback function's own), and every work queue redrives to a distinct DLQ
      expect([...index.queues.values()].sort()).toEqual([...queueNames].sort());
      synthesized.template.resourceCountIs('AWS::SQS::Queue', queueNames.length * 2 + feedbackFunctions.length);
      const dlqIds = queueNames.map((name) => {
        const props = resource(idOf(index.queues, name)).Properties!;
        return targetOf((props.RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn);
      });
      expect(new Set(dlqIds).size).toBe(queueNames.length);
      for (const dlqId of dlqIds) expect(resource(dlqId!).Type).toBe('AWS::SQS::Queue');
    });

    it.each(queueNames)('queue %s has the topology visibility timeout, maxReceiveCount and DLQ retention', (name) => {
      // Prepare
      const spec = topology.queues[name];
      const props = resource(idOf(index.queues, name)).Properties!;
      const redrive = props.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };

      // Assess
      expect(props.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
      expect(redrive.maxReceiveCount).toBe(spec.maxReceiveCount);
      expect(resource(targetOf(redrive.deadLetterTargetArn)!).Properties!.MessageRetentionPeriod).toBe(spec.dlqRetentionSeconds);
    });

    it('a visibility timeout is never shorter than its consumer timeout', () => {
      for (const spec of Object.values(topology.functions)) {
        if (spec.trigger.kind !== 'queue') continue;
        const props = resource(idOf(index.queues, spec.trigger.queue)).Properties!;
        expect(props.VisibilityTimeout as number).toBeGreaterThanOrEqual(spec.timeoutSeconds);
      }
    });

    it('encrypts every queue (work and dead-letter) with SQS-managed keys', () => {
      for (const [, queue] of resourcesOfType('AWS::SQS::Queue')) {
        expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
      }
    });

    it('denies every queue (work and dead-letter) to requests without TLS', () => {
      // Assess: each queue is covered by a policy denying aws:SecureTransport=false
      const protectedQueues = new Set<string>();
      for (const [, policy] of resourcesOfType('AWS::SQS::QueuePolicy')) {
        const statements = (policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        const deniesPlainText = statements.some(
          (statement) =>
            statement.Effect === 'Deny' &&
            JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        );
        if (!deniesPlainText) continue;
        for (const queue of policy.Properties!.Queues as unknown[]) protectedQueues.add(targetOf(queue)!);
      }
      const allQueues = resourcesOfType('AWS::SQS::Queue').map(([id]) => id);
      expect([...protectedQueues].sort()).toEqual(allQueues.sort());
    });

    it.each(queueNames)('alarms as soon as one message sits in the %s dead-letter queue', (name) => {
      // Prepare
      const props = resource(idOf(index.queues, name)).Properties!;
      const dlqId = targetOf((props.RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn)!;

      // Assess
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('has exactly one depth alarm per dead-letter queue and none on the depth of work queues', () => {
      // Work queues are watched by the age of their oldest message instead (operations.test.ts).
      const alarmed = resourcesOfType('AWS::CloudWatch::Alarm')
        .filter(([, alarm]) => alarm.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible')
        .map(([, alarm]) => targetOf((alarm.Properties!.Dimensions as { Value: unknown }[])[0]!.Value));
      const workQueueIds = new Set(index.queues.keys());
      // The feedback function's dead-letter queue has its alarm too.
      expect(alarmed).toHaveLength(queueNames.length + feedbackFunctions.length);
      expect(alarmed.filter((id) => id && workQueueIds.has(id))).toEqual([]);
      expect(new Set(alarmed).size).toBe(queueNames.length + feedbackFunctions.length);
    });
  });

  describe('triggers', () => {
    const queueConsumers = functionNames.filter((name) => topology.functions[name].trigger.kind === 'queue');
    const scheduled = functionNames.filter((name) => topology.functions[name].trigger.kind === 'schedule');
    const http = functionNames.filter((name) => topology.functions[name].trigger.kind === 'http');

    it.each(queueConsumers)('%s consumes its queue with the topology batch size and reports batch item failures', (name) => {
      // Prepare
      const trigger = topology.functions[name].trigger;
      if (trigger.kind !== 'queue') throw new Error('not a queue consumer');

      // Assess
      synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: idOf(index.functions, name) },
        EventSourceArn: { 'Fn::GetAtt': [idOf(index.queues, trigger.queue), 'Arn'] },
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: trigger.maxConcurrency },
      });
    });

    it('every event source mapping reports batch item failures', () => {
      const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping');
      expect(mappings).toHaveLength(queueConsumers.length);
      for (const [, mapping] of mappings) {
        expect(mapping.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      }
    });

    it.each(scheduled)('%s runs on an EventBridge rule at the topology rate', (name) => {
      // Prepare
      const trigger = topology.functions[name].trigger;
      if (trigger.kind !== 'schedule') throw new Error('not scheduled');
      const minutes = trigger.everyMinutes;

      // Assess
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(index.functions, name), 'Arn'] } })],
      });
      synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [idOf(index.functions, name), 'Arn'] },
      });
    });

    it('uses no EventBridge Scheduler resource (LocalStack community does not run them)', () => {
      const schedulerTypes = Object.values(synthesized.json.Resources)
        .map((r) => r.Type)
        .filter((type) => type.startsWith('AWS::Scheduler::'));
      expect(schedulerTypes).toEqual([]);
      synthesized.template.resourceCountIs('AWS::Events::Rule', scheduled.length);
    });

    it.each(http)('%s is served by a Function URL, and the stack outputs it', (name) => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: { 'Fn::GetAtt': [idOf(index.functions, name), 'Arn'] },
      });
      const urlId = resourcesOfType('AWS::Lambda::Url').find(
        ([, url]) => targetOf(url.Properties!.TargetFunctionArn) === idOf(index.functions, name),
      )![0];
      const outputs = Object.values(synthesized.json.Outputs ?? {});
      expect(outputs.map((output) => output.Value)).toContainEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
    });
  });

  describe('functions', () => {
    it('creates exactly the topology functions', () => {
      expect([...index.functions.values()].sort()).toEqual([...functionNames].sort());
      synthesized.template.resourceCountIs('AWS::Lambda::Function', functionNames.length);
    });

    it.each(functionNames)('%s runs on nodejs24.x, arm64, with the topology timeout and memory', (name) => {
      const props = resource(idOf(index.functions, name)).Properties!;
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Handler).toBe('index.handler');
      expect(props.Timeout).toBe(topology.functions[name].timeoutSeconds);
      expect(props.MemorySize).toBe(topology.functions[name].memoryMb);
    });

    it.each(functionNames)('%s logs to its own log group with a retention', (name) => {
      const props = resource(idOf(index.functions, name)).Properties!;
      const logGroupId = targetOf((props.LoggingConfig as { LogGroup: unknown }).LogGroup)!;
      expect(resource(logGroupId).Type).toBe('AWS::Logs::LogGroup');
      expect(resource(logGroupId).Properties!.RetentionInDays).toBe(30);
    });

    const requiredNames = envVariableNames.filter((name) => !envSchema.shape[name].safeParse(undefined).success);
    const optionalNamesSet = ['MAIL_TRANSPORT', 'LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'PUBLIC_BASE_URL'];

    it.each(functionNames)('%s gets exactly the env schema variables the stack can fill', (name) => {
      // Prepare
      const variables = (resource(idOf(index.functions, name)).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      const { access } = topology.functions[name];
      const secretNames = (access.secrets ?? []).map((secret) => secretEnvNames[secret]);
      // The configuration set goes to the senders of email, a DLQ's URL to who dead-letters directly.
      const emailNames = access.sendsEmail ? ['SES_CONFIGURATION_SET'] : [];
      const deadLetterNames = (access.sendsToDeadLetter ?? []).map(deadLetterQueueUrlEnvName);
      // The API cannot be given its own URL: it gets the name of the SSM parameter holding it.
      const http = topology.functions[name].trigger.kind === 'http';
      const expected = [...requiredNames, ...optionalNamesSet, ...secretNames, ...emailNames, ...deadLetterNames].map((variable) =>
        variable === 'PUBLIC_BASE_URL' && http ? 'PUBLIC_BASE_URL_PARAMETER' : variable,
      );

      // Assess
      expect(Object.keys(variables).sort()).toEqual(expected.sort());
      expect(variables.MAIL_TRANSPORT).toBe('ses');
      expect(variables.LOG_LEVEL).toBe('INFO');
      // The service dimension of metrics: the stack's name, so stages stay apart.
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(synthesized.stack.stackName);
    });

    it.each(functionNames)('%s env points each table and queue variable at that very resource', (name) => {
      // Prepare
      const variables = (resource(idOf(index.functions, name)).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      for (const table of tableNames) {
        expect(variables[tableEnvName(table)]).toEqual({ Ref: idOf(index.tables, table) });
      }
      for (const queue of queueNames) {
        expect(variables[queueUrlEnvName(queue)]).toEqual({ Ref: idOf(index.queues, queue) });
      }
    });

    it.each(functionNames)('%s env passes readEnv once CloudFormation resolves it', (name) => {
      // Prepare: resolve references the way CloudFormation would (names, URLs, secret values)
      const variables = (resource(idOf(index.functions, name)).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      const resolved = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => {
          if (typeof value === 'string') return [key, value];
          const target = targetOf(value)!;
          const type = resource(target).Type;
          if (type === 'AWS::SQS::Queue') return [key, `https://sqs.eu-west-1.amazonaws.com/123456789012/${target}`];
          if (type === 'AWS::Lambda::Url') return [key, 'https://abc.lambda-url.eu-west-1.on.aws/'];
          // A secret's Ref is its ARN (the value is read at run time).
          if (type === 'AWS::SecretsManager::Secret') return [key, `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${target}-AbC123`];
          return [key, target];
        }),
      );

      // Act
      const env = readEnv(resolved);

      // Assess
      expect(env.MAIL_TRANSPORT).toBe('ses');
      expect(env.MAIL_FROM).toBe('news-alerts@example.com');
    });

    it('links from the other functions go to the HTTP API Function URL', () => {
      const urlId = resourcesOfType('AWS::Lambda::Url')[0]![0];
      for (const name of functionNames.filter((n) => topology.functions[n].trigger.kind !== 'http')) {
        const variables = (resource(idOf(index.functions, name)).Properties!.Environment as { Variables: Record<string, unknown> })
          .Variables;
        expect(variables.PUBLIC_BASE_URL).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
      }
    });

    it('the HTTP API finds its own URL in an SSM parameter it may read, never from the request', () => {
      // Prepare
      const [urlId] = resourcesOfType('AWS::Lambda::Url')[0]!;
      const apiId = idOf(index.functions, 'http-api');
      const variables = (resource(apiId).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      const parameters = resourcesOfType('AWS::SSM::Parameter');
      const reads = functionPermissions(synthesized.json, apiId).filter((p) => p.action.startsWith('ssm:'));

      // Assess: a literal name in the environment, the parameter holds the Function URL, the role reads only it
      expect(variables.PUBLIC_BASE_URL).toBeUndefined();
      expect(variables.PUBLIC_BASE_URL_PARAMETER).toBe('/NewsAlerts/http-api/public-base-url');
      expect(parameters).toHaveLength(1);
      expect(parameters[0]![1].Properties).toMatchObject({
        Name: '/NewsAlerts/http-api/public-base-url',
        Type: 'String',
        Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
      });
      expect(reads.map((p) => [p.action, p.rendered])).toEqual([
        ['ssm:GetParameter', 'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/NewsAlerts/http-api/public-base-url'],
      ]);
      for (const name of functionNames.filter((n) => n !== 'http-api')) {
        expect(
          functionPermissions(synthesized.json, idOf(index.functions, name)).filter((p) => p.action.startsWith('ssm:')),
          name,
        ).toEqual([]);
      }
    });
  });

  describe('tables', () => {
    it('creates exactly the topology tables', () => {
      expect([...index.tables.values()].sort()).toEqual([...tableNames].sort());
      synthesized.template.resourceCountIs('AWS::DynamoDB::Table', tableNames.length);
    });

    it.each(tableNames)('table %s is on demand with the topology keys, TTL and indexes', (name) => {
      // Prepare
      const spec = topology.tables[name];
      const props = resource(idOf(index.tables, name)).Properties!;
      const keySchema = [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
      ];

      // Assess
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.KeySchema).toEqual(keySchema);
      expect(props.TimeToLiveSpecification).toEqual(spec.ttlAttribute ? { AttributeName: spec.ttlAttribute, Enabled: true } : undefined);
      const indexes = (props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[]) ?? [];
      expect(indexes.map((gsi) => ({ name: gsi.IndexName, keys: gsi.KeySchema }))).toEqual(
        spec.indexes.map((gsi) => ({
          name: gsi.name,
          keys: [
            { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
            ...(gsi.sortKey ? [{ AttributeName: gsi.sortKey, KeyType: 'RANGE' }] : []),
          ],
        })),
      );
    });

    it.each(tableNames)('table %s has recovery, retention and deletion protection only if durable', (name) => {
      // Prepare
      const spec = topology.tables[name];
      const table = resource(idOf(index.tables, name));

      // Assess
      expect(
        (table.Properties!.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled: boolean } | undefined)
          ?.PointInTimeRecoveryEnabled ?? false,
      ).toBe(spec.durable);
      expect(table.DeletionPolicy).toBe(spec.durable ? 'Retain' : 'Delete');
      expect(table.UpdateReplacePolicy).toBe(spec.durable ? 'Retain' : 'Delete');
      // Retain covers CloudFormation; deletion protection refuses a DeleteTable from anyone.
      expect(table.Properties!.DeletionProtectionEnabled ?? false).toBe(spec.durable);
    });
  });
});
