import { Validations } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology, type FunctionName, type QueueName, type TableName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { functionPermissions, indexTemplate, targetOf, type Permission, type TemplateIndex } from './template-topology.ts';

const functionNames = Object.keys(topology.functions) as FunctionName[];
const sqsConsumeActions = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'];
const dynamodbWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const dynamodbReadActions = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem'];

afterAll(removeSynthesisOutputs);

describe('least privilege', () => {
  let synthesized: SynthesizedStack;
  let index: TemplateIndex;
  const permissionsOf = new Map<FunctionName, Permission[]>();

  beforeAll(() => {
    synthesized = synthesizeStack();
    index = indexTemplate(synthesized.json);
    for (const [id, name] of index.functions) permissionsOf.set(name, functionPermissions(synthesized.json, id));
  });

  function idOf<T extends string>(map: Map<string, T>, name: T): string {
    const entry = [...map].find(([, value]) => value === name);
    if (!entry) throw new Error(`no resource named ${name} in the template`);
    return entry[0];
  }
  function permissions(name: FunctionName): Permission[] {
    const found = permissionsOf.get(name);
    if (!found) throw new Error(`no permissions read for ${name}`);
    return found;
  }
  function tablesTouched(name: FunctionName, actions?: string[]): TableName[] {
    return [
      ...new Set(
        permissions(name)
          .filter((p) => p.action.startsWith('dynamodb:') && (!actions || actions.includes(p.action)))
          .map((p) => index.tables.get(p.target ?? '')!),
      ),
    ].sort();
  }
  /** Work queues the function has one of `actions` on (dead-letter queues: `deadLettersWith`). */
  function queuesWith(name: FunctionName, actions: string[]): QueueName[] {
    return [
      ...new Set(
        permissions(name)
          .filter((p) => actions.includes(p.action) && !index.deadLetterQueues.has(p.target ?? ''))
          .map((p) => index.queues.get(p.target ?? '')!),
      ),
    ].sort();
  }
  /** The SQS queue a function's asynchronous invocations go to on failure (its EventInvokeConfig), if any. */
  function failureDestinationOf(name: FunctionName): string | undefined {
    const functionId = idOf(index.functions, name);
    const config = Object.values(synthesized.json.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && targetOf(r.Properties?.FunctionName) === functionId,
    );
    return targetOf(
      (config?.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination,
    );
  }
  /** Queues whose dead-letter queue the function has one of `actions` on. */
  function deadLettersWith(name: FunctionName, actions: string[]): QueueName[] {
    return [
      ...new Set(
        permissions(name)
          .filter((p) => actions.includes(p.action))
          .flatMap((p) => index.deadLetterQueues.get(p.target ?? '') ?? []),
      ),
    ].sort();
  }

  it('no function role has a managed policy or a wildcard action', () => {
    for (const name of functionNames) {
      for (const permission of permissions(name)) expect(permission.action).not.toContain('*');
    }
    for (const resource of Object.values(synthesized.json.Resources)) {
      if (resource.Type === 'AWS::IAM::Role') expect(resource.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it.each(functionNames)('%s may touch only the tables of its topology access', (name) => {
    expect(tablesTouched(name)).toEqual(Object.keys(topology.functions[name].access.tables).sort());
  });

  it.each(functionNames)('%s may write only the tables its access lets it write, and read only those it may read', (name) => {
    const access = topology.functions[name].access.tables;
    const writable = (Object.keys(access) as TableName[]).filter((t) => access[t] === 'write' || access[t] === 'readwrite');
    const readable = (Object.keys(access) as TableName[]).filter((t) => access[t] === 'read' || access[t] === 'readwrite');
    expect(tablesTouched(name, dynamodbWriteActions)).toEqual(writable.sort());
    expect(tablesTouched(name, dynamodbReadActions)).toEqual(readable.sort());
  });

  it.each(functionNames)('%s may send only to the queues of its access', (name) => {
    const { sendsTo, redrivesQueues = [] } = topology.functions[name].access;
    const ownFailures = failureDestinationOf(name);
    const workQueues = permissions(name).filter(
      (p) => p.action === 'sqs:SendMessage' && !index.deadLetterQueues.has(p.target ?? '') && p.target !== ownFailures,
    );
    // A redrive sends its dead letters back to their own queue.
    expect([...new Set(workQueues.map((p) => index.queues.get(p.target ?? '')))].sort()).toEqual(
      [...new Set([...sendsTo, ...redrivesQueues])].sort(),
    );
  });

  it.each(functionNames)('%s may send to a dead-letter queue only as its access lists (and its own failures)', (name) => {
    const { sendsToDeadLetter = [] } = topology.functions[name].access;
    expect(deadLettersWith(name, ['sqs:SendMessage'])).toEqual([...sendsToDeadLetter].sort());
    // Sending is all it may do there: no receive, no delete, no attributes (that is inspecting).
    for (const queue of sendsToDeadLetter) {
      const dlqId = [...index.deadLetterQueues].find(([, q]) => q === queue)![0];
      expect(
        permissions(name)
          .filter((p) => p.target === dlqId)
          .map((p) => p.action),
        queue,
      ).toEqual(['sqs:SendMessage']);
    }
  });

  it('the email-feedback function may send only to its own on-failure queue, which no one else may touch', () => {
    // Prepare
    const feedback = functionNames.filter((name) => topology.functions[name].trigger.kind === 'email-feedback');
    expect(feedback).toHaveLength(1);
    const destination = failureDestinationOf(feedback[0]!);

    // Assess
    expect(destination).toBeDefined();
    expect(synthesized.json.Resources[destination!]!.Type).toBe('AWS::SQS::Queue');
    const sends = permissions(feedback[0]!).filter((p) => p.action.startsWith('sqs:'));
    expect(new Set(sends.map((p) => p.target))).toEqual(new Set([destination]));
    expect(sends.map((p) => p.action)).not.toContain('sqs:ReceiveMessage');
    for (const other of functionNames.filter((name) => name !== feedback[0])) {
      expect(
        permissions(other).filter((p) => p.target === destination),
        other,
      ).toEqual([]);
    }
  });

  it.each(functionNames)('%s may take messages out of only the dead-letter queues it redrives', (name) => {
    const redrives = [...(topology.functions[name].access.redrivesQueues ?? [])].sort();
    expect(deadLettersWith(name, [...sqsConsumeActions, 'sqs:StartMessageMoveTask'])).toEqual(redrives);
    expect(deadLettersWith(name, ['sqs:ChangeMessageVisibility', 'sqs:PurgeQueue'])).toEqual([]);
  });

  it.each(functionNames)('%s may consume only the queue that triggers it', (name) => {
    const trigger = topology.functions[name].trigger;
    expect(queuesWith(name, sqsConsumeActions)).toEqual(trigger.kind === 'queue' ? [trigger.queue] : []);
  });

  it.each(functionNames)('%s may write only its own log group', (name) => {
    const logs = permissions(name).filter((p) => p.action.startsWith('logs:'));
    const props = synthesized.json.Resources[idOf(index.functions, name)]!.Properties!;
    const ownLogGroup = targetOf((props.LoggingConfig as { LogGroup: unknown }).LogGroup);
    expect(logs.map((p) => p.action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(new Set(logs.map((p) => p.target))).toEqual(new Set([ownLogGroup]));
  });

  it.each(functionNames)('%s has no permission outside its logs, tables, queues, mail, secrets and its URL parameter', (name) => {
    const known = permissions(name).filter(
      (p) =>
        !/^(logs|dynamodb|sqs):/.test(p.action) &&
        !(p.action === 'ses:SendEmail') &&
        !(p.action === 'secretsmanager:GetSecretValue' && index.secrets.has(p.target ?? '')) &&
        !(
          p.action === 'ssm:GetParameter' &&
          topology.functions[name].trigger.kind === 'http' &&
          p.rendered.endsWith(`:parameter/NewsAlerts/${name}/public-base-url`)
        ),
    );
    expect(known).toEqual([]);
  });

  it.each(functionNames)('%s may read exactly the secrets its topology lists', (name) => {
    const read = permissions(name).filter((p) => p.action.startsWith('secretsmanager:'));
    expect(read.map((p) => index.secrets.get(p.target ?? '')).sort()).toEqual([...(topology.functions[name].access.secrets ?? [])].sort());
  });

  it('only the functions that send email may call ses:SendEmail, on the sender identity and the configuration set only', () => {
    // Prepare
    const senders = functionNames.filter((name) => topology.functions[name].access.sendsEmail === true);

    // Assess
    expect(functionNames.filter((name) => permissions(name).some((p) => p.action.startsWith('ses:')))).toEqual(senders);
    for (const name of senders) {
      const resources = permissions(name)
        .filter((p) => p.action === 'ses:SendEmail')
        .map((p) => p.rendered)
        .sort();
      const configurationSetId = Object.entries(synthesized.json.Resources).find(([, r]) => r.Type === 'AWS::SES::ConfigurationSet')![0];
      expect(resources).toEqual([
        `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/<${configurationSetId}>`,
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/example.com',
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/news-alerts@example.com',
      ]);
    }
  });

  it('spot checks: plan-polls never touches items or deliveries; deliver-webhook sends to no queue; only deliver-email mails', () => {
    expect(tablesTouched('plan-polls')).not.toContain('items');
    expect(tablesTouched('plan-polls')).not.toContain('deliveries');
    expect(queuesWith('deliver-webhook', ['sqs:SendMessage'])).toEqual([]);
    expect(permissions('deliver-webhook').some((p) => p.action.startsWith('ses:'))).toBe(false);
    expect(permissions('deliver-email').some((p) => p.action === 'ses:SendEmail')).toBe(true);
  });

  it('http-api may read the depth of every queue and redrive each: the status page reads them all, a redrive may name any', () => {
    // The API's redrive accepts every queue of the topology (functions/http-api/handler.ts), and
    // its status page reads every queue's depth in one go: one queue left out denies them all.
    const allQueues = (Object.keys(topology.queues) as QueueName[]).sort();
    expect(queuesWith('http-api', ['sqs:GetQueueAttributes'])).toEqual(allQueues);
    expect([...(topology.functions['http-api'].access.redrivesQueues ?? [])].sort()).toEqual(allQueues);
  });

  it('no permission has a literal "*" resource', () => {
    for (const name of functionNames) {
      expect(permissions(name).filter((p) => p.rendered === '*')).toEqual([]);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthesizeStack();
  });

  it('reports no unacknowledged finding, error or warning', () => {
    // Act
    const report = synthesized.nagChecks.validateScope(synthesized.app);

    // Assess
    const findings = report.violations.map(
      (violation) => `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('every acknowledgment carries a one-sentence justification', () => {
    // Prepare: acknowledgments are construct metadata under Validations' key
    const acknowledged: [string, string][] = [];
    for (const construct of synthesized.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acknowledged.push([id, reason]);
      }
    }

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason, id).toMatch(/^[A-Z][^.]{20,}\.$/);
    }
  });
});
