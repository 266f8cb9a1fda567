import { contentKey } from './tokenize.ts';
import { COMMON_NEWS_WORDS } from './vocabulary.ts';

/**
 * How much sharing a key says about two items being one event: a rare term counts more than a
 * common one (an IDF taken from general knowledge, not from any corpus). Names (states, bodies,
 * people, places) and exact figures pick out one event; the words every report uses do not.
 */
export const TERM_WEIGHTS = { name: 3, figure: 2.5, year: 1, smallNumber: 0.5, common: 0.5, word: 1 } as const;

const COMMON_KEYS: ReadonlySet<string> = new Set(COMMON_NEWS_WORDS.map((word) => contentKey(word)).filter((key) => key !== undefined));

/** The weight of a content key; `names` are the keys the item's text wrote as names. */
export function termWeight(key: string, names: ReadonlySet<string>): number {
  if (key.startsWith('#')) {
    const value = Number(key.slice(1));
    if (!Number.isFinite(value)) return TERM_WEIGHTS.word;
    if (Number.isInteger(value) && value >= 1900 && value <= 2100) return TERM_WEIGHTS.year;
    return value > 12 || !Number.isInteger(value) ? TERM_WEIGHTS.figure : TERM_WEIGHTS.smallNumber;
  }
  if (names.has(key)) return TERM_WEIGHTS.name;
  if (COMMON_KEYS.has(key)) return TERM_WEIGHTS.common;
  return TERM_WEIGHTS.word;
}
