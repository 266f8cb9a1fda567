import { describe, expect, it } from 'vitest';
import { parseFingerprintRow } from '../../../shared/store/dynamodb/fingerprint-row.ts';
import { parseRow } from '../../../shared/store/dynamodb/rows.ts';
import { storyFingerprintSchema } from '../../../shared/store/records.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';

const context = { table: 'stories', operation: 'readStory', key: 'storyKey=story#a' };

/** A fingerprint as the pipeline keeps it, through JSON as a row would come back. */
function storedFingerprint(): Record<string, unknown> {
  const fingerprint = fingerprintItem(
    {
      title: 'Magnitude 6.8 quake hits Morocco on Friday, killing 632',
      summary: 'The UN Security Council will meet on Monday; rescuers in Al Haouz said the toll rose by 40 percent.',
      published: '2030-01-03T10:00:00Z',
    },
    new Date('2030-01-03T10:05:00Z'),
  );
  return JSON.parse(JSON.stringify(fingerprint)) as Record<string, unknown>;
}

describe('reading a kept fingerprint', () => {
  it('returns what zod returns for a row as written now: the same fields, order and values, in fresh lists', () => {
    // Prepare
    const row = { ...storedFingerprint(), extra: 'not in the schema' };

    // Act
    const read = parseFingerprintRow('b', row, context);

    // Assess
    const byZod = parseRow(storyFingerprintSchema, row, context);
    expect(read).toEqual(byZod);
    expect(Object.keys(read)).toEqual(Object.keys(byZod));
    expect(read.tokens).not.toBe((row as { tokens?: unknown }).tokens);
  });

  it("fills an older row's defaults as zod does", () => {
    // Prepare
    const { terms: _terms, names: _names, dated: _dated, changeSizes: _sizes, ...older } = storedFingerprint();

    // Act
    const read = parseFingerprintRow('older', older, context);

    // Assess
    expect(read).toEqual(parseRow(storyFingerprintSchema, older, context));
    expect([read.terms, read.names, read.changeSizes, read.dated]).toEqual([[], [], [], true]);
  });

  it('reports a malformed row as a StoreError naming the field', () => {
    // Prepare
    const row = { ...storedFingerprint(), weekdays: [9] };

    // Act
    const read = () => parseFingerprintRow('b', row, context);

    // Assess
    expect(read).toThrow(/readStory on table stories failed: stored row is invalid: .*weekdays/);
    expect(read).toThrow(/storyKey=story#a f:b/);
  });

  it('gives a fingerprint read before back as the same frozen object while the row holds the same values', () => {
    // Prepare
    const first = parseFingerprintRow('same', storedFingerprint(), context);

    // Act
    const again = parseFingerprintRow('same', storedFingerprint(), context);

    // Assess
    expect(again).toBe(first);
    expect(Object.isFrozen(again) && Object.isFrozen(again.terms)).toBe(true);
    expect(() => (again.terms as string[]).push('#1')).toThrow(TypeError);
  });

  it('reads a row afresh when any field differs from the one read before under its item key, down to one word', () => {
    // Prepare
    const first = parseFingerprintRow('changed', storedFingerprint(), context);
    const terms = [...first.terms];
    terms[terms.length - 1] = 'another';
    const changed = { ...storedFingerprint(), terms };

    // Act
    const read = parseFingerprintRow('changed', changed, context);

    // Assess
    expect(read).not.toBe(first);
    expect(read).toEqual(parseRow(storyFingerprintSchema, changed, context));
    expect(parseFingerprintRow('changed', changed, context)).toBe(read);
  });

  it('reads a malformed row under a remembered item key as malformed', () => {
    // Prepare
    parseFingerprintRow('bad', storedFingerprint(), context);

    // Act
    const read = () => parseFingerprintRow('bad', { ...storedFingerprint(), at: 'noon' }, context);

    // Assess
    expect(read).toThrow(/stored row is invalid: .*at/);
  });
});
