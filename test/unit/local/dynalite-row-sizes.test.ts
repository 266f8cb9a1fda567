import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { useKeptRowSizes } from '../../../infra/local/dynalite-row-sizes.ts';

type Item = Record<string, Record<string, unknown>>;

const require = createRequire(import.meta.url);
const db = require('dynalite/db') as { itemSize(item: Item, ...rest: unknown[]): number };
// dynalite's own measure, taken before the hook replaces it.
const dynalites = db.itemSize;
useKeptRowSizes();

const numbers = [
  '0',
  '-0',
  '0.000',
  '7',
  '-7',
  '10',
  '100',
  '12300',
  '123.45',
  '-123.450',
  '0.05',
  '.5',
  '5.',
  '1e5',
  '1E-5',
  '-2.5e+3',
  '0.00012e3',
  '99999999999999999999999999999999999999',
  '1.0000000000000000000000000000000000001',
  '-0.1',
];

const items: Item[] = [
  ...numbers.map((n) => ({ pk: { S: `n${n}` }, value: { N: n } })),
  { pk: { S: 'sets' }, tags: { SS: ['a', 'día', ''] }, counts: { NS: numbers } },
  {
    pk: { S: 'nested' },
    flags: { M: { seen: { BOOL: false }, none: { NULL: true }, list: { L: [{ S: 'x' }, { M: {} }, { L: [] }, { N: '-4.20' }] } } },
  },
  { pk: { S: 'bytes' }, raw: { B: 'AAEC' }, chunks: { BS: ['AAEC', 'AwQ='] } },
  { pk: { S: 'odd' }, value: { X: 'unknown type' } },
  { pk: { S: 'empty' }, value: {} },
  { pk: { S: 'not a number big.js reads' }, value: { N: '1e' } },
];

/** A measure's size, or the message it fails with. */
function outcome(measure: () => number): number | string {
  try {
    return measure();
  } catch (error) {
    return (error as Error).message;
  }
}

describe('dynalite’s item sizes, measured by the hook', () => {
  it('gives dynalite’s size for every kind of value, numbers in each form', () => {
    for (const item of items) {
      const expected = outcome(() => dynalites(structuredClone(item)));
      expect(
        outcome(() => db.itemSize(structuredClone(item))),
        JSON.stringify(item),
      ).toStrictEqual(expected);
    }
  });

  it("gives dynalite's size for a frozen row (the path whose size is kept), and leaves the other forms of the call to dynalite", () => {
    const row = Object.freeze({ pk: { S: 'kept' }, value: { N: '123.45' } }) as Item;
    expect(db.itemSize(row)).toBe(dynalites(row));
    expect(db.itemSize(row)).toBe(dynalites(row));
    expect(db.itemSize(structuredClone(row), true, true, 'pk')).toBe(dynalites(structuredClone(row), true, true, 'pk'));
  });
});
