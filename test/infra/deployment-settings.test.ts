import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createNewsAlertsApp } from '../../infra/aws/create-app.ts';
import { parseSenderAddress, readDeploymentSettings } from '../../infra/aws/deployment-settings.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { cdkJsonContext } from './synth-stack.ts';
import { indexTemplate, type CfnTemplateJson } from './template-topology.ts';

describe('readDeploymentSettings', () => {
  it('defaults every setting so cdk synth needs no context', () => {
    // Act
    const settings = readDeploymentSettings(() => undefined);

    // Assess
    expect(settings).toEqual({
      mailFrom: 'news-alerts@example.com',
      logLevel: 'INFO',
      logRetentionDays: 30,
      architecture: 'arm64',
      mailTransport: 'ses',
      allowPrivateNetwork: false,
    });
  });

  it('accepts context values given as strings on the command line', () => {
    // Prepare
    const context: Record<string, string> = {
      mailFrom: 'News Alerts <alerts@news.example.org>',
      publicBaseUrl: 'https://alerts.example.org/',
      logLevel: 'DEBUG',
      logRetentionDays: '90',
    };

    // Act
    const settings = readDeploymentSettings((key) => context[key]);

    // Assess
    expect(settings).toEqual({
      mailFrom: 'News Alerts <alerts@news.example.org>',
      publicBaseUrl: 'https://alerts.example.org/',
      logLevel: 'DEBUG',
      logRetentionDays: 90,
      architecture: 'arm64',
      mailTransport: 'ses',
      allowPrivateNetwork: false,
    });
  });

  it.each([
    ['logRetentionDays', '31', /logRetentionDays: must be a retention CloudWatch Logs accepts/],
    ['logLevel', 'LOUD', /logLevel:/],
    ['publicBaseUrl', 'not a url', /publicBaseUrl:/],
    ['mailFrom', 'no address here', /mailFrom has no email address \(no address here\)/],
    [
      'subscriberIdSecretArn',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ids',
      /subscriberIdSecretArn: must be the complete ARN/,
    ],
  ])('rejects %s=%s naming the setting', (key, value, message) => {
    // Act
    const read = () => readDeploymentSettings((k) => (k === key ? value : undefined));

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });
});

describe('parseSenderAddress', () => {
  it.each([
    ['alerts@example.org', { address: 'alerts@example.org', domain: 'example.org' }],
    ['News Alerts <alerts@News.Example.org>', { address: 'alerts@News.Example.org', domain: 'news.example.org' }],
    ['alerts@localhost', undefined],
    ['<>', undefined],
  ])('%s → %j', (input, expected) => {
    expect(parseSenderAddress(input)).toEqual(expected);
  });
});

describe('deployment settings in the synthesized stack', () => {
  it('flows mailFrom, publicBaseUrl, logLevel and log retention into every function', () => {
    // Prepare
    const context = {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      mailFrom: 'News Alerts <alerts@news.example.org>',
      publicBaseUrl: 'https://alerts.example.org/',
      logLevel: 'DEBUG',
      logRetentionDays: 90,
    };

    const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-settings-'));

    // Act
    let json: CfnTemplateJson;
    try {
      const { stack } = createNewsAlertsApp({ context, outdir });
      json = Template.fromStack(stack).toJSON() as CfnTemplateJson;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }

    // Assess
    const functionIds = [...indexTemplate(json).functions.keys()];
    expect(functionIds.length).toBeGreaterThan(0);
    for (const id of functionIds) {
      const props = json.Resources[id]!.Properties!;
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.MAIL_FROM).toBe('News Alerts <alerts@news.example.org>');
      // An explicit base reaches the HTTP API too, which otherwise reads its URL from SSM.
      expect(variables.PUBLIC_BASE_URL).toBe('https://alerts.example.org/');
      expect(variables.PUBLIC_BASE_URL_PARAMETER).toBeUndefined();
      expect(variables.LOG_LEVEL).toBe('DEBUG');
    }
    expect(Object.values(json.Resources).filter((resource) => resource.Type === 'AWS::SSM::Parameter')).toEqual([]);
    expect(JSON.stringify(json.Resources)).not.toContain('ssm:GetParameter');
    const retentions = Object.values(json.Resources)
      .filter((resource) => resource.Type === 'AWS::Logs::LogGroup')
      .map((resource) => resource.Properties!.RetentionInDays);
    expect(new Set(retentions)).toEqual(new Set([90]));
    const sesResources = JSON.stringify(
      Object.values(json.Resources).filter((resource) => JSON.stringify(resource).includes('ses:SendEmail')),
    );
    expect(sesResources).toContain(':identity/news.example.org');
    expect(sesResources).toContain(':identity/alerts@news.example.org');
    expect(sesResources).not.toContain('example.com');
    // A whole synthesis (cdk-nag included): slow on a loaded machine.
  }, 120_000);
});
