import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion, startDynaliteEngine, type DynaliteEngine } from '../../infra/local/engines.ts';
import { createInProcessTransport } from '../../infra/local/in-process-handler.ts';
import { localSigningHeaders } from '../../infra/local/local-request-signer.ts';
import { createAwsJsonClient, createHttpTransport, type HttpTransportOptions } from '../../shared/aws-http/index.ts';
import { createSqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { GetCommand, PutCommand } from '../../shared/store/dynamodb/commands.ts';
import { createDocumentClient, CreateTableCommand, dynamoDbService } from '../../shared/store/dynamodb/index.ts';
import { startFauxqs, type TestFauxqs } from '../helpers/engines.ts';

/** The local signing headers as a signer of our HTTP transport, so they can be checked against the engines over HTTP. */
const localRequestSigner: NonNullable<HttpTransportOptions['signer']> = (_request, scope) =>
  localSigningHeaders(scope.date, scope.region, scope.service);

/** A DynamoDB attribute value on the wire. */
type AttributeValue = Record<string, unknown>;

/** Our JSON client (shared/aws-http): wire forms in and out. */
type AwsJsonClient = ReturnType<typeof createAwsJsonClient>;

/** Our JSON client, wire forms in and out, whose requests go to `engine` in this process: no socket, no endpoint. */
function wireClientInProcess(engine: DynaliteEngine): AwsJsonClient {
  return createAwsJsonClient('DynamoDB', createInProcessTransport(engine.requestListener, 'dynalite', localRegion, dynamoDbService));
}

/** The parts of the outputs these tests read, in wire form. */
interface WireOutput {
  Item?: Record<string, AttributeValue>;
  Attributes?: Record<string, { N?: string }>;
  Table?: { TableStatus?: string };
  TableDescription?: { TableName?: string };
  Count?: number;
}

/** Sends one operation and returns its output (wire form). */
async function send(client: AwsJsonClient, operation: string, input: object): Promise<WireOutput> {
  return (await client.call(operation, input)).output as WireOutput;
}

/** Polls DescribeTable until the table is ACTIVE, or gone when `gone`. */
async function waitForTable(client: AwsJsonClient, tableName: string, gone = false): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const status = await send(client, 'DescribeTable', { TableName: tableName }).then(
      (output) => output.Table?.TableStatus,
      (error: { name?: string }) => (error.name === 'ResourceNotFoundException' ? 'GONE' : Promise.reject(error)),
    );
    if (status === (gone ? 'GONE' : 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${tableName} did not become ${gone ? 'gone' : 'active'}`);
}

describe('our JSON client handing requests to dynalite in process', () => {
  let dataDir: string;
  let engine: DynaliteEngine;
  let client: AwsJsonClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-in-process-'));
    engine = await startDynaliteEngine({ path: join(dataDir, 'dynamodb') });
    client = wireClientInProcess(engine);
    await send(client, 'CreateTable', {
      TableName: 'in-process',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await waitForTable(client, 'in-process');
  });

  afterAll(async () => {
    client.destroy();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes and reads items with no connection to the engine', async () => {
    // Act
    await send(client, 'PutItem', { TableName: 'in-process', Item: { pk: { S: 'a' }, title: { S: 'Ceasefire talks – día 2' } } });
    const { Item } = await send(client, 'GetItem', { TableName: 'in-process', Key: { pk: { S: 'a' } } });

    // Assess
    expect(Item).toEqual({ pk: { S: 'a' }, title: { S: 'Ceasefire talks – día 2' } });
  });

  it("reads each write at once, as an update's counter shows", async () => {
    // Act
    const counts: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { Attributes } = await send(client, 'UpdateItem', {
        TableName: 'in-process',
        Key: { pk: { S: 'counter' } },
        UpdateExpression: 'ADD hits :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      });
      counts.push(Attributes?.hits?.N ?? '');
    }

    // Assess
    expect(counts).toEqual(['1', '2', '3', '4', '5']);
  });

  it("turns the engine's error answer into an error named as DynamoDB names it", async () => {
    // Prepare
    await send(client, 'PutItem', { TableName: 'in-process', Item: { pk: { S: 'taken' } } });

    // Act
    const attempt = send(client, 'PutItem', {
      TableName: 'in-process',
      Item: { pk: { S: 'taken' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', retryable: false });
  });

  it('still serves other processes on its loopback endpoint', async () => {
    // Prepare
    const overHttp = createAwsJsonClient(
      'DynamoDB',
      createHttpTransport(dynamoDbService, { region: localRegion, credentials: localCredentials, endpoint: engine.endpoint }),
    );

    // Act
    const { Item } = await send(overHttp, 'GetItem', { TableName: 'in-process', Key: { pk: { S: 'a' } } });
    overHttp.destroy();

    // Assess
    expect(Item?.pk).toEqual({ S: 'a' });
  });
});

describe("our DynamoDB client (the stores') handing JSON bodies to dynalite in process", () => {
  let engine: DynaliteEngine;
  const client = () =>
    createDocumentClient({ transport: createInProcessTransport(engine.requestListener, 'dynalite', localRegion, dynamoDbService) });

  beforeAll(async () => {
    engine = await startDynaliteEngine({});
    const { TableDescription } = await client().send(
      new CreateTableCommand({
        TableName: 'in-process-documents',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(TableDescription?.TableName).toBe('in-process-documents');
    await waitForTable(wireClientInProcess(engine), 'in-process-documents');
  });

  afterAll(async () => {
    await engine.stop();
  });

  it('writes and reads plain values, with no connection and no signature', async () => {
    // Act
    await client().send(
      new PutCommand({
        TableName: 'in-process-documents',
        Item: { pk: 'doc', title: 'Ceasefire talks – día 2', topics: new Set(['un']), n: 3 },
      }),
    );
    const { Item } = await client().send(new GetCommand({ TableName: 'in-process-documents', Key: { pk: 'doc' }, ConsistentRead: true }));

    // Assess
    expect(Item).toEqual({ pk: 'doc', title: 'Ceasefire talks – día 2', topics: new Set(['un']), n: 3 });
  });

  it("names the engine's error answers as DynamoDB does, retryable or not", async () => {
    // Prepare
    await client().send(new PutCommand({ TableName: 'in-process-documents', Item: { pk: 'taken' } }));

    // Act
    const refused = await client()
      .send(new PutCommand({ TableName: 'in-process-documents', Item: { pk: 'taken' }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .catch((e: unknown) => e);
    const missing = await client()
      .send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x' } }))
      .catch((e: unknown) => e);

    // Assess
    expect(refused).toMatchObject({ name: 'ConditionalCheckFailedException', retryable: false, $metadata: { httpStatusCode: 400 } });
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', retryable: false });
  });
});

describe('local request signer', () => {
  let fauxqs: TestFauxqs;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
  });

  afterAll(async () => {
    await fauxqs.stop();
  });

  it("gives fauxqs the client's region in the credential scope", async () => {
    // Prepare
    const sqs = createSqsClient({
      region: 'eu-west-1',
      credentials: localCredentials,
      endpoint: fauxqs.endpoint,
      signer: localRequestSigner,
    });

    // Act
    const { QueueUrl = '' } = await sqs.call('CreateQueue', { QueueName: 'signed-locally' });
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hello' });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
    sqs.destroy();

    // Assess
    expect(Attributes?.QueueArn).toMatch(/^arn:aws:sqs:eu-west-1:/);
    expect(Messages?.map((message) => message.Body)).toEqual(['hello']);
  });

  it('writes an Authorization header dynalite accepts, unlike none', async () => {
    // Prepare
    const engine = await startDynaliteEngine();
    const over = (signer: typeof localRequestSigner) =>
      createAwsJsonClient(
        'DynamoDB',
        createHttpTransport(dynamoDbService, { region: localRegion, credentials: localCredentials, endpoint: engine.endpoint, signer }),
      );
    const unsigned = over(() => ({}));
    const signed = over(localRequestSigner);
    const table = {
      TableName: 'signed',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    };

    try {
      // Act
      const refused = await send(unsigned, 'CreateTable', table).catch((error: unknown) => error);
      const accepted = await send(signed, 'CreateTable', table);

      // Assess
      expect(refused).toMatchObject({ name: 'MissingAuthenticationTokenException' });
      expect(accepted.TableDescription?.TableName).toBe('signed');
    } finally {
      unsigned.destroy();
      signed.destroy();
      await engine.stop();
    }
  });

  it('dates each request by its own signing time, to the second', async () => {
    // Prepare
    const sign = (at: string) => {
      const headers = localRequestSigner(
        { method: 'POST', path: '/', headers: {}, body: '' },
        { date: new Date(at), region: localRegion, service: 'sqs', credentials: localCredentials },
      );
      return [headers['x-amz-date'], headers.authorization?.match(/Credential=[^,]+/)?.[0]];
    };

    // Act
    const dates = [
      sign('2030-01-01T10:00:00.100Z'),
      sign('2030-01-01T10:00:00.900Z'),
      sign('2030-01-01T10:00:01.000Z'),
      sign('2030-01-02T00:00:00.000Z'),
    ];

    // Assess
    expect(dates).toEqual([
      ['20300101T100000Z', 'Credential=local/20300101/us-east-1/sqs/aws4_request'],
      ['20300101T100000Z', 'Credential=local/20300101/us-east-1/sqs/aws4_request'],
      ['20300101T100001Z', 'Credential=local/20300101/us-east-1/sqs/aws4_request'],
      ['20300102T000000Z', 'Credential=local/20300102/us-east-1/sqs/aws4_request'],
    ]);
  });
});

describe("dynalite's kept table descriptions", () => {
  let dataDir: string;
  let engine: DynaliteEngine;
  let client: AwsJsonClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-tables-'));
    engine = await startDynaliteEngine({ path: join(dataDir, 'dynamodb') });
    client = wireClientInProcess(engine);
  });

  afterAll(async () => {
    client.destroy();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function createTable(keyName: string): Promise<void> {
    await send(client, 'CreateTable', {
      TableName: 'recreated',
      AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await waitForTable(client, 'recreated');
  }

  it('follow a table deleted and created again with another key', async () => {
    // Prepare: item operations under the first key schema, so its description is kept
    await createTable('id');
    await send(client, 'PutItem', { TableName: 'recreated', Item: { id: { S: 'a' } } });
    await send(client, 'GetItem', { TableName: 'recreated', Key: { id: { S: 'a' } } });
    await send(client, 'DeleteTable', { TableName: 'recreated' });
    await waitForTable(client, 'recreated', true);

    // Act
    await createTable('pk');
    await send(client, 'PutItem', { TableName: 'recreated', Item: { pk: { S: 'b' }, n: { N: '1' } } });
    const { Item } = await send(client, 'GetItem', { TableName: 'recreated', Key: { pk: { S: 'b' } } });
    const oldKey = send(client, 'GetItem', { TableName: 'recreated', Key: { id: { S: 'a' } } });

    // Assess
    expect(Item).toEqual({ pk: { S: 'b' }, n: { N: '1' } });
    await expect(oldKey).rejects.toThrow(/key element does not match the schema/i);
  });
});

describe("dynalite's parsed expressions, kept", () => {
  let engine: DynaliteEngine;
  let client: AwsJsonClient;

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    client = wireClientInProcess(engine);
    await send(client, 'CreateTable', {
      TableName: 'expressions',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await waitForTable(client, 'expressions');
  });

  afterAll(async () => {
    client.destroy();
    await engine.stop();
  });

  /** The same expression and names each time; only the values differ. */
  const update = (sk: number, values: Record<string, AttributeValue>) =>
    send(client, 'UpdateItem', {
      TableName: 'expressions',
      Key: { pk: { S: 'p' }, sk: { N: String(sk) } },
      UpdateExpression: 'SET #note = :note, #tags = if_not_exists(#tags, :tags) ADD #n :one',
      ConditionExpression: 'attribute_not_exists(#done) OR #done = :no',
      ExpressionAttributeNames: { '#note': 'note', '#tags': 'tags', '#n': 'n', '#done': 'done' },
      ExpressionAttributeValues: values,
    });

  it("apply each request's own values, and still check each value", async () => {
    // Act
    await update(1, { ':note': { S: 'first' }, ':tags': { SS: ['a'] }, ':one': { N: '1' }, ':no': { BOOL: false } });
    await update(2, { ':note': { S: 'second' }, ':tags': { SS: ['b', 'c'] }, ':one': { N: '5' }, ':no': { BOOL: false } });
    await update(2, { ':note': { S: 'third' }, ':tags': { SS: ['d'] }, ':one': { N: '2' }, ':no': { BOOL: false } });
    const invalid = await update(3, { ':note': { S: 'x' }, ':tags': { SS: ['e', 'e'] }, ':one': { N: '1' }, ':no': { BOOL: false } }).catch(
      (error: unknown) => error,
    );
    const first = await send(client, 'GetItem', { TableName: 'expressions', Key: { pk: { S: 'p' }, sk: { N: '1' } } });
    const second = await send(client, 'GetItem', { TableName: 'expressions', Key: { pk: { S: 'p' }, sk: { N: '2' } } });

    // Assess
    expect(first.Item).toMatchObject({ note: { S: 'first' }, tags: { SS: ['a'] }, n: { N: '1' } });
    expect(second.Item).toMatchObject({ note: { S: 'third' }, tags: { SS: ['b', 'c'] }, n: { N: '7' } });
    expect(invalid).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Input collection .* contains duplicates/),
    });
  });

  it("check a BETWEEN's bounds on every request", async () => {
    // Prepare
    const query = (low: string, high: string) =>
      send(client, 'Query', {
        TableName: 'expressions',
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': { S: 'p' }, ':low': { N: low }, ':high': { N: high } },
      });

    // Act
    const inOrder = await query('1', '2');
    const reversed = await query('2', '1').catch((error: unknown) => error);

    // Assess
    expect(inOrder.Count).toBeGreaterThan(0);
    expect(reversed).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/upper bound to be greater than or equal to lower bound/),
    });
  });
});
