/**
 * Stages and per-deployment settings: `-c stage=prod` is a separate stack whose resources do not
 * collide with the default stage's in the same account, and the operations context (alarm email,
 * caps, reservations, an existing table) reaches the template.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNewsAlertsApp, type NewsAlertsApp } from '../../infra/aws/create-app.ts';
import { operationsOutputKeys, tableNameOutputKey } from '../../infra/aws/stack-outputs.ts';
import { topology, type FunctionName, type TableName } from '../../infra/topology.ts';
import { cdkJsonContext, removeSynthesisOutputs, synthesizeStack } from './synth-stack.ts';
import { functionPermissions, indexTemplate, resourceByLogicalId, type CfnTemplateJson } from './template-topology.ts';

const prodContext = {
  stage: 'prod',
  alarmEmail: 'ops@example.org',
  'maxConcurrency.email': '5',
  'reservedConcurrency.http-api': '20',
  'existingTable.subscriptions': 'NewsAlerts-subscriptions-restored',
};

/**
 * Properties that give a resource a physical name of its own, unique per account and region
 * (`Name`: SSM parameters, SES configuration sets, secrets).
 */
const physicalNameKeys = [
  'AlarmName',
  'DashboardName',
  'TableName',
  'QueueName',
  'FunctionName',
  'TopicName',
  'RuleName',
  'RoleName',
  'LogGroupName',
  'Name',
];

/** Every literal physical name in a template (references to other resources are not names). */
function physicalNames(template: CfnTemplateJson): string[] {
  return Object.values(template.Resources).flatMap((resource) =>
    physicalNameKeys.map((key) => resource.Properties?.[key]).filter((value): value is string => typeof value === 'string'),
  );
}

describe('stages', () => {
  const outdirs: string[] = [];
  let defaultStage: CfnTemplateJson;
  let prod: { created: NewsAlertsApp; json: CfnTemplateJson };

  function createApp(context: Record<string, unknown>): NewsAlertsApp {
    const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-stage-'));
    outdirs.push(outdir);
    return createNewsAlertsApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context }, outdir });
  }

  beforeAll(() => {
    defaultStage = synthesizeStack().json;
    const created = createApp(prodContext);
    prod = { created, json: Template.fromStack(created.stack).toJSON() as CfnTemplateJson };
    // Two whole syntheses (cdk-nag included): minutes when the machine is busy.
  }, 300_000);

  afterAll(() => {
    removeSynthesisOutputs();
    for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
  });

  it('gives each stage its own stack; the default stage keeps the name NewsAlerts', () => {
    const names = [createApp({}), createApp({ stage: 'dev' }), prod.created].map(({ stack }) => stack.stackName);
    expect(names).toEqual(['NewsAlerts', 'NewsAlerts-dev', 'NewsAlerts-prod']);
    expect(prod.json.Outputs?.[operationsOutputKeys.serviceName]?.Value).toBe('NewsAlerts-prod');
  });

  it('names no resource the same in two stages, so both deploy side by side in one account', () => {
    // Prepare
    const defaultNames = physicalNames(defaultStage);
    const prodNames = physicalNames(prod.json);

    // Assess: the named ones (alarms, dashboard, SSM parameters) carry the stack name, SSM's as
    // the first level of its path (/NewsAlerts-prod/…); the rest are generated
    expect(defaultNames.length).toBeGreaterThan(0);
    expect(prodNames.length).toBe(defaultNames.length);
    expect(prodNames.filter((name) => defaultNames.includes(name))).toEqual([]);
    for (const name of prodNames) expect(name).toMatch(/^(NewsAlerts-prod(-|$)|\/NewsAlerts-prod\/)/);
  });

  it("reads the stage's own metrics on its dashboard", () => {
    const dashboard = Object.values(prod.json.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
    const body = JSON.stringify(dashboard.Properties!.DashboardBody);
    expect(body).toContain('service=\\\\\\"NewsAlerts-prod\\\\\\"');
    expect(body).not.toContain('service=\\\\\\"NewsAlerts\\\\\\"');
    expect(body).toContain('\\"service\\",\\"NewsAlerts-prod\\"');
  });

  it('subscribes alarmEmail to the alarm topic', () => {
    // The alarm topic's own; the SES feedback topic has its Lambda subscription.
    const [topicId] = resourceByLogicalId(prod.json, 'AWS::SNS::Topic', 'AlarmTopic');
    const subscriptions = Object.values(prod.json.Resources).filter(
      (r) => r.Type === 'AWS::SNS::Subscription' && (r.Properties?.TopicArn as { Ref?: string } | undefined)?.Ref === topicId,
    );
    expect(subscriptions.map((s) => s.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'ops@example.org', TopicArn: { Ref: topicId } },
    ]);
  });

  it("applies the caps and reservations of the context, and keeps the topology's elsewhere", () => {
    // Prepare
    const index = indexTemplate(prod.json);
    const byFunction = new Map<FunctionName, Record<string, unknown>>(
      [...index.functions].map(([id, name]) => [name, prod.json.Resources[id]!.Properties!]),
    );
    const caps = Object.values(prod.json.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map(({ Properties: props }) => [
        index.functions.get((props!.FunctionName as { Ref: string }).Ref),
        (props!.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency,
      ]);

    // Assess
    expect(Object.fromEntries(caps)).toEqual({
      'poll-feed': 10,
      'classify-items': 10,
      'fan-out': 10,
      'deliver-webhook': 4,
      'deliver-email': 5,
      'compose-digest': 10,
    });
    expect(byFunction.get('http-api')!.ReservedConcurrentExecutions).toBe(20);
  });

  it('reservedConcurrency.<function>=none leaves the function unreserved', () => {
    const { stack } = createApp({ 'reservedConcurrency.http-api': 'none' });
    const api = stack.stateless.functions['http-api'].function.node.defaultChild as CfnFunction;
    expect(stack.resolve(api.reservedConcurrentExecutions)).toBeUndefined();
  });

  it('uses an existing table instead of creating one: outputs, environment and grants point at it', () => {
    // Prepare
    const index = indexTemplate(prod.json);
    const restored = 'NewsAlerts-subscriptions-restored';
    const durable = (Object.keys(topology.tables) as TableName[]).filter((name) => topology.tables[name].durable);

    // Assess: no subscriptions table in the stack; the other durable ones still created and protected
    expect([...index.tables.values()]).not.toContain('subscriptions');
    for (const [id, name] of index.tables) {
      if (durable.includes(name)) expect(prod.json.Resources[id]!.Properties!.DeletionProtectionEnabled, name).toBe(true);
    }
    expect(prod.json.Outputs?.[tableNameOutputKey('subscriptions')]?.Value).toBe(restored);
    const fanOutId = [...index.functions].find(([, name]) => name === 'fan-out')![0];
    const environment = (prod.json.Resources[fanOutId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(environment.TABLE_SUBSCRIPTIONS).toBe(restored);
    const granted = functionPermissions(prod.json, fanOutId)
      .filter((p) => p.action === 'dynamodb:Query')
      .map((p) => p.rendered);
    expect(granted).toContain(`arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${restored}`);
    expect(granted).toContain(`arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${restored}/index/*`);
  });

  it("warns that the existing table's recovery and protection are the operator's, and stays cdk-nag clean", () => {
    // Assess
    Annotations.fromStack(prod.created.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('The subscriptions table is NewsAlerts-subscriptions-restored, which this stack does not manage'),
    );
    const report = prod.created.nagChecks.validateScope(prod.created.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
