import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { passesDeclaredValidations } from '../../../infra/local/dynalite-input-validations.ts';

type Fields = Record<string, unknown>;

const require = createRequire(import.meta.url);
const { checkTypes, checkValidations } = require('dynalite/validations') as {
  checkTypes(data: Fields, types: Fields): Fields;
  checkValidations(data: Fields, types: Fields, custom: undefined, store: object): void;
};
const typesOf = (operation: string) => (require(`dynalite/validations/${operation}`) as { types: Fields }).types;

/** Whether dynalite's own declared validations (its `custom` ones left out) pass the type-checked input. */
function dynalitePasses(data: Fields, types: Fields): boolean {
  try {
    checkValidations(data, types, undefined, {});
    return true;
  } catch {
    return false;
  }
}

const key = { pk: { S: 'story#42' } };
const keys = (count: number) => Array.from({ length: count }, (_, i) => ({ pk: { S: `k${i}` } }));
const puts = (count: number) => Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${i}` } } } }));

/** Inputs that pass, then ones that fail each kind of declared validation. */
const cases: [operation: string, input: Fields, passes: boolean][] = [
  ['getItem', { TableName: 'stories', Key: key, ConsistentRead: true, ProjectionExpression: 'a' }, true],
  [
    'updateItem',
    {
      TableName: 'stories',
      Key: key,
      UpdateExpression: 'SET a = :a',
      ExpressionAttributeValues: { ':a': { S: 'x' } },
      ReturnValues: 'ALL_NEW',
    },
    true,
  ],
  ['query', { TableName: 'stories', IndexName: 'byTopic', KeyConditionExpression: 'a = :a', Limit: 25, Select: 'ALL_ATTRIBUTES' }, true],
  ['scan', { TableName: 'stories', Segment: 1, TotalSegments: 4 }, true],
  ['batchGetItem', { RequestItems: { stories: { Keys: keys(100) }, 'feeds.v2_x-y': { Keys: keys(1) } } }, true],
  ['batchWriteItem', { RequestItems: { items: puts(25) }, ReturnConsumedCapacity: 'TOTAL' }, true],
  [
    'createTable',
    {
      TableName: 'stories',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    true,
  ],
  // Required and table names.
  ['getItem', { Key: key }, false],
  ['getItem', { TableName: 'ab', Key: key }, false],
  ['getItem', { TableName: 'x'.repeat(256), Key: key }, false],
  // Patterns, enums and numbers.
  ['getItem', { TableName: 'stories!', Key: key }, false],
  ['updateItem', { TableName: 'stories', Key: key, ReturnValues: 'EVERYTHING' }, false],
  ['query', { TableName: 'stories', Limit: 0 }, false],
  ['query', { TableName: 'stories', IndexName: 'ab' }, false],
  ['scan', { TableName: 'stories', Segment: -1, TotalSegments: 4 }, false],
  // Lists, maps, their keys and their values.
  ['batchGetItem', { RequestItems: {} }, false],
  ['batchGetItem', { RequestItems: { stories: { Keys: keys(101) } } }, false],
  ['batchGetItem', { RequestItems: { stories: { Keys: [] } } }, false],
  ['batchGetItem', { RequestItems: { ab: { Keys: keys(1) } } }, false],
  ['batchGetItem', { RequestItems: { 'stor ies': { Keys: keys(1) } } }, false],
  ['batchWriteItem', { RequestItems: { items: puts(26) } }, false],
  ['batchWriteItem', { RequestItems: { items: [] } }, false],
  ['batchWriteItem', { RequestItems: { items: [{ PutRequest: {} }] } }, false],
  [
    'createTable',
    {
      TableName: 'stories',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'X' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    },
    false,
  ],
];

describe('passesDeclaredValidations', () => {
  it('passes exactly the inputs dynalite’s declared validations pass', () => {
    for (const [operation, input, expected] of cases) {
      // Prepare
      const types = typesOf(operation);
      const data = checkTypes(structuredClone(input), types);

      // Act
      const passes = passesDeclaredValidations(data, types);

      // Assess
      expect(dynalitePasses(data, types), `dynalite, ${operation} ${JSON.stringify(input).slice(0, 80)}`).toBe(expected);
      expect(passes, `${operation} ${JSON.stringify(input).slice(0, 80)}`).toBe(expected);
    }
  });
});
