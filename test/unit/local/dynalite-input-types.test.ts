import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkPlainInputTypes } from '../../../infra/local/dynalite-input-types.ts';
import { copyAsJson } from '../../../infra/local/json-copy.ts';

type Fields = Record<string, unknown>;

const require = createRequire(import.meta.url);
const { checkTypes } = require('dynalite/validations') as { checkTypes(data: Fields, types: Fields): Fields };
const typesOf = (operation: string) => (require(`dynalite/validations/${operation}`) as { types: Fields }).types;

/** dynalite's own check of the input's JSON copy: what the direct path ran for every request before. */
function dynalites(operation: string, input: object): Fields {
  return checkTypes(copyAsJson(input) as Fields, typesOf(operation));
}

/** The result as text with every object's keys in their order: equal text, equal keys, values and order. */
const asText = (value: unknown) => JSON.stringify(value);

const key = { pk: { S: 'story#42' }, sk: { N: '17' } };

/** Inputs as our client sends them (and JSON's view of some values), for the operations the stores use. */
const plainInputs: [operation: string, input: object][] = [
  [
    'getItem',
    { TableName: 'stories', Key: key, ConsistentRead: true, ProjectionExpression: '#a, b', ExpressionAttributeNames: { '#a': 'a' } },
  ],
  [
    'putItem',
    {
      TableName: 'stories',
      Item: {
        ...key,
        title: { S: 'Ceasefire – día 2' },
        tags: { SS: ['un', 'eu'] },
        counts: { NS: ['1', '2.5'] },
        raw: { B: 'AAEC' },
        chunks: { BS: ['AAEC', 'AwQ='] },
        flags: { M: { seen: { BOOL: false }, none: { NULL: true }, list: { L: [{ S: 'x' }, { M: {} }, { L: [] }] } } },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  ],
  [
    'updateItem',
    {
      TableName: 'stories',
      Key: key,
      UpdateExpression: 'SET #at = :at ADD hits :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': { N: '1796600000' }, ':one': { N: '1' } },
      ReturnValues: 'ALL_NEW',
      ReturnConsumedCapacity: 'TOTAL',
    },
  ],
  ['deleteItem', { TableName: 'stories', Key: key, ReturnValues: 'ALL_OLD' }],
  [
    'query',
    {
      TableName: 'stories',
      IndexName: 'byTopic',
      KeyConditionExpression: 'topic = :topic',
      FilterExpression: 'attribute_exists(title)',
      ExpressionAttributeValues: { ':topic': { S: 'un' } },
      ExclusiveStartKey: key,
      Limit: 25,
      ScanIndexForward: false,
      Select: 'ALL_ATTRIBUTES',
    },
  ],
  ['scan', { TableName: 'feeds', Limit: 100, Segment: 0, TotalSegments: 1, ConsistentRead: true }],
  [
    'batchGetItem',
    {
      RequestItems: {
        stories: {
          Keys: [key, { pk: { S: 'story#43' }, sk: { N: '1' } }],
          ConsistentRead: true,
          ProjectionExpression: '#p0',
          ExpressionAttributeNames: { '#p0': 'pk' },
        },
        feeds: { Keys: [{ url: { S: 'https://example.org/feed' } }] },
      },
      ReturnConsumedCapacity: 'INDEXES',
    },
  ],
  [
    'batchWriteItem',
    {
      RequestItems: {
        items: [{ PutRequest: { Item: { ...key, expires: { N: '1796600000' } } } }, { DeleteRequest: { Key: key } }],
      },
    },
  ],
  ['describeTable', { TableName: 'stories' }],
  ['listTables', {}],
  // What JSON leaves out or changes: undefined fields and entries go, undefined elements become null, -0 becomes 0.
  [
    'query',
    {
      TableName: 'stories',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'a', N: undefined }, ':gone': undefined },
      ExclusiveStartKey: undefined,
      Limit: -0,
      FilterExpression: null,
    },
  ],
  ['putItem', { TableName: 't', Item: { pk: { S: 'a' }, list: { L: [{ S: 'x' }, undefined, null] }, set: { SS: ['a', undefined] } } }],
  // Values out of order are given back in the type tree's order, as dynalite gives them.
  ['getItem', { Key: { pk: { N: '1', S: 'a' } }, ConsistentRead: false, TableName: 't' }],
  // Fields dynalite does not know are dropped, as it drops them.
  ['getItem', { TableName: 't', Key: { pk: { S: 'a', X: 'unknown' } }, NotAnInputField: 'dropped by dynalite', Other: 1 }],
  // Numbers floored for integer types, as dynalite does.
  ['query', { TableName: 't', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'a' } }, Limit: 2.7 }],
];

/** Inputs left to dynalite's own check: failing ones, ones with values to convert, and ones JSON would change otherwise. */
const leftToDynalite: [operation: string, input: object][] = [
  ['getItem', { TableName: 't', Key: { pk: { S: 1 } } }],
  ['getItem', { TableName: 't', Key: { pk: { N: '1' } }, ConsistentRead: 'true' }],
  ['getItem', { TableName: 't', Key: [{ pk: { S: 'a' } }] }],
  ['getItem', { TableName: 't', Key: { pk: 'a' } }],
  ['getItem', { TableName: 't', Key: { pk: { S: 'a', X: ['unknown'] } } }],
  ['getItem', { TableName: 't', Key: { pk: { S: 'a' } }, NotAnInputField: { S: 'dropped by dynalite' } }],
  ['getItem', { TableName: new Date('2030-01-01T00:00:00Z'), Key: { pk: { S: 'a' } } }],
  ['getItem', { TableName: 't', Key: { pk: { S: 'a' } }, Extra: 1n }],
  ['query', { TableName: 't', KeyConditionExpression: 'pk = :pk', Limit: Number.NaN }],
  ['query', { TableName: 't', KeyConditionExpression: 'pk = :pk', Limit: 'ten' }],
  ['putItem', { TableName: 't', Item: { pk: { B: 'AAE' } } }],
  ['putItem', { TableName: 't', Item: { pk: { B: 'AAF=' } } }],
  ['putItem', { TableName: 't', Item: { pk: { L: { 0: { S: 'a' } } } } }],
  ['putItem', { TableName: 't', Item: { pk: { S: 'a' }, m: { M: new Map() } } }],
  ['putItem', { TableName: 't', Item: { pk: { S: 'a' }, at: { toJSON: () => ({ S: 'a' }) } } }],
  ['putItem', Object.defineProperty({ Item: { pk: { S: 'a' } } }, 'TableName', { value: 'hidden', enumerable: false })],
];

describe('checkPlainInputTypes', () => {
  it('gives what dynalite’s check gives for the input’s JSON copy: the same values, keys and key order', () => {
    for (const [operation, input] of plainInputs) {
      // Act
      const checked = checkPlainInputTypes(input, typesOf(operation));

      // Assess
      expect(checked, operation).toBeDefined();
      expect(checked, operation).toStrictEqual(dynalites(operation, input));
      expect(asText(checked), operation).toBe(asText(dynalites(operation, input)));
    }
  });

  it('leaves the input as it is and shares no object with it', () => {
    for (const [operation, input] of plainInputs) {
      // Prepare
      const before = structuredClone(input);
      const objects = new Set<unknown>();
      const collect = (value: unknown) => {
        if (typeof value !== 'object' || value === null) return;
        objects.add(value);
        for (const item of Object.values(value)) collect(item);
      };
      collect(input);

      // Act
      const checked = checkPlainInputTypes(input, typesOf(operation));

      // Assess
      expect(input, operation).toStrictEqual(before);
      const shared: unknown[] = [];
      const find = (value: unknown) => {
        if (typeof value !== 'object' || value === null) return;
        if (objects.has(value)) shared.push(value);
        for (const item of Object.values(value)) find(item);
      };
      find(checked);
      expect(shared, operation).toEqual([]);
    }
  });

  it('leaves to dynalite’s own check every input that fails it, has a value to convert or is not plain JSON data', () => {
    for (const [operation, input] of leftToDynalite) {
      // Act
      const checked = checkPlainInputTypes(input, typesOf(operation));

      // Assess
      expect(checked, `${operation} ${String(Object.keys(input))}`).toBeUndefined();
    }
  });
});
