import { describe, expect, it } from 'vitest';
import { parseFingerprintRow } from '../../../shared/store/dynamodb/fingerprint-row.ts';
import { parseRow } from '../../../shared/store/dynamodb/rows.ts';
import {
  alertedRowSchema,
  indexHeadSchema,
  parseAlertedRow,
  parseIndexHead,
  parseStoryHead,
  storyHeadSchema,
} from '../../../shared/store/dynamodb/story-rows.ts';
import type { StoreCallContext } from '../../../shared/store/dynamodb/store-error.ts';
import { storyFingerprintSchema } from '../../../shared/store/records.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';

/**
 * Each fast path that reads a row without zod (shared/core/checked-fields.ts) against its
 * own schema: for every row of a table (valid ones, each field absent, absent but present as
 * undefined, of each wrong type, extra attributes, older rows), what the fast path returns equals
 * what `parseRow(schema, …)` returns, in the same key order, or it throws the same error. A check
 * loosened past its schema returns a row where zod throws, and fails here.
 */

const context: StoreCallContext = { table: 'stories', operation: 'readStory', key: 'storyKey=story#a' };

interface Case {
  name: string;
  row: unknown;
}

/**
 * Rows around a valid one: each field absent and present as undefined, each wrong value, extra
 * attributes, the fields in another order, and the `more` rows given.
 */
function rowsAround(valid: Record<string, unknown>, wrong: Record<string, unknown[]>, more: Case[] = []): Case[] {
  const list: Case[] = [
    { name: 'valid', row: valid },
    { name: 'with extra attributes', row: { extra: 'x', ...valid, 'm:feed#1': { itemKey: 'feed#1' }, role: 'founder' } },
    { name: 'in another order', row: Object.fromEntries(Object.entries(valid).reverse()) },
    { name: 'not an object', row: 'row' },
    { name: 'a list', row: [valid] },
    { name: 'a list holding the fields', row: Object.assign([], valid) },
    { name: 'null', row: null },
    ...more,
  ];
  for (const name of Object.keys(valid)) {
    const { [name]: _left, ...without } = valid;
    list.push({ name: `without ${name}`, row: without });
    list.push({ name: `with ${name} undefined`, row: { ...valid, [name]: undefined } });
    for (const value of wrong[name] ?? []) list.push({ name: `with ${name} = ${describe_(value)}`, row: { ...valid, [name]: value } });
  }
  return list;
}

function describe_(value: unknown): string {
  if (value instanceof Set) return `Set(${[...value].map(String).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

type Outcome = { value: unknown } | { error: string };

function outcome(read: () => unknown): Outcome {
  try {
    return { value: read() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** The fast path's outcome equals zod's, keys in the same order. */
function expectSame(fast: Outcome, byZod: Outcome): void {
  expect(fast).toStrictEqual(byZod);
  if ('value' in fast && 'value' in byZod) expect(Object.keys(fast.value as object)).toEqual(Object.keys(byZod.value as object));
}

/** Integer fields (`z.number().check(z.int())`): values zod refuses. */
const notIntegers = [1.5, '1', Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53), null, true, 10n];

describe('story heads read without zod', () => {
  const head = {
    storyKey: 'story#feed#a',
    storyId: 'feed#a',
    role: 'founder',
    createdAt: '2030-01-03T10:05:00.000Z',
    lastAt: 1_893_664_800,
    expiresAt: 1_894_874_400,
    unlistedMembers: 2,
  };
  const rows = rowsAround(
    head,
    {
      storyKey: ['alerted#feed#a', 'feed#a', 'story', 'stories#feed#a', 'Story#feed#a', '', 5, null],
      storyId: ['', 5, null],
      createdAt: ['', 5, null],
      lastAt: notIntegers,
      expiresAt: notIntegers,
      unlistedMembers: [-1, 0.5, '2', null, ...notIntegers],
    },
    [
      { name: 'older, without unlistedMembers', row: { ...head, unlistedMembers: undefined } },
      { name: 'older, with its alerted topics', row: { ...head, alertedTopics: new Set(['quakes', 'un']) } },
      { name: 'with no alerted topics', row: { ...head, alertedTopics: new Set() } },
      { name: 'with alerted topics not a set', row: { ...head, alertedTopics: ['quakes'] } },
      { name: 'with alerted topics holding a number', row: { ...head, alertedTopics: new Set(['quakes', 5]) } },
      { name: 'with alerted topics null', row: { ...head, alertedTopics: null } },
      { name: 'with unlistedMembers 0 and -0', row: { ...head, unlistedMembers: 0, lastAt: -0 } },
      { name: 'at the largest safe integers', row: { ...head, lastAt: Number.MAX_SAFE_INTEGER, expiresAt: Number.MIN_SAFE_INTEGER } },
    ],
  );

  it.each(rows)('agrees with storyHeadSchema: $name', ({ row }) => {
    // Act
    const fast = outcome(() => parseStoryHead(row as Record<string, unknown>, context));

    // Assess
    expectSame(
      fast,
      outcome(() => parseRow(storyHeadSchema, row, context)),
    );
  });

  it('reads a well-formed head without zod (its alerted topics are the set as read, where zod builds another)', () => {
    // Prepare
    const topics = new Set(['quakes']);

    // Act
    const read = parseStoryHead({ ...head, alertedTopics: topics }, context);

    // Assess
    expect(read.alertedTopics).toBe(topics);
  });
});

describe('alerted rows read without zod', () => {
  const alerted = { storyKey: 'alerted#feed#a', topics: new Set(['quakes', 'un']), expiresAt: 1_894_874_400 };
  const rows = rowsAround(
    alerted,
    {
      storyKey: ['story#feed#a', 'feed#a', 'alerted', 'alerted-feed#a', 'a', 5],
      topics: [['quakes'], new Set([5]), new Set(['quakes', null]), 'quakes', null, new Map([['quakes', 1]])],
      expiresAt: notIntegers,
    },
    [{ name: 'with no topics', row: { ...alerted, topics: new Set() } }],
  );

  it.each(rows)('agrees with alertedRowSchema: $name', ({ row }) => {
    // Act
    const fast = outcome(() => parseAlertedRow(row as Record<string, unknown>, context));

    // Assess
    expectSame(
      fast,
      outcome(() => parseRow(alertedRowSchema, row, context)),
    );
  });

  it('reads a well-formed row without zod (its topics are the set as read)', () => {
    expect(parseAlertedRow(alerted, context).topics).toBe(alerted.topics);
  });
});

describe('index heads read without zod', () => {
  const index = { storyKey: 'key#2030-01-03#quake', expiresAt: 1_894_874_400, 's:feed#a': 1_893_664_800 };
  const rows = rowsAround(index, {
    storyKey: ['story#feed#a', 'alerted#x', 'quake', 'key', 'keys#quake', 'k', 5, null],
    expiresAt: notIntegers,
  });

  it.each(rows)('agrees with indexHeadSchema: $name', ({ row }) => {
    // Act
    const fast = outcome(() => parseIndexHead(row as Record<string, unknown>, context));

    // Assess
    expectSame(
      fast,
      outcome(() => parseRow(indexHeadSchema, row, context)),
    );
  });
});

describe('kept fingerprints read without zod', () => {
  /** A fingerprint as the pipeline keeps it, through JSON as a row would come back. */
  const stored = JSON.parse(
    JSON.stringify(
      fingerprintItem(
        {
          title: 'Magnitude 6.8 quake hits Morocco on Friday in March, killing 632',
          summary: 'The UN Security Council will meet on Monday; rescuers in Al Haouz said the toll rose by 40 percent.',
          published: '2030-01-03T10:00:00Z',
        },
        new Date('2030-01-03T10:05:00Z'),
      ),
    ),
  ) as Record<string, unknown>;
  const strings = ['words', [5], ['word', null], ['word', 5], null, new Set(['word'])];
  const rows = rowsAround(
    stored,
    {
      tokens: strings,
      title: strings,
      weekdays: [[7], [-1], [1.5], ['1'], [null], 5, null],
      months: [[12], [-1], [0.5], ['2'], 2, null],
      ordinals: strings,
      counts: strings,
      stages: strings,
      changeSizes: [[Number.NaN], [Number.POSITIVE_INFINITY], ['40'], [null], 40, null],
      qualifiers: strings,
      terms: strings,
      titleTerms: strings,
      names: strings,
      titleAnchors: strings,
      anchors: strings,
      frames: strings,
      titleFrames: strings,
      cues: strings,
      at: notIntegers,
      dated: ['true', 1, 0, null],
    },
    [
      {
        name: 'older, without the fields added since (defaults filled)',
        row: Object.fromEntries(
          Object.entries(stored).filter(
            ([name]) =>
              !['changeSizes', 'qualifiers', 'terms', 'titleTerms', 'names', 'frames', 'titleFrames', 'cues', 'dated'].includes(name),
          ),
        ),
      },
      { name: 'with empty lists', row: { ...stored, tokens: [], weekdays: [], changeSizes: [] } },
      { name: 'with weekdays and months at their bounds', row: { ...stored, weekdays: [0, 6], months: [0, 11], changeSizes: [-12.5, 0] } },
      { name: 'undated', row: { ...stored, dated: false } },
    ],
  );

  it('starts from a fingerprint with every field of the schema', () => {
    expect(Object.keys(stored).sort()).toEqual(Object.keys(storyFingerprintSchema.shape).sort());
  });

  it.each(rows.map((entry, index) => ({ ...entry, itemKey: `table-${index}` })))(
    'agrees with storyFingerprintSchema: $name',
    ({ row, itemKey }) => {
      // Act
      const fast = outcome(() => parseFingerprintRow(itemKey, row, context));

      // Assess
      const byZod = outcome(() => parseRow(storyFingerprintSchema, row, { ...context, key: `${context.key} f:${itemKey}` }));
      expectSame(fast, byZod);
    },
  );
});
