import { describe, expect, it } from 'vitest';
import { DeployedStackError, describeAwsFailure, tableNamesFromOutputs } from '../../../cli/deployed-stack.ts';
import { configTables } from '../../../cli/tasks/apply-config.ts';

describe('tableNamesFromOutputs', () => {
  it('maps each Table<Name>Name output to its table, ignoring other outputs', () => {
    // Prepare
    const stack = {
      status: 'CREATE_COMPLETE',
      outputs: [
        { OutputKey: 'HttpApiUrl', OutputValue: 'https://abc.lambda-url.eu-west-1.on.aws/' },
        { OutputKey: 'TableFeedsName', OutputValue: 'NewsAlerts-StatefulFeeds1A2B-XYZ' },
        { OutputKey: 'TableTopicsName', OutputValue: 'NewsAlerts-StatefulTopics3C4D-XYZ' },
        { OutputKey: 'TableSubscriptionsName', OutputValue: 'NewsAlerts-StatefulSubscriptions5E6F-XYZ' },
      ],
    };

    // Act
    const names = tableNamesFromOutputs(stack, 'NewsAlerts', configTables);

    // Assess
    expect(names).toEqual({
      feeds: 'NewsAlerts-StatefulFeeds1A2B-XYZ',
      topics: 'NewsAlerts-StatefulTopics3C4D-XYZ',
      subscriptions: 'NewsAlerts-StatefulSubscriptions5E6F-XYZ',
    });
  });

  it('names every missing output, the stack status and the stack', () => {
    const stack = {
      status: 'ROLLBACK_COMPLETE',
      outputs: [{ OutputKey: 'TableFeedsName', OutputValue: 'f' }, { OutputKey: 'TableTopicsName' }],
    };
    const attempt = () => tableNamesFromOutputs(stack, 'MyStack', configTables);
    expect(attempt).toThrow(DeployedStackError);
    expect(attempt).toThrow(
      "stack output missing: TableTopicsName, TableSubscriptionsName not among the stack's outputs (status ROLLBACK_COMPLETE); deploy the current version of the stack (MyStack)",
    );
  });
});

describe('describeAwsFailure', () => {
  it("turns the SDK's credential and region failures into what to set", () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeAwsFailure(noCredentials)).toMatch(/^no AWS credentials found \(set AWS_PROFILE/);
    expect(describeAwsFailure(new Error('Region is missing'))).toMatch(/^no AWS region \(set AWS_REGION/);
  });

  it('keeps the service error name and message otherwise', () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' });
    expect(describeAwsFailure(denied)).toBe('AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks');
  });
});
