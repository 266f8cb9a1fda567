import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion, startDynaliteEngine, type DynaliteEngine } from '../../infra/local/engines.ts';
import { localSigningHeaders } from '../../infra/local/local-request-signer.ts';
import { createAwsJsonClient, createHttpTransport, type HttpTransportOptions } from '../../shared/aws-http/index.ts';
import { createSqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { dynamoDbService } from '../../shared/store/dynamodb/index.ts';
import { directAndWireClients } from '../helpers/direct-and-wire-clients.ts';
import { startFauxqs, type TestFauxqs } from '../helpers/engines.ts';

/** The local signing headers as a signer of our HTTP transport, so they can be checked against the engines over HTTP. */
const localRequestSigner: NonNullable<HttpTransportOptions['signer']> = (_request, scope) =>
  localSigningHeaders(scope.date, scope.region, scope.service);

/** A DynamoDB attribute value on the wire. */
type AttributeValue = Record<string, unknown>;

/** Our JSON client (shared/aws-http): wire forms in and out. */
type AwsJsonClient = ReturnType<typeof createAwsJsonClient>;

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

// Each on the runtime's own path (requests handed over as objects) and over HTTP (other processes').
describe.each(['direct', 'wire'] as const)("dynalite's kept table descriptions (%s)", (path) => {
  let dataDir: string;
  let engine: DynaliteEngine;
  let client: AwsJsonClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-tables-'));
    engine = await startDynaliteEngine({ path: join(dataDir, 'dynamodb') });
    client = directAndWireClients(dynamoDbService, engine)[path];
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

describe.each(['direct', 'wire'] as const)("dynalite's parsed expressions, kept (%s)", (path) => {
  let engine: DynaliteEngine;
  let client: AwsJsonClient;

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    client = directAndWireClients(dynamoDbService, engine)[path];
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
