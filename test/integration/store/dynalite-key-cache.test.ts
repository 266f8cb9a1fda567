/**
 * dynalite's row keys made once per key, and its sizes of rows measured once per kept row (the
 * one-process runtime's engine): every key still finds its own row, whatever its types, whatever
 * values look alike, and after a table is created again with another key schema; a BatchGetItem
 * of rows read before still stops at dynalite's answer size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynaliteEngine, type DynaliteEngine } from '../../../infra/local/engines.ts';
import { createAwsJsonClient } from '../../../shared/aws-http/index.ts';

type Client = ReturnType<typeof createAwsJsonClient>;
type Value = Record<string, string>;

async function createActiveTable(client: Client, name: string, keys: [name: string, type: string][]): Promise<void> {
  await client.call('CreateTable', {
    TableName: name,
    AttributeDefinitions: keys.map(([attribute, type]) => ({ AttributeName: attribute, AttributeType: type })),
    KeySchema: keys.map(([attribute], i) => ({ AttributeName: attribute, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    BillingMode: 'PAY_PER_REQUEST',
  });
  while (((await client.call('DescribeTable', { TableName: name })).output.Table as { TableStatus: string }).TableStatus !== 'ACTIVE') {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('dynalite’s row keys made once per key', () => {
  let engine: DynaliteEngine;
  let client: Client;

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    client = createAwsJsonClient('DynamoDB', engine.directTransport, {});
  });

  afterAll(async () => {
    await engine?.stop();
  });

  const put = (table: string, key: Record<string, Value>, note: string) =>
    client.call('PutItem', { TableName: table, Item: { ...key, note: { S: note } } });
  const noteOf = async (table: string, key: Record<string, Value>) =>
    ((await client.call('GetItem', { TableName: table, Key: key })).output.Item as { note?: { S: string } } | undefined)?.note?.S;

  it('finds each row by its own partition and sort key, however alike their values read', async () => {
    // Prepare
    await createActiveTable(client, 'keys-pair', [
      ['pk', 'S'],
      ['sk', 'S'],
    ]);
    await put('keys-pair', { pk: { S: 'ab' }, sk: { S: 'c' } }, 'ab|c');
    await put('keys-pair', { pk: { S: 'a' }, sk: { S: 'bc' } }, 'a|bc');

    // Act
    const notes = [
      await noteOf('keys-pair', { pk: { S: 'ab' }, sk: { S: 'c' } }),
      await noteOf('keys-pair', { pk: { S: 'a' }, sk: { S: 'bc' } }),
      await noteOf('keys-pair', { pk: { S: 'abc' }, sk: { S: '' } }).catch(() => 'rejected'),
      await noteOf('keys-pair', { pk: { S: 'a' }, sk: { S: 'b' } }),
    ];

    // Assess: an empty sort key is invalid, as in DynamoDB.
    expect(notes).toEqual(['ab|c', 'a|bc', 'rejected', undefined]);
  });

  it('finds a number key however it is written, and a binary key, as DynamoDB does', async () => {
    // Prepare
    await createActiveTable(client, 'keys-number', [['n', 'N']]);
    await createActiveTable(client, 'keys-binary', [['b', 'B']]);
    await put('keys-number', { n: { N: '1.0' } }, 'one');
    await put('keys-binary', { b: { B: Buffer.from('key').toString('base64') } }, 'bytes');

    // Act
    const notes = [
      await noteOf('keys-number', { n: { N: '1' } }),
      await noteOf('keys-number', { n: { N: '1.0' } }),
      await noteOf('keys-number', { n: { N: '10' } }),
      await noteOf('keys-binary', { b: { B: Buffer.from('key').toString('base64') } }),
      await noteOf('keys-binary', { b: { B: Buffer.from('kez').toString('base64') } }),
    ];

    // Assess
    expect(notes).toEqual(['one', 'one', undefined, 'bytes', undefined]);
  });

  it('keys the rows of a table created again under the same name by its new key schema', async () => {
    // Prepare
    await createActiveTable(client, 'keys-again', [['id', 'S']]);
    await put('keys-again', { id: { S: '7' } }, 'text seven');
    expect(await noteOf('keys-again', { id: { S: '7' } })).toBe('text seven');
    await client.call('DeleteTable', { TableName: 'keys-again' });
    const listed = async () => (await client.call('ListTables', {})).output.TableNames as string[];
    while ((await listed()).includes('keys-again')) await new Promise((resolve) => setTimeout(resolve, 5));
    await createActiveTable(client, 'keys-again', [['id', 'N']]);

    // Act
    await put('keys-again', { id: { N: '7' } }, 'number seven');
    const notes = [await noteOf('keys-again', { id: { N: '7' } }), await noteOf('keys-again', { id: { N: '7.00' } })];

    // Assess
    expect(notes).toEqual(['number seven', 'number seven']);
  });
});

describe('dynalite’s item sizes measured once per kept row', () => {
  let engine: DynaliteEngine;
  let client: Client;

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    client = createAwsJsonClient('DynamoDB', engine.directTransport, {});
    await createActiveTable(client, 'sized', [['pk', 'S']]);
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('stops a BatchGetItem of rows read before where it stopped the first time (answers of ~1.4 MB at most)', async () => {
    // Prepare: five rows of ~390 KB; three fit in one of dynalite's answers.
    const keys = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const pk of keys) {
      await client.call('PutItem', { TableName: 'sized', Item: { pk: { S: pk }, body: { S: pk.repeat(195_000) }, n: { N: '12345.678' } } });
    }
    const batchGet = async () => {
      const { output } = await client.call('BatchGetItem', { RequestItems: { sized: { Keys: keys.map((pk) => ({ pk: { S: pk } })) } } });
      const found = (output.Responses as Record<string, { pk: { S: string } }[]>).sized ?? [];
      const left = (output.UnprocessedKeys as Record<string, { Keys: unknown[] } | undefined>).sized?.Keys ?? [];
      return { found: found.length, left: left.length };
    };
    const first = await batchGet();

    // Act
    const again = [await batchGet(), await batchGet()];

    // Assess
    expect(first).toEqual({ found: 3, left: 2 });
    expect(again).toEqual([first, first]);
  });
});
