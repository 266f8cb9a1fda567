/**
 * Our DynamoDB client against real servers: a local HTTP server answering as DynamoDB does when
 * it fails (5xx, throttling, a dropped socket, a proxy's HTML page), then DynamoDB Local and
 * dynalite for a conditional failure with the old item.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../../infra/local/engines.ts';
import { createTables, type ProvisionedTables } from '../../../infra/local/provision.ts';
import { GetCommand, PutCommand, UpdateCommand } from '../../../shared/store/dynamodb/commands.ts';
import { isConditionalCheckFailed, markerOfOldItem } from '../../../shared/store/dynamodb/conditional.ts';
import { AwsServiceError } from '../../../shared/aws-http/index.ts';
import type { DynamoDbServiceError } from '../../../shared/store/dynamodb/dynamodb-client.ts';
import { createDocumentClient } from '../../../shared/store/dynamodb/index.ts';
import { startDynalite } from '../../helpers/engines.ts';
import { json, type Received, type Scripted, startScriptedAwsServer, type ScriptedAwsServer } from '../../helpers/scripted-aws-server.ts';
import { javaUnavailableReason, startDynamoDbLocal } from '../dynamodb-local.ts';

const fault = (status: number, type: string, message = `${type} happened`): Scripted =>
  json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });

describe('our DynamoDB client against a scripted HTTP server', () => {
  let server: ScriptedAwsServer;
  let endpoint: string;
  let received: Received[];

  beforeAll(async () => {
    server = await startScriptedAwsServer();
    ({ endpoint, received } = server);
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const client = (options: { credentials?: typeof localCredentials | undefined } = { credentials: localCredentials }) =>
    createDocumentClient({ endpoint, region: 'eu-west-1', ...options, retry: { baseDelayMs: 1, throttlingBaseDelayMs: 1 } });
  const get = () => new GetCommand({ TableName: 'feeds', Key: { feedId: 'f-1' } });

  it('posts the JSON protocol, signed, and reads the answer back as plain values', async () => {
    server.script = [json(200, { Item: { feedId: { S: 'f-1' }, intervalMinutes: { N: '15' } } })];
    const output = await client().send(get());
    expect(output.Item).toEqual({ feedId: 'f-1', intervalMinutes: 15 });
    expect(output.$metadata).toEqual({ httpStatusCode: 200, requestId: 'req-1', attempts: 1 });
    const [request] = received;
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({ TableName: 'feeds', Key: { feedId: { S: 'f-1' } } });
  });

  it('sends a request again after a 500, the same body each time', async () => {
    server.script = [fault(500, 'InternalServerError'), json(200, { Item: { feedId: { S: 'f-1' } } })];
    const output = await client().send(get());
    expect(output.Item).toEqual({ feedId: 'f-1' });
    expect(output.$metadata.attempts).toBe(2);
    expect(received.map((r) => r.body)).toEqual([received[0]?.body, received[0]?.body]);
  });

  it('sends a request again after throttling and after a dropped socket', async () => {
    server.script = [fault(400, 'ProvisionedThroughputExceededException'), 'drop', json(200, {})];
    const output = await client().send(get());
    expect(output.$metadata.attempts).toBe(3);
    expect(received).toHaveLength(3);
  });

  it('gives up after 3 attempts with a retryable error naming the type and the status', async () => {
    server.script = [
      fault(503, 'ServiceUnavailable'),
      fault(400, 'ThrottlingException'),
      fault(400, 'ThrottlingException', 'Rate exceeded'),
    ];
    const error = await client()
      .send(get())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      retryable: true,
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-3', attempts: 3 },
    });
    expect(received).toHaveLength(3);
  });

  it('names a 5xx whose body is not JSON (a proxy page) by its status, and retries it', async () => {
    server.script = [
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 502, body: '<html>Bad Gateway</html>' },
    ];
    const error = await client()
      .send(get())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InternalServerError',
      message: 'DynamoDB answered HTTP 502 without an error type',
      retryable: true,
    });
    expect(received).toHaveLength(3);
  });

  it('does not send a refused request again', async () => {
    server.script = [fault(400, 'ValidationException', 'One or more parameter values were invalid')];
    const error = await client()
      .send(get())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', retryable: false, $fault: 'client' });
    expect(received).toHaveLength(1);
  });

  it("keeps a cancelled transaction's reasons and a conditional failure's old item in wire form", async () => {
    const reasons = [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }];
    server.script = [
      json(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message: 'Transaction cancelled',
        CancellationReasons: reasons,
      }),
      json(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { status: { S: 'sending' }, leaseUntil: { N: '1900000000' } },
      }),
    ];
    const cancelled = await client()
      .send(get())
      .catch((e: unknown) => e);
    expect(cancelled).toMatchObject({
      name: 'TransactionCanceledException',
      message: 'Transaction cancelled',
      CancellationReasons: reasons,
      retryable: false,
    });
    const refused = await client()
      .send(get())
      .catch((e: unknown) => e);
    expect(isConditionalCheckFailed(refused)).toBe(true);
    expect(markerOfOldItem(refused as DynamoDbServiceError)).toEqual({ status: 'sending', leaseUntil: 1_900_000_000 });
  });

  it("signs with the environment's credentials and session token, and finds the endpoint there, as in Lambda", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIAENVEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'env-token',
      AWS_REGION: 'ap-south-1',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    });
    try {
      server.script = [json(200, {})];
      await createDocumentClient().send(get());
      expect(received[0]?.headers['x-amz-security-token']).toBe('env-token');
      expect(received[0]?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=ASIAENVEXAMPLE\/\d{8}\/ap-south-1\/dynamodb\/aws4_request, /,
      );

      delete process.env.AWS_SECRET_ACCESS_KEY;
      const error = await createDocumentClient()
        .send(get())
        .catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        'DynamoDB request not signed: no credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)',
      );
      expect(received).toHaveLength(1);
    } finally {
      process.env = saved;
    }
  });
});

/** A conditional failure that asks for the old item, on an engine. */
function describeConditionalFailure(
  engineName: string,
  start: () => Promise<{ endpoint: string; stop(): Promise<void> }>,
  skipReason?: string,
) {
  describe.skipIf(Boolean(skipReason))(`a conditional failure on ${engineName}`, () => {
    let engine: { endpoint: string; stop(): Promise<void> } | undefined;
    let tables: ProvisionedTables;
    beforeAll(async () => {
      engine = await start();
      const maker = createDocumentClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
      tables = await createTables(maker, `client-${Date.now().toString(36)}`);
      maker.destroy();
    });
    afterAll(async () => {
      await engine?.stop();
    });

    it('is a ConditionalCheckFailedException, with the old item where the engine returns it (ALL_OLD)', async () => {
      const client = createDocumentClient({ endpoint: engine!.endpoint, region: localRegion, credentials: localCredentials });
      await client.send(
        new PutCommand({ TableName: tables.deliveries, Item: { deliveryKey: 'd-1', status: 'sending', leaseUntil: 1_900_000_000 } }),
      );
      const error = await client
        .send(
          new UpdateCommand({
            TableName: tables.deliveries,
            Key: { deliveryKey: 'd-1' },
            UpdateExpression: 'SET #s = :done',
            ConditionExpression: '#s = :pending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':done': 'sent', ':pending': 'pending' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        .catch((e: unknown) => e);
      client.destroy();
      expect(isConditionalCheckFailed(error)).toBe(true);
      expect(error).toMatchObject({ retryable: false, $metadata: { httpStatusCode: 400, attempts: 1 } });
      // dynalite ignores ReturnValuesOnConditionCheckFailure; DynamoDB Local (as DynamoDB) returns the item.
      expect(markerOfOldItem(error as DynamoDbServiceError)).toEqual(
        engineName === 'dynalite' ? undefined : { status: 'sending', leaseUntil: 1_900_000_000 },
      );
    });
  });
}

describeConditionalFailure('dynalite', () => startDynalite());
const javaMissing = javaUnavailableReason();
describeConditionalFailure('DynamoDB Local', () => startDynamoDbLocal(), javaMissing);
