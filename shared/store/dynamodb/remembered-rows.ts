/**
 * Values read from rows that are written once and read again by every poll (a story's members
 * and kept fingerprints), remembered by key with the fields they were read from: a row whose
 * every field equals the remembered one's (a list: entry by entry) gets the remembered value back
 * without zod or checks. Equal fields are the whole test: a row rewritten under the same key with
 * other values is read afresh.
 */
export interface RememberedRows<T> {
  /** The value remembered under `key`, when `row`'s fields equal those it was read from. */
  recall(key: string, row: Record<string, unknown>): T | undefined;
  /** Remembers `value` under `key`, read from `fields` (compared later, not copied: never changed). */
  remember(key: string, value: T, fields: Record<string, unknown>): void;
}

interface RememberedRowsOptions {
  /** The fields compared. */
  names: readonly string[];
  /** How many values are remembered at most. */
  max: number;
  /**
   * When full: drop the least recently read (a hit makes its entry the most recent), or drop
   * them all (a hit costs one lookup, no reordering).
   */
  whenFull: 'drop-least-recent' | 'drop-all';
}

interface Remembered<T> {
  value: T;
  fields: Record<string, unknown>;
}

/** An empty store of remembered rows. */
export function rememberedRows<T>(options: RememberedRowsOptions): RememberedRows<T> {
  const { names, max } = options;
  const leastRecentFirst = options.whenFull === 'drop-least-recent';
  // Insertion order: with `drop-least-recent`, the least recently read first.
  const entries = new Map<string, Remembered<T>>();

  function sameFields(row: Record<string, unknown>, known: Record<string, unknown>): boolean {
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      const field = row[name];
      const value = known[name];
      if (Array.isArray(value)) {
        if (!Array.isArray(field) || field.length !== value.length) return false;
        for (let i = 0; i < value.length; i++) if (!Object.is(field[i], value[i])) return false;
      } else if (!Object.is(field, value)) {
        return false;
      }
    }
    return true;
  }

  return {
    recall(key, row) {
      const known = entries.get(key);
      if (known === undefined || !sameFields(row, known.fields)) return undefined;
      if (leastRecentFirst) {
        entries.delete(key);
        entries.set(key, known);
      }
      return known.value;
    },

    remember(key, value, fields) {
      if (!leastRecentFirst) {
        if (entries.size >= max) entries.clear();
      } else if (entries.size >= max && !entries.has(key)) {
        entries.delete(entries.keys().next().value as string);
      }
      entries.set(key, { value, fields });
    },
  };
}
