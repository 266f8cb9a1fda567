/**
 * Requests handed to dynalite as objects (the one-process runtime's path) against the same
 * requests as signed JSON over HTTP to its endpoint (the functions' path): the same outputs, the
 * same errors (names, messages, fields, status, retryability), and no object shared with the
 * caller or the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynaliteEngine, type DynaliteEngine } from '../../../infra/local/engines.ts';
import { AwsServiceError, createAwsJsonClient } from '../../../shared/aws-http/index.ts';
import { dynamoDbService } from '../../../shared/store/dynamodb/index.ts';
import { awsErrorFields } from '../../helpers/aws-error-fields.ts';
import { directAndWireClients } from '../../helpers/direct-and-wire-clients.ts';

type Client = ReturnType<typeof createAwsJsonClient>;
type Step = (table: string) => [operation: string, input: Record<string, unknown>];

/** Throttling is retried at once here: the attempts still count. */
const retry = { baseDelayMs: 1, throttlingBaseDelayMs: 1 };

const tableDefinition = (name: string) => ({
  TableName: name,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'topic', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byTopic',
      KeySchema: [{ AttributeName: 'topic', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
});

async function createActiveTable(client: Client, name: string): Promise<void> {
  await client.call('CreateTable', tableDefinition(name));
  for (;;) {
    const { output } = await client.call('DescribeTable', { TableName: name });
    const table = output.Table as { TableStatus: string; GlobalSecondaryIndexes?: { IndexStatus: string }[] };
    if (table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * An output with its table's name written as `<table>`, so both paths' answers compare, and a
 * BatchGetItem's items in one order (dynalite shuffles them on purpose, as DynamoDB's order is
 * unspecified).
 */
function normalized(value: unknown, table: string): unknown {
  const copy = JSON.parse(JSON.stringify(value).replaceAll(table, '<table>')) as { Responses?: Record<string, unknown[]> };
  for (const items of Object.values(copy.Responses ?? {})) items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return copy;
}

describe('our DynamoDB client handing requests to dynalite as objects', () => {
  let engine: DynaliteEngine;
  let direct: Client;
  let wire: Client;
  const tables = { direct: 'direct-items', wire: 'wire-items' };

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    ({ direct, wire } = directAndWireClients(dynamoDbService, engine));
    await createActiveTable(direct, tables.direct);
    await createActiveTable(wire, tables.wire);
  });

  afterAll(async () => {
    wire?.destroy();
    await engine?.stop();
  });

  /** Runs the steps on each path, on its own table, and returns each path's answers or errors. */
  async function onBothPaths(steps: Step[]) {
    const run = async (client: Client, table: string) => {
      const answers: unknown[] = [];
      for (const step of steps) {
        const [operation, input] = step(table);
        answers.push(
          await client.call(operation, input).then(
            ({ output, $metadata }) => ({
              output: normalized(output, table),
              status: $metadata.httpStatusCode,
              attempts: $metadata.attempts,
            }),
            (error: unknown) => normalized(awsErrorFields(error), table),
          ),
        );
      }
      return answers;
    };
    return { direct: await run(direct, tables.direct), wire: await run(wire, tables.wire) };
  }

  it('answers the operations the stores use exactly as over HTTP', async () => {
    // Prepare
    const steps: Step[] = [
      (t) => ['PutItem', { TableName: t, Item: { pk: { S: 'a' }, sk: { N: '1' }, topic: { S: 'un' }, title: { S: 'Ceasefire – día 2' } } }],
      (t) => ['PutItem', { TableName: t, Item: { pk: { S: 'a' }, sk: { N: '1' }, topic: { S: 'un' } }, ReturnValues: 'ALL_OLD' }],
      (t) => [
        'UpdateItem',
        {
          TableName: t,
          Key: { pk: { S: 'a' }, sk: { N: '1' } },
          UpdateExpression: 'SET #at = :at, tags = :tags ADD hits :one',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: {
            ':at': { N: '1796600000' },
            ':tags': { L: [{ S: 'x' }, { M: { deep: { BOOL: true } } }] },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        },
      ],
      (t) => [
        'UpdateItem',
        {
          TableName: t,
          Key: { pk: { S: 'a' }, sk: { N: '1' } },
          UpdateExpression: 'REMOVE tags ADD hits :one',
          ExpressionAttributeValues: { ':one': { N: '2' } },
          ReturnValues: 'UPDATED_OLD',
        },
      ],
      (t) => [
        'BatchWriteItem',
        {
          RequestItems: {
            [t]: [2, 3, 4, 5].map((sk) => ({
              PutRequest: { Item: { pk: { S: 'a' }, sk: { N: String(sk) }, topic: { S: sk % 2 ? 'un' : 'eu' } } },
            })),
          },
          ReturnConsumedCapacity: 'INDEXES',
        },
      ],
      (t) => [
        'GetItem',
        {
          TableName: t,
          Key: { pk: { S: 'a' }, sk: { N: '1' } },
          ProjectionExpression: 'hits, #at',
          ExpressionAttributeNames: { '#at': 'at' },
        },
      ],
      (t) => ['GetItem', { TableName: t, Key: { pk: { S: 'missing' }, sk: { N: '1' } }, ConsistentRead: true }],
      // Values dynalite converts ("true" for a Boolean) and fields it does not know, as it handles them over HTTP.
      (t) => ['GetItem', { TableName: t, Key: { pk: { S: 'a' }, sk: { N: '1' } }, ConsistentRead: 'true', Unknown: { S: 'x' }, Other: 2 }],
      (t) => [
        'Query',
        {
          TableName: t,
          KeyConditionExpression: 'pk = :pk AND sk > :from',
          FilterExpression: 'topic = :topic',
          ExpressionAttributeValues: { ':pk': { S: 'a' }, ':from': { N: '1' }, ':topic': { S: 'un' } },
          Limit: 2,
          ScanIndexForward: false,
        },
      ],
      (t) => [
        'Query',
        {
          TableName: t,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'a' } },
          ExclusiveStartKey: { pk: { S: 'a' }, sk: { N: '2' } },
        },
      ],
      (t) => [
        'Query',
        {
          TableName: t,
          IndexName: 'byTopic',
          KeyConditionExpression: 'topic = :topic',
          ExpressionAttributeValues: { ':topic': { S: 'eu' } },
        },
      ],
      (t) => ['Scan', { TableName: t, Select: 'COUNT' }],
      (t) => [
        'BatchGetItem',
        {
          RequestItems: {
            [t]: { Keys: [1, 3, 9].map((sk) => ({ pk: { S: 'a' }, sk: { N: String(sk) } })), ProjectionExpression: 'pk, sk, topic' },
          },
          ReturnConsumedCapacity: 'TOTAL',
        },
      ],
      (t) => ['DeleteItem', { TableName: t, Key: { pk: { S: 'a' }, sk: { N: '5' } }, ReturnValues: 'ALL_OLD' }],
      (t) => ['DescribeTimeToLive', { TableName: t }],
    ];

    // Act
    const answers = await onBothPaths(steps);

    // Assess
    expect(answers.direct).toStrictEqual(answers.wire);
    expect(answers.direct.every((answer) => (answer as { status?: number }).status === 200)).toBe(true);
    expect(answers.direct[2]).toMatchObject({
      output: {
        Attributes: { hits: { N: '1' }, tags: { L: [{ S: 'x' }, { M: { deep: { BOOL: true } } }] } },
        ConsumedCapacity: { TableName: '<table>' },
      },
    });
    // A missing item: no Item and no ConsumedCapacity key at all, as the JSON text has none.
    expect(answers.direct[6]).toStrictEqual({ output: {}, status: 200, attempts: 1 });
  });

  it('fails exactly as over HTTP: the same error names, messages, fields, status and retryability', async () => {
    // Prepare
    const steps: Step[] = [
      (t) => ['GetItem', { TableName: t, Key: { pk: { N: '1' }, sk: { N: '1' } } }],
      (t) => ['Query', { TableName: t, KeyConditionExpression: 'pk = :pk' }],
      () => ['GetItem', { Key: { pk: { S: 'a' }, sk: { N: '1' } } }],
      (t) => ['PutItem', { TableName: t, Item: { pk: { S: 'a' }, sk: { N: '1' }, tags: { L: [{ S: 'x' }, { S: 1 }] } } }],
      (t) => [
        'Query',
        { TableName: t, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'a' } }, Limit: 'ten' },
      ],
      (t) => [
        'PutItem',
        {
          TableName: t,
          Item: { pk: { S: 'a' }, sk: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      ],
      () => ['GetItem', { TableName: 'no-such-table', Key: { pk: { S: 'a' } } }],
      (t) => ['CreateTable', tableDefinition(t)],
      (t) => [
        'UpdateTable',
        {
          TableName: t,
          GlobalSecondaryIndexUpdates: Array.from({ length: 6 }, (_, i) => ({
            Update: { IndexName: `index${i}`, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
          })),
        },
      ],
      () => ['Frobnicate', {}],
    ];

    // Act
    const answers = await onBothPaths(steps);

    // Assess
    expect(answers.direct).toStrictEqual(answers.wire);
    expect(answers.direct.map((error) => (error as { name: string }).name)).toEqual([
      'ValidationException',
      'ValidationException',
      'ValidationException',
      'SerializationException',
      'SerializationException',
      'ConditionalCheckFailedException',
      'ResourceNotFoundException',
      'ResourceInUseException',
      'LimitExceededException',
      'UnknownOperationException',
    ]);
    expect(answers.direct[0]).toMatchObject({ message: 'The provided key element does not match the schema', status: 400, attempts: 1 });
    expect(answers.direct[3]).toMatchObject({ message: 'NUMBER_VALUE cannot be converted to String' });
    expect(answers.direct[4]).toMatchObject({ message: 'STRING_VALUE cannot be converted to Integer' });
    expect(answers.direct[5]).toMatchObject({ fields: { $fault: 'client', retryable: false }, hasRequestId: true });
    // Throttling-class errors are retried on this path too: three attempts, then the error.
    expect(answers.direct[8]).toMatchObject({ fields: { retryable: true }, attempts: 3 });
  });

  it('shares no object with the caller: the input is left as given, each answer is its own', async () => {
    // Prepare
    const input = {
      TableName: tables.direct,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'a', extra: undefined } },
      ExclusiveStartKey: undefined,
      Limit: null,
      NotAnInputField: 'dropped by dynalite, not by us',
    };
    const before = structuredClone(input);

    // Act
    const first = await direct.call('Query', input);
    const items = first.output.Items as Record<string, { S?: string }>[];
    items[0]!.pk!.S = 'changed by the caller';
    items.length = 0;
    const second = await direct.call('Query', input);

    // Assess
    expect(input).toStrictEqual(before);
    expect(second.output.Items).toHaveLength(4);
    expect((second.output.Items as Record<string, { S?: string }>[])[0]?.pk).toEqual({ S: 'a' });
  });

  it('hands a row its read cache keeps over frozen, as the JSON would parse: the caller cannot change what later reads see', async () => {
    // Prepare
    const key = { pk: { S: 'frozen' }, sk: { N: '1' } };
    await direct.call('PutItem', { TableName: tables.direct, Item: { ...key, tags: { L: [{ S: 'x' }] } } });
    await direct.call('GetItem', { TableName: tables.direct, Key: key });

    // Act
    const { output } = await direct.call('BatchGetItem', { RequestItems: { [tables.direct]: { Keys: [key] } } });
    const row = (output.Responses as Record<string, Record<string, { L?: unknown[] }>[]>)[tables.direct]?.[0];
    const change = () => row?.tags?.L?.push({ S: 'y' });
    const again = await direct.call('GetItem', { TableName: tables.direct, Key: key });

    // Assess
    expect(row).toStrictEqual({ ...key, tags: { L: [{ S: 'x' }] } });
    expect(Object.isFrozen(row)).toBe(true);
    expect(change).toThrow(TypeError);
    expect(again.output.Item).toStrictEqual({ ...key, tags: { L: [{ S: 'x' }] } });
  });

  it('gives every answer a request id of dynalite’s shape, never the same twice', async () => {
    // Act
    const ids = await Promise.all(
      Array.from({ length: 5 }, async () => (await direct.call('DescribeTimeToLive', { TableName: tables.direct })).$metadata.requestId),
    );

    // Assess
    for (const id of ids) expect(id).toMatch(/^[A-Z0-9]{52}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects a request the engine fails inside (its store closed) instead of throwing out of a callback', async () => {
    // Prepare
    const closed = await startDynaliteEngine();
    const client = createAwsJsonClient('DynamoDB', closed.directTransport, retry);
    await closed.stop();

    // Act
    const error = await client.call('ListTables', {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AwsServiceError);
    expect((error as Error).message).toMatch(/^dynalite request failed: the engine threw while handling it \(.+\)$/);
  });
});
