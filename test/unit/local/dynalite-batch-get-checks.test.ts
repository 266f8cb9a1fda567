import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { batchGetChecks, type DynaliteExpressionChecks, type OperationChecks } from '../../../infra/local/dynalite-batch-get-checks.ts';

type Fields = Record<string, unknown>;

const require = createRequire(import.meta.url);
const validations = require('dynalite/validations') as DynaliteExpressionChecks & { checkTypes(data: Fields, types: Fields): Fields };
const batchGetItem = require('dynalite/validations/batchGetItem') as { types: Fields; custom: OperationChecks };
const checks = batchGetChecks(batchGetItem.custom, validations);

/** The request as dynalite's own checks get it: type-checked, a fresh one for each run (they change it). */
const checked = (requestItems: Fields) => validations.checkTypes({ RequestItems: structuredClone(requestItems) }, batchGetItem.types);

const s = (text: string) => ({ S: text });
const keys = (count: number, prefix = 'k') => Array.from({ length: count }, (_, i) => ({ pk: s(`${prefix}${i}`) }));

const cases: [name: string, requestItems: Fields][] = [
  ['keys of one string', { stories: { Keys: keys(40), ConsistentRead: true } }],
  [
    'keys of two strings, a projection with names',
    {
      stories: {
        Keys: [
          { pk: s('a'), sk: s('b') },
          { sk: s('a'), pk: s('b') },
        ],
        ProjectionExpression: '#p0, #p1',
        ExpressionAttributeNames: { '#p0': 'pk', '#p1': 'sk' },
      },
    },
  ],
  ['two tables', { stories: { Keys: keys(50) }, feeds: { Keys: keys(50) } }],
  ['empty and unicode strings', { stories: { Keys: [{ pk: s('') }, { pk: s('día – ✓') }, { pk: s('😀') }] } }],
  ['the same key twice', { stories: { Keys: [{ pk: s('a') }, { pk: s('b') }, { pk: s('a') }] } }],
  ['the same values under other names', { stories: { Keys: [{ pk: s('a') }, { other: s('a') }] } }],
  [
    'the same values, names in another order',
    {
      stories: {
        Keys: [
          { pk: s('a'), sk: s('b') },
          { sk: s('b'), pk: s('a') },
        ],
      },
    },
  ],
  [
    'values that only differ in how they split',
    {
      stories: {
        Keys: [
          { pk: s('ab'), sk: s('c') },
          { pk: s('a'), sk: s('bc') },
        ],
      },
    },
  ],
  ['more than 100 keys in all', { stories: { Keys: keys(60) }, feeds: { Keys: keys(41, 'f') } }],
  ['a duplicate in the second table after 100 keys', { stories: { Keys: keys(100) }, feeds: { Keys: [{ pk: s('x') }, { pk: s('x') }] } }],
  ['names without an expression', { stories: { Keys: keys(2), ExpressionAttributeNames: { '#a': 'a' } } }],
  ['a projection that does not parse', { stories: { Keys: keys(2), ProjectionExpression: 'a,, b' } }],
  [
    'a name the projection does not use',
    { stories: { Keys: keys(2), ProjectionExpression: 'a', ExpressionAttributeNames: { '#b': 'b' } } },
  ],
  ['numbers that are the same number', { stories: { Keys: [{ pk: { N: '1' } }, { pk: { N: '1.0' } }] } }],
  ['lone surrogates that are the same bytes', { stories: { Keys: [{ pk: s('\uD800') }, { pk: s('\uD801') }] } }],
  ['a value of two types', { stories: { Keys: [{ pk: { S: 'a', N: '1' } }] } }],
  ['AttributesToGet with a duplicate', { stories: { Keys: keys(2), AttributesToGet: ['a', 'a'] } }],
  ['an empty key', { stories: { Keys: [{}, { pk: s('') }] } }],
];

describe('batchGetChecks', () => {
  it('answers every request as dynalite’s own checks do: the same message, or none', () => {
    for (const [name, requestItems] of cases) {
      // Act
      const ours = checks(checked(requestItems), {});
      const dynalites = batchGetItem.custom(checked(requestItems), {});

      // Assess
      expect(ours, name).toBe(dynalites);
    }
  });

  it('finds duplicates (by value, whatever the names) and too many keys, as dynalite words them', () => {
    // Act
    const messages = ['the same key twice', 'the same values under other names', 'more than 100 keys in all', 'keys of one string'].map(
      (name) => checks(checked(cases.find(([caseName]) => caseName === name)?.[1] ?? {}), {}),
    );

    // Assess
    expect(messages).toEqual([
      'Provided list of item keys contains duplicates',
      'Provided list of item keys contains duplicates',
      'Too many items requested for the BatchGetItem call',
      undefined,
    ]);
  });
});
