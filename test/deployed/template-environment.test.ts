import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology, type FunctionName, type SecretName, type TableName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack } from '../infra/synth-stack.ts';
import { indexTemplate, type CfnTemplateJson } from '../infra/template-topology.ts';
import { checkFunctionEnvironment, localSecretArn, templateEnvironments, type LocalStandIns } from './template-environment.ts';

/** The environment derivation over the stack's own template (synthesized without bundles). */
describe('templateEnvironments', () => {
  let template: CfnTemplateJson;
  const standIns: LocalStandIns = {
    tables: Object.fromEntries(Object.keys(topology.tables).map((table) => [table, `local-${table}`])) as Record<TableName, string>,
    queues: Object.fromEntries(
      Object.keys(topology.queues).map((queue) => [
        queue,
        {
          url: `http://sqs.us-east-1.localhost:9324/000000000000/local-${queue}`,
          arn: `arn:aws:sqs:us-east-1:000000000000:local-${queue}`,
          dlqUrl: `http://sqs.us-east-1.localhost:9324/000000000000/local-${queue}-dlq`,
          dlqArn: `arn:aws:sqs:us-east-1:000000000000:local-${queue}-dlq`,
        },
      ]),
    ) as LocalStandIns['queues'],
    functionUrl: 'http://127.0.0.1:3000/',
    secretValues: { unsubscribe: 'u'.repeat(64), 'subscriber-id': 's'.repeat(64), admin: 'a'.repeat(64) },
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'NewsAlerts',
  };

  /** The template with one function's variable replaced (or removed, with `undefined`). */
  function withVariable(name: FunctionName, variable: string, value: unknown): CfnTemplateJson {
    const copy = structuredClone(template);
    const logicalId = [...indexTemplate(copy).functions].find(([, fn]) => fn === name)![0];
    const variables = (copy.Resources[logicalId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    if (value === undefined) delete variables[variable];
    else variables[variable] = value;
    return copy;
  }

  /** The logical id of a generated secret in the template. */
  function secretIdOf(secret: SecretName): string {
    return [...indexTemplate(template).secrets].find(([, name]) => name === secret)![0];
  }

  beforeAll(() => {
    template = synthesizeStack().json;
  });
  afterAll(removeSynthesisOutputs);

  it('resolves every function of the stack to an environment its handler accepts', () => {
    // Act
    const environments = templateEnvironments(template, standIns);

    // Assess
    expect([...environments.keys()].sort()).toEqual(Object.keys(topology.functions).sort());
    for (const [name, environment] of environments) {
      expect(() => checkFunctionEnvironment(name, environment)).not.toThrow();
      expect(environment.TABLE_SUBSCRIPTIONS).toBe('local-subscriptions');
      expect(environment.QUEUE_EMAIL_URL).toBe(standIns.queues.email.url);
    }
    // Secrets travel as ARNs, to exactly the functions that read them; no value is in any environment.
    const arnOf = (secret: SecretName) => localSecretArn(standIns, secretIdOf(secret));
    expect(environments.get('deliver-email')!.UNSUBSCRIBE_SECRET_ARN).toBe(arnOf('unsubscribe'));
    expect(environments.get('http-api')).toMatchObject({
      UNSUBSCRIBE_SECRET_ARN: arnOf('unsubscribe'),
      SUBSCRIBER_ID_SECRET_ARN: arnOf('subscriber-id'),
      ADMIN_TOKEN_SECRET_ARN: arnOf('admin'),
    });
    expect(environments.get('poll-feed')).not.toHaveProperty('UNSUBSCRIBE_SECRET_ARN');
    for (const [name, environment] of environments) {
      for (const value of Object.values(standIns.secretValues)) expect(Object.values(environment), name).not.toContain(value);
      expect(
        Object.keys(environment).filter((variable) => /^(UNSUBSCRIBE_SECRET|ADMIN_TOKEN)$/.test(variable)),
        name,
      ).toEqual([]);
    }
    // Links: the other functions get the Function URL; the API itself reads it from SSM.
    expect(environments.get('fan-out')!.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000/');
    expect(environments.get('http-api')!.PUBLIC_BASE_URL_PARAMETER).toMatch(/^\/.+/);
    expect(environments.get('http-api')).not.toHaveProperty('PUBLIC_BASE_URL');
    // A dead-letter queue by its own URL (deliver-email parks setup faults there).
    expect(environments.get('deliver-email')!.QUEUE_EMAIL_DLQ_URL).toBe(standIns.queues.email.dlqUrl);
    // The SES configuration set by its name.
    const configurationSet = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::SES::ConfigurationSet')!;
    expect(environments.get('deliver-email')!.SES_CONFIGURATION_SET).toBe(configurationSet[1].Properties?.Name ?? configurationSet[0]);
  });

  it('fails naming the function and the variable when the stack forgets one', () => {
    // Prepare
    const environment = templateEnvironments(withVariable('poll-feed', 'TABLE_ITEMS', undefined), standIns).get('poll-feed')!;

    // Act + Assess
    expect(() => checkFunctionEnvironment('poll-feed', environment)).toThrow(
      /^function environment is invalid: .*TABLE_ITEMS.* \(function poll-feed\)$/,
    );
  });

  it('fails naming the function and the variable for a value with no local stand-in', () => {
    // Prepare: a reference to a resource type the stand-ins do not cover (a DLQ's URL is covered; a log group is not)
    const logGroupId = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::Logs::LogGroup')![0];
    const bad = withVariable('fan-out', 'MAIL_FROM', { Ref: logGroupId });

    // Act + Assess
    expect(() => templateEnvironments(bad, standIns)).toThrow(
      `function environment has no local stand-in: MAIL_FROM is set to Ref of ${logGroupId} (AWS::Logs::LogGroup) (function fan-out)`,
    );
    expect(() => templateEnvironments(withVariable('fan-out', 'MAIL_FROM', { 'Fn::ImportValue': 'shared-sender' }), standIns)).toThrow(
      'function environment has no local stand-in: MAIL_FROM is set to {"Fn::ImportValue":"shared-sender"} (function fan-out)',
    );
  });

  it('gives a secret reference the local ARN, so a stand-in Secrets Manager can serve it at run time', () => {
    // Act: the stack passes the secret by ARN
    const environment = templateEnvironments(template, standIns).get('deliver-email')!;

    // Assess
    const secretId = secretIdOf('unsubscribe');
    expect(environment.UNSUBSCRIBE_SECRET_ARN).toBe(localSecretArn(standIns, secretId));
    expect(environment.UNSUBSCRIBE_SECRET_ARN).toBe(`arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}`);
  });

  it('gives a secret reference the ARN a stand-in serves it under, and still resolves dynamic references', () => {
    // Prepare: the ARN a Secrets Manager stand-in gave the stored value, and a variable that
    // reads the value at deploy time instead (as the stack once did)
    const secretId = secretIdOf('unsubscribe');
    const served = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:unsubscribe-AbCdEf';
    const byValue = withVariable('deliver-email', 'UNSUBSCRIBE_SECRET_AT_DEPLOY', {
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    });

    // Act
    const environment = templateEnvironments(byValue, { ...standIns, secretArns: { unsubscribe: served } }).get('deliver-email')!;

    // Assess
    expect(environment.UNSUBSCRIBE_SECRET_ARN).toBe(served);
    expect(environment.UNSUBSCRIBE_SECRET_AT_DEPLOY).toBe(standIns.secretValues.unsubscribe);
  });

  it('resolves Fn::Sub, pseudo parameters and SSM references through the stand-ins a caller adds', () => {
    // Prepare: the kind of values a later stack may set (a parameter name, a namespace)
    const parameterId = 'PublicUrlParameter';
    const withParameter = structuredClone(template);
    withParameter.Resources[parameterId] = { Type: 'AWS::SSM::Parameter', Properties: { Name: '/news-alerts/public-url' } };
    const variables = (
      withParameter.Resources[[...indexTemplate(withParameter).functions].find(([, fn]) => fn === 'fan-out')![0]]!.Properties!
        .Environment as { Variables: Record<string, unknown> }
    ).Variables;
    variables.PUBLIC_URL_PARAMETER = { Ref: parameterId };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JavaScript template
    variables.METRICS_NAMESPACE = { 'Fn::Sub': '${AWS::StackName}/${AWS::Region}/${!Literal}' };
    variables.PUBLIC_URL_AT_DEPLOY = '{{resolve:ssm:/news-alerts/public-url}}';

    // Act
    const environment = templateEnvironments(withParameter, {
      ...standIns,
      refs: { 'AWS::SSM::Parameter': (_id, resource) => String(resource.Properties?.Name) },
      parameters: { '/news-alerts/public-url': 'https://alerts.example.org/' },
    }).get('fan-out')!;

    // Assess
    expect(environment.PUBLIC_URL_PARAMETER).toBe('/news-alerts/public-url');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JavaScript template
    expect(environment.METRICS_NAMESPACE).toBe('NewsAlerts/us-east-1/${Literal}');
    expect(environment.PUBLIC_URL_AT_DEPLOY).toBe('https://alerts.example.org/');
  });
});
