import { marshall as sdkMarshall, unmarshall as sdkUnmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../../../shared/store/dynamodb/commands.ts';
import { MarshallError, marshallItem, unmarshallItem, type WireItem } from '../../../shared/store/dynamodb/marshall.ts';
import { toStoreError } from '../../../shared/store/dynamodb/store-error.ts';

/** The SDK's document client as ours was configured: the reference for every value we write. */
const sdkOptions = { removeUndefinedValues: true, convertEmptyValues: false } as const;

/** The SDK's wire form with bytes as base64, as the JSON protocol carries them. */
function sdkWire(item: Record<string, unknown>): unknown {
  return JSON.parse(
    JSON.stringify(sdkMarshall(item, sdkOptions), (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
    ),
  );
}

const row = {
  feedId: 'f-1',
  empty: '',
  count: 42,
  ratio: -0.125,
  big: 12345678901234567890n,
  active: true,
  off: false,
  nothing: null,
  missing: undefined,
  topics: new Set(['a', 'b']),
  scores: new Set([1, 2.5]),
  blobs: new Set([new Uint8Array([1, 2]), new Uint8Array([3])]),
  bytes: new Uint8Array([0, 255, 7]),
  list: ['x', 1, undefined, { deep: [true, null] }],
  map: { nested: { value: 'v', skipped: undefined }, emptyList: [], emptyMap: {} },
};

describe('marshalling (as the SDK document client with removeUndefinedValues)', () => {
  it('writes every kind of value exactly as the SDK does', () => {
    expect(marshallItem(row)).toEqual(sdkWire(row));
  });

  it('reads back what it wrote, numbers as numbers, sets as Sets, bytes as Uint8Array', () => {
    const back = unmarshallItem(marshallItem(row));
    const { missing: _missing, ...withoutUndefined } = row;
    expect(back).toEqual({
      ...withoutUndefined,
      list: ['x', 1, { deep: [true, null] }],
      map: { nested: { value: 'v' }, emptyList: [], emptyMap: {} },
    });
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(typeof back.count).toBe('number');
  });

  it('reads the wire form as the SDK document client does (wrapNumbers off)', () => {
    const wire: WireItem = {
      n: { N: '10' },
      f: { N: '3.25' },
      huge: { N: '98765432109876543210' },
      ns: { NS: ['1', '2'] },
      ss: { SS: ['x'] },
      m: { M: { l: { L: [{ S: 's' }, { NULL: true }, { BOOL: false }] } } },
    };
    expect(unmarshallItem(wire)).toEqual(sdkUnmarshall(wire as never, { wrapNumbers: false }));
  });

  it('refuses what DynamoDB cannot hold, naming the attribute', () => {
    expect(() => marshallItem({ tags: new Set() })).toThrow(
      new MarshallError('marshalling failed: DynamoDB refuses an empty set (attribute tags)'),
    );
    expect(() => marshallItem({ n: Number.NaN })).toThrow(/NaN is not a DynamoDB number \(attribute n\)/);
    expect(() => marshallItem({ n: 2 ** 60 })).toThrow(/past 2\^53, pass a bigint .*\(attribute n\)/);
    expect(() => marshallItem({ when: new Date(0) })).toThrow(/a Date is not a DynamoDB value \(attribute when\)/);
    expect(() => marshallItem({ mixed: new Set(['a', 1]) })).toThrow(/a set mixes member types \(attribute mixed\)/);
  });

  it('makes a store error that is not retried: the same value would be refused again', () => {
    let refused: unknown;
    try {
      marshallItem({ tags: new Set() });
    } catch (error) {
      refused = error;
    }
    expect(toStoreError(refused, { table: 'stories', operation: 'place' })).toMatchObject({ retryable: false });
    expect(toStoreError(new Error('socket hang up'), { table: 'stories', operation: 'place' })).toMatchObject({ retryable: true });
  });
});

describe('commands', () => {
  it('put the keys, items, values and start keys of their input in wire form, the rest as given', () => {
    expect(new GetCommand({ TableName: 't', Key: { id: 'a' }, ConsistentRead: true }).toWire()).toEqual({
      TableName: 't',
      Key: { id: { S: 'a' } },
      ConsistentRead: true,
    });
    expect(
      new UpdateCommand({
        TableName: 't',
        Key: { id: 'a' },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':n': 1, ':gone': undefined },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }).toWire(),
    ).toEqual({
      TableName: 't',
      Key: { id: { S: 'a' } },
      UpdateExpression: 'SET #n = :n',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':n': { N: '1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(new PutCommand({ TableName: 't', Item: { id: 'a', x: undefined } }).toWire()).toEqual({
      TableName: 't',
      Item: { id: { S: 'a' } },
    });
    expect(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': 'a' },
        ExclusiveStartKey: { id: 'a', n: 2 },
      }).toWire(),
    ).toEqual({
      TableName: 't',
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: 'a' } },
      ExclusiveStartKey: { id: { S: 'a' }, n: { N: '2' } },
    });
    expect(
      new BatchWriteCommand({
        RequestItems: { t: [{ PutRequest: { Item: { id: 'a' } } }, { DeleteRequest: { Key: { id: 'b' } } }] },
      }).toWire(),
    ).toEqual({ RequestItems: { t: [{ PutRequest: { Item: { id: { S: 'a' } } } }, { DeleteRequest: { Key: { id: { S: 'b' } } } }] } });
    expect(new BatchGetCommand({ RequestItems: { t: { Keys: [{ id: 'a' }], ConsistentRead: true } } }).toWire()).toEqual({
      RequestItems: { t: { Keys: [{ id: { S: 'a' } }], ConsistentRead: true } },
    });
  });

  it('read the items, keys and attributes of an answer as plain values, leaving the rest as sent', () => {
    expect(new GetCommand({ TableName: 't', Key: { id: 'a' } }).fromWire({})).toEqual({});
    expect(new UpdateCommand({ TableName: 't', Key: { id: 'a' } }).fromWire({ Attributes: { hits: { N: '3' } } })).toEqual({
      Attributes: { hits: 3 },
    });
    expect(
      new QueryCommand({ TableName: 't' }).fromWire({
        Items: [{ id: { S: 'a' } }],
        Count: 1,
        ScannedCount: 1,
        LastEvaluatedKey: { id: { S: 'a' } },
      }),
    ).toEqual({ Items: [{ id: 'a' }], Count: 1, ScannedCount: 1, LastEvaluatedKey: { id: 'a' } });
    expect(
      new BatchGetCommand({ RequestItems: {} }).fromWire({
        Responses: { t: [{ id: { S: 'a' } }] },
        UnprocessedKeys: { t: { Keys: [{ id: { S: 'b' } }], ConsistentRead: true } },
      }),
    ).toEqual({ Responses: { t: [{ id: 'a' }] }, UnprocessedKeys: { t: { Keys: [{ id: 'b' }], ConsistentRead: true } } });
    expect(
      new BatchWriteCommand({ RequestItems: {} }).fromWire({
        UnprocessedItems: { t: [{ PutRequest: { Item: { id: { S: 'a' } } } }, { DeleteRequest: { Key: { id: { S: 'b' } } } }] },
      }),
    ).toEqual({ UnprocessedItems: { t: [{ PutRequest: { Item: { id: 'a' } } }, { DeleteRequest: { Key: { id: 'b' } } }] } });
  });
});
