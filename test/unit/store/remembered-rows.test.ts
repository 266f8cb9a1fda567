import { describe, expect, it } from 'vitest';
import { rememberedRows } from '../../../shared/store/dynamodb/remembered-rows.ts';

const names = ['title', 'terms'];
const row = (title: string, terms: string[] = ['a', 'b']) => ({ title, terms, extra: 'not compared' });

describe('remembered rows', () => {
  it('gives the remembered value back while the compared fields are equal, lists entry by entry', () => {
    // Prepare
    const rows = rememberedRows<{ id: number }>({ names, max: 4, whenFull: 'drop-all' });
    const value = { id: 1 };
    rows.remember('k', value, row('Quake'));

    // Act
    const recalled = [
      rows.recall('k', { ...row('Quake'), extra: 'other' }),
      rows.recall('k', row('Quake', ['a', 'c'])),
      rows.recall('k', row('Quake', ['a'])),
      rows.recall('k', row('Flood')),
      rows.recall('other', row('Quake')),
    ];

    // Assess
    expect(recalled[0]).toBe(value);
    expect(recalled.slice(1)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('when full, drops the least recently read (a value read again is kept)', () => {
    // Prepare
    const rows = rememberedRows<number>({ names, max: 2, whenFull: 'drop-least-recent' });
    rows.remember('a', 1, row('A'));
    rows.remember('b', 2, row('B'));
    rows.recall('a', row('A'));

    // Act
    rows.remember('c', 3, row('C'));

    // Assess
    expect([rows.recall('a', row('A')), rows.recall('b', row('B')), rows.recall('c', row('C'))]).toEqual([1, undefined, 3]);
  });

  it('when full, drops every value with drop-all', () => {
    // Prepare
    const rows = rememberedRows<number>({ names, max: 2, whenFull: 'drop-all' });
    rows.remember('a', 1, row('A'));
    rows.remember('b', 2, row('B'));
    rows.recall('a', row('A'));

    // Act
    rows.remember('c', 3, row('C'));

    // Assess
    expect([rows.recall('a', row('A')), rows.recall('b', row('B')), rows.recall('c', row('C'))]).toEqual([undefined, undefined, 3]);
  });

  it('replaces a value remembered under the same key without dropping another', () => {
    // Prepare
    const rows = rememberedRows<number>({ names, max: 2, whenFull: 'drop-least-recent' });
    rows.remember('a', 1, row('A'));
    rows.remember('b', 2, row('B'));

    // Act
    rows.remember('b', 20, row('B2'));

    // Assess
    expect([rows.recall('b', row('B')), rows.recall('b', row('B2')), rows.recall('a', row('A'))]).toEqual([undefined, 20, 1]);
  });
});
