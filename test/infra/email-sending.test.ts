/**
 * SES in the synthesized stack: the configuration set every send uses, its bounce and complaint
 * events reaching the feedback function (SNS, encrypted, with Lambda's retries and a dead-letter
 * queue), what the functions get in their environment, and the template rule that makes
 * CloudFormation refuse a deploy with a placeholder sender.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  placeholderSenderDomains,
  refusePlaceholderSender,
  senderDomainParameterId,
  senderDomainRuleId,
} from '../../infra/aws/sender-domain-rule.ts';
import { topology, type FunctionName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import {
  functionPermissions,
  indexTemplate,
  resourceByLogicalId,
  targetOf,
  type CfnResourceJson,
  type TemplateIndex,
} from './template-topology.ts';

const functionNames = Object.keys(topology.functions) as FunctionName[];
const feedbackFunction = functionNames.find((name) => topology.functions[name].trigger.kind === 'email-feedback')!;

/** The template parts this file reads besides resources. */
interface RulesTemplate {
  Parameters?: Record<string, { Type: string; Default?: string; Description?: string }>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: { Assert: unknown; AssertDescription?: string }[] }>;
}

afterAll(removeSynthesisOutputs);

describe('SES configuration set and feedback', () => {
  let synthesized: SynthesizedStack;
  let index: TemplateIndex;

  beforeAll(() => {
    synthesized = synthesizeStack();
    index = indexTemplate(synthesized.json);
  });

  function only(type: string): [string, CfnResourceJson] {
    const found = Object.entries(synthesized.json.Resources).filter(([, r]) => r.Type === type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  }
  /** The SES feedback topic (construct Email/FeedbackTopic); the alarm topic is another. */
  function feedbackTopic(): [string, CfnResourceJson] {
    return resourceByLogicalId(synthesized.json, 'AWS::SNS::Topic', 'EmailFeedbackTopic');
  }
  /** The resources of `type` that name the feedback topic under `key` (in a list or alone). */
  function onFeedbackTopic(type: string, key: string): [string, CfnResourceJson][] {
    const [topicId] = feedbackTopic();
    return Object.entries(synthesized.json.Resources).filter(
      ([, r]) => r.Type === type && [r.Properties?.[key]].flat().some((value) => targetOf(value) === topicId),
    );
  }
  function functionId(name: FunctionName): string {
    return [...index.functions].find(([, value]) => value === name)![0];
  }
  function environmentOf(name: FunctionName): Record<string, unknown> {
    return (synthesized.json.Resources[functionId(name)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
  }

  it('has one configuration set: reputation metrics on, sending on, bounced and complaining addresses suppressed', () => {
    const [, set] = only('AWS::SES::ConfigurationSet');
    expect(set.Properties).toMatchObject({
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    // CloudFormation names it, so stages in one account cannot collide.
    expect(set.Properties?.Name).toBeUndefined();
  });

  it('every function that sends email names the set in SES_CONFIGURATION_SET, and may send with it; no other gets it', () => {
    const [setId] = only('AWS::SES::ConfigurationSet');
    for (const name of functionNames) {
      const sends = topology.functions[name].access.sendsEmail === true;
      expect(environmentOf(name).SES_CONFIGURATION_SET, name).toEqual(sends ? { Ref: setId } : undefined);
      const sesResources = functionPermissions(synthesized.json, functionId(name))
        .filter((p) => p.action === 'ses:SendEmail')
        .map((p) => p.rendered);
      expect(
        sesResources.some((r) => r.endsWith(`:configuration-set/<${setId}>`)),
        name,
      ).toBe(sends);
    }
  });

  it('publishes bounces and complaints, and nothing else, to an SNS topic', () => {
    const [setId] = only('AWS::SES::ConfigurationSet');
    const [topicId] = feedbackTopic();
    const [, destination] = only('AWS::SES::ConfigurationSetEventDestination');
    expect(destination.Properties).toEqual({
      ConfigurationSetName: { Ref: setId },
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: { TopicARN: { Ref: topicId } } },
    });
  });

  it('encrypts the topic with a rotated key of its own that SES may use, and lets only this configuration set publish, over TLS', () => {
    // Prepare
    const [topicId, topic] = feedbackTopic();
    const keyId = targetOf(topic.Properties!.KmsMasterKeyId)!;
    const key = synthesized.json.Resources[keyId]!;
    const [setId] = only('AWS::SES::ConfigurationSet');
    const topicPolicies = onFeedbackTopic('AWS::SNS::TopicPolicy', 'Topics');
    expect(topicPolicies).toHaveLength(1);
    const [, topicPolicy] = topicPolicies[0]!;
    const keyStatements = (key.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    const topicStatements = (topicPolicy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;

    // Assess
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties!.EnableKeyRotation).toBe(true);
    // A key of its own: no other topic is encrypted with it.
    const sameKey = Object.entries(synthesized.json.Resources).filter(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && targetOf(r.Properties?.KmsMasterKeyId) === keyId,
    );
    expect(sameKey.map(([id]) => id)).toEqual([topicId]);
    const forSes = keyStatements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'ses.amazonaws.com' }));
    expect(forSes).toHaveLength(1);
    expect(forSes[0]!.Effect).toBe('Allow');
    expect([forSes[0]!.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect((topicPolicy.Properties!.Topics as unknown[]).map(targetOf)).toEqual([topicId]);
    const publish = topicStatements.find((s) => s.Effect === 'Allow' && s.Action === 'sns:Publish')!;
    expect(publish.Principal).toEqual({ Service: 'ses.amazonaws.com' });
    expect(JSON.stringify(publish.Condition)).toContain('AWS:SourceAccount');
    expect(JSON.stringify(publish.Condition)).toContain(`configuration-set/",{"Ref":"${setId}"}`);
    expect(topicStatements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it(`subscribes ${feedbackFunction} to the topic, and only it; SNS may invoke it for this topic only`, () => {
    // Prepare
    const [topicId] = feedbackTopic();
    const subscriptions = onFeedbackTopic('AWS::SNS::Subscription', 'TopicArn');
    expect(subscriptions).toHaveLength(1);
    const [, subscription] = subscriptions[0]!;
    const permissions = Object.values(synthesized.json.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties?.Principal === 'sns.amazonaws.com',
    );

    // Assess
    expect(subscription.Properties).toEqual({
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [functionId(feedbackFunction), 'Arn'] },
    });
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId(feedbackFunction), 'Arn'] },
      SourceArn: { Ref: topicId },
    });
  });

  it(`retries a failed notification twice, then keeps it in a dead-letter queue that alarms at the first message`, () => {
    // Prepare
    const [, invokeConfig] = only('AWS::Lambda::EventInvokeConfig');
    const destination = (invokeConfig.Properties!.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
    const queueId = targetOf(destination)!;

    // Assess
    expect(targetOf(invokeConfig.Properties!.FunctionName)).toBe(functionId(feedbackFunction));
    expect(invokeConfig.Properties!.MaximumRetryAttempts).toBe(2);
    expect(invokeConfig.Properties!.MaximumEventAgeInSeconds).toBe(6 * 60 * 60);
    const queue = synthesized.json.Resources[queueId]!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 60 * 60, SqsManagedSseEnabled: true });
    // Not a topology queue, nor any queue's DLQ: it serves this function alone.
    expect(index.queues.has(queueId)).toBe(false);
    expect(index.deadLetterQueues.has(queueId)).toBe(false);
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  });

  it(`${feedbackFunction} may read and write the subscriptions table and send its own failures, nothing else`, () => {
    // Prepare
    const [, invokeConfig] = only('AWS::Lambda::EventInvokeConfig');
    const ownQueue = targetOf(
      (invokeConfig.Properties!.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination,
    );
    const permissions = functionPermissions(synthesized.json, functionId(feedbackFunction));

    // Assess
    const tables = new Set(permissions.filter((p) => p.action.startsWith('dynamodb:')).map((p) => index.tables.get(p.target ?? '')));
    expect(tables).toEqual(new Set(['subscriptions']));
    expect(permissions.filter((p) => p.action.startsWith('sqs:')).every((p) => p.target === ownQueue)).toBe(true);
    expect(permissions.filter((p) => !/^(logs|dynamodb|sqs):/.test(p.action))).toEqual([]);
  });

  it('deliver-email gets the URL of the email dead-letter queue, and may only send there', () => {
    // Prepare
    const emailDlqId = [...index.deadLetterQueues].find(([, queue]) => queue === 'email')![0];

    // Assess
    for (const name of functionNames) {
      const direct = topology.functions[name].access.sendsToDeadLetter ?? [];
      expect(environmentOf(name).QUEUE_EMAIL_DLQ_URL, name).toEqual(direct.includes('email') ? { Ref: emailDlqId } : undefined);
    }
    const onDlq = functionPermissions(synthesized.json, functionId('deliver-email')).filter((p) => p.target === emailDlqId);
    expect(onDlq.map((p) => p.action)).toEqual(['sqs:SendMessage']);
  });
});

describe('the deploy rule refusing a placeholder sender', () => {
  let template: RulesTemplate;

  beforeAll(() => {
    template = synthesizeStack().json as unknown as RulesTemplate;
  });

  /** Evaluates a rule assertion as CloudFormation would, for the given parameter values (else defaults). */
  function assertionHolds(values: Record<string, string> = {}): boolean {
    const rule = template.Rules?.[senderDomainRuleId];
    expect(rule, 'the template has the rule').toBeDefined();
    expect(rule!.RuleCondition).toBeUndefined();
    return rule!.Assertions.every((assertion) =>
      evaluate(assertion.Assert, (name) => values[name] ?? template.Parameters?.[name]?.Default),
    );
  }

  it('carries the sender domain in a parameter whose default is the synthesized mailFrom domain', () => {
    // cdk.json sets no mailFrom: the default sender, news-alerts@example.com
    expect(template.Parameters?.[senderDomainParameterId]).toMatchObject({ Type: 'String', Default: 'example.com' });
  });

  it('fails the deploy of the default sender, with a message saying what to do', () => {
    expect(assertionHolds()).toBe(false);
    const description = template.Rules![senderDomainRuleId]!.Assertions[0]!.AssertDescription;
    expect(description).toContain('news-alerts@example.com');
    expect(description).toContain('-c mailFrom=');
  });

  it.each(placeholderSenderDomains)('refuses %s, and accepts a domain of the operator', (domain) => {
    expect(assertionHolds({ [senderDomainParameterId]: domain })).toBe(false);
    expect(assertionHolds({ [senderDomainParameterId]: 'alerts.newsdesk.eu' })).toBe(true);
  });

  it('takes its default from mailFrom, display name and case aside, and then holds', () => {
    // Prepare: a stack of its own, with only the rule
    const stack = new Stack(new App(), 'RuleOnly');

    // Act
    refusePlaceholderSender(stack, 'News Alerts <alerts@Newsdesk.EU>');
    template = Template.fromStack(stack).toJSON() as RulesTemplate;

    // Assess
    expect(template.Parameters?.[senderDomainParameterId]?.Default).toBe('newsdesk.eu');
    expect(assertionHolds()).toBe(true);
  });
});

/**
 * The rule-specific intrinsic functions this rule may use: Fn::Not, Fn::And, Fn::Or, Fn::Equals,
 * Fn::Contains and Ref to a parameter. Anything else throws, so the test cannot pass by ignoring it.
 */
function evaluate(expression: unknown, parameter: (name: string) => string | undefined): boolean {
  const value = (node: unknown): unknown => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node)) return node.map(value);
    const ref = (node as { Ref?: string }).Ref;
    if (typeof ref === 'string') {
      const resolved = parameter(ref);
      if (resolved === undefined) throw new Error(`rule refers to unknown parameter ${ref}`);
      return resolved;
    }
    return evaluate(node, parameter);
  };
  const [name, args] = Object.entries(expression as Record<string, unknown[]>)[0] ?? [];
  switch (name) {
    case 'Fn::Not':
      return !evaluate(args![0], parameter);
    case 'Fn::And':
      return args!.every((arg) => evaluate(arg, parameter));
    case 'Fn::Or':
      return args!.some((arg) => evaluate(arg, parameter));
    case 'Fn::Equals':
      return value(args![0]) === value(args![1]);
    case 'Fn::Contains':
      return (value(args![0]) as string[]).includes(value(args![1]) as string);
    default:
      throw new Error(`rule uses ${String(name)}, which this evaluator does not know`);
  }
}
