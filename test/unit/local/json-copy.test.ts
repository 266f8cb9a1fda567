import { describe, expect, it } from 'vitest';
import { copyAsJson } from '../../../infra/local/json-copy.ts';

/** The reference: what the JSON text would parse back to. */
const roundTrip = (value: object): unknown => JSON.parse(JSON.stringify(value));

describe('copyAsJson', () => {
  it('gives what a JSON round trip gives, values dropped, nulled and converted alike', () => {
    // Prepare
    const value = {
      S: 'Ceasefire talks – día 2 \u2028 "quoted"',
      N: '12.50',
      BOOL: false,
      NULL: true,
      count: 3,
      negativeZero: -0,
      notANumber: Number.NaN,
      infinite: Number.POSITIVE_INFINITY,
      missing: undefined,
      fn: () => 1,
      symbol: Symbol('s'),
      nothing: null,
      list: [1, undefined, () => 2, Symbol('t'), Number.NaN, { deep: [true, null, { S: 'x' }] }],
      when: new Date('2030-01-02T03:04:05.000Z'),
      bytes: Buffer.from([1, 2, 3]),
      custom: { toJSON: () => ({ as: 'json' }) },
      vanishing: { toJSON: () => undefined },
      bare: Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: undefined }),
      '10': 'integer-like keys first',
      [Symbol('key')]: 'symbol keys are not JSON',
    };

    // Act
    const copy = copyAsJson(value);

    // Assess
    expect(copy).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(Object.is((copy as { negativeZero: number }).negativeZero, 0)).toBe(true);
  });

  it('keeps an attribute named __proto__ as an own property, as JSON.parse does', () => {
    // Prepare
    const value = JSON.parse('{"Item":{"__proto__":{"S":"odd but legal"},"pk":{"S":"a"}}}') as object;

    // Act
    const copy = copyAsJson(value) as { Item: Record<string, unknown> };

    // Assess
    expect(Object.getPrototypeOf(copy.Item)).toBe(Object.prototype);
    expect(Object.keys(copy.Item)).toEqual(['__proto__', 'pk']);
    expect(copy).toStrictEqual(roundTrip(value));
  });

  it('shares no object with the original: changing the copy leaves it as it was', () => {
    // Prepare
    const value = { Items: [{ pk: { S: 'a' }, tags: { SS: ['x'] } }], Count: 1 };
    const before = structuredClone(value);

    // Act
    const copy = copyAsJson(value) as typeof value;
    copy.Items[0]!.pk.S = 'changed';
    copy.Items[0]!.tags.SS.push('y');
    copy.Items.push({ pk: { S: 'b' }, tags: { SS: [] } });

    // Assess
    expect(value).toEqual(before);
  });

  it('hands a frozen object over as it is when asked to share frozen ones, and copies the rest', () => {
    // Prepare
    const row = Object.freeze({ pk: Object.freeze({ S: 'a' }), tags: Object.freeze({ SS: Object.freeze(['x']) }) });
    const value = { Responses: { t: [row, { pk: { S: 'b' } }] }, Count: 2 };

    // Act
    const shared = copyAsJson(value, true) as typeof value;
    const copied = copyAsJson(value) as typeof value;

    // Assess
    expect(shared).toStrictEqual(roundTrip(value));
    expect(shared.Responses.t[0]).toBe(row);
    expect(shared.Responses.t[1]).not.toBe(value.Responses.t[1]);
    expect(shared.Responses).not.toBe(value.Responses);
    expect(copied.Responses.t[0]).not.toBe(row);
    expect(copied.Responses.t[0]).toStrictEqual(roundTrip(row));
  });

  it('refuses what JSON refuses: a BigInt, and a value that serializes to nothing', () => {
    // Act
    const bigint = () => copyAsJson({ n: 1n });
    const nothing = () => copyAsJson({ toJSON: () => undefined });

    // Assess
    expect(bigint).toThrow(TypeError);
    expect(bigint).toThrow(/BigInt/);
    expect(nothing).toThrow(TypeError);
  });
});
