import { describe, expect, it } from 'vitest';
import { takenAsItIs } from '../../../shared/feeds/news-item-check.ts';
import { normalizeEntries, normalizeItems } from '../../../shared/feeds/normalize-item.ts';
import { type NewsItem, newsItemSchema } from '../../../shared/messages/schemas.ts';

/**
 * `takenAsItIs` against `newsItemSchema` itself: whenever the check takes an item, zod takes it
 * too and returns an equal one (same keys, same order). A check loosened past the schema takes an
 * item of the wrong-type table below, and fails here.
 */

const context = { feedId: 'world-desk', feedUrl: 'https://news.example.org/feeds/world.xml', source: 'World Desk' };

/** Items as the normalizer builds them (one with every field, one with every nullable field null). */
const built = normalizeItems(
  normalizeEntries(
    {
      format: 'rss2',
      entries: [
        {
          guid: 'urn:world:1',
          title: 'Security Council meets on <b>ceasefire</b>',
          summary: '<p>Envoys met in New York on Friday.</p>',
          link: '/world/ceasefire?utm_source=rss',
          published: '2030-01-03T10:00:00.000Z',
          authors: ['Jane Roe <jane@example.org>'],
          categories: ['World', 'Diplomacy'],
        },
        { title: 'Headline only', authors: [], categories: [] },
      ],
    },
    context.feedUrl,
  ),
  context,
).items;

const valid: NewsItem = {
  itemKey: 'world-desk#0123456789abcdef0123456789abcdef',
  feedId: 'world-desk',
  source: 'World Desk',
  guid: 'urn:world:1',
  link: 'https://news.example.org/world/ceasefire',
  title: 'Security Council meets on ceasefire',
  summary: 'Envoys met in New York on Friday.',
  published: '2030-01-03T10:00:00.000Z',
  author: 'Jane Roe',
  categories: ['World', 'Diplomacy'],
};

/** A list with an empty slot before `entries` (read as undefined). */
function withHole(entries: string[]): string[] {
  const list = new Array<string>(1);
  list.push(...entries);
  return list;
}

/** Values of each field that zod refuses, or returns changed (the check must not take any of them). */
const notTaken: Record<keyof NewsItem, unknown[]> = {
  itemKey: ['', 'k'.repeat(513), 5, null, ['world-desk#1']],
  feedId: ['', 5, null],
  source: [5, null, undefined],
  guid: [5, undefined, {}],
  link: ['not a url', ' https://news.example.org/a', 'https://news.example.org/a\n', 'https://news.\texample.org/a', 'https://a .b', 5, ''],
  title: [5, null, ['a']],
  summary: [null, 5],
  published: [
    '2030-02-30T10:00:00.000Z',
    '2029-02-29T10:00:00.000Z',
    '2030-01-03T24:00:00.000Z',
    '2030-01-03T10:60:00.000Z',
    '2030-01-03 10:00:00.000Z',
    '2030-01-03',
    '+020000-01-01T00:00:00.000Z',
    'Fri, 03 Jan 2030 10:00:00 GMT',
    '',
    5,
    new Date('2030-01-03T10:00:00.000Z'),
  ],
  author: [5, ['Jane']],
  categories: ['World', [5], ['World', null], [undefined, 'World'], withHole(['World']), new Set(['World']), null],
};

/** Values zod takes as they are, beyond those above (the check may leave some to zod). */
const alsoValid: Partial<Record<keyof NewsItem, unknown[]>> = {
  itemKey: ['k', 'k'.repeat(512)],
  feedId: ['f'],
  source: [''],
  guid: [null, ''],
  link: [null, 'mailto:desk@example.org', 'https://news.example.org/a%20b'],
  title: [''],
  summary: [''],
  published: [null, '2028-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z', '2030-01-03T10:00:00Z', '2030-01-03T11:00:00.000+01:00'],
  author: [null, ''],
  categories: [[]],
};

interface Case {
  name: string;
  item: unknown;
}

function cases(): Case[] {
  const list: Case[] = [
    ...built.map((item, index) => ({ name: `built by the normalizer (${index})`, item })),
    { name: 'valid', item: valid },
    { name: 'with an extra field', item: { ...valid, extra: 'x' } },
    { name: 'with an extra field first', item: { extra: 'x', ...valid } },
    { name: 'in another order', item: Object.fromEntries(Object.entries(valid).reverse()) },
  ];
  for (const name of Object.keys(valid) as (keyof NewsItem)[]) {
    const { [name]: _left, ...without } = valid;
    list.push({ name: `without ${name}`, item: without });
    list.push({ name: `with ${name} undefined`, item: { ...valid, [name]: undefined } });
    for (const value of notTaken[name]) list.push({ name: `with ${name} = ${String(value)}`, item: { ...valid, [name]: value } });
    for (const value of alsoValid[name] ?? []) list.push({ name: `with ${name} = ${String(value)}`, item: { ...valid, [name]: value } });
  }
  return list;
}

/** What `toNewsItem` does with a candidate: itself when taken as it is, else zod's result. */
function read(item: unknown): { value: unknown } | { issues: unknown } {
  if (takenAsItIs(item as NewsItem)) return { value: item };
  const result = newsItemSchema.safeParse(item);
  return result.success ? { value: result.data } : { issues: result.error.issues };
}

function byZod(item: unknown): { value: unknown } | { issues: unknown } {
  const result = newsItemSchema.safeParse(item);
  return result.success ? { value: result.data } : { issues: result.error.issues };
}

describe('takenAsItIs', () => {
  it.each(cases())('agrees with newsItemSchema: $name', ({ item }) => {
    // Act
    const outcome = read(item);

    // Assess
    const expected = byZod(item);
    expect(outcome).toStrictEqual(expected);
    if ('value' in outcome && 'value' in expected) {
      expect(Object.keys(outcome.value as object)).toEqual(Object.keys(expected.value as object));
    }
  });

  it('takes the items the normalizer builds, and the valid one, without zod', () => {
    // Act
    const taken = [...built, valid].map((item) => takenAsItIs(item));

    // Assess
    expect(built).toHaveLength(2);
    expect(built[1]).toMatchObject({ guid: null, link: null, published: null, author: null, categories: [] });
    expect(taken).toEqual([true, true, true]);
  });

  it('takes no value zod refuses or changes', () => {
    // Act
    const taken = (Object.keys(notTaken) as (keyof NewsItem)[]).flatMap((name) =>
      notTaken[name].filter((value) => takenAsItIs({ ...valid, [name]: value })).map((value) => `${name} = ${String(value)}`),
    );

    // Assess
    expect(taken).toEqual([]);
  });
});
