import type { StoryFingerprint } from '../records.ts';
import { storyFingerprintSchema } from '../records.ts';
import type { StoreCallContext } from './store-error.ts';
import { parseRow } from './rows.ts';

/**
 * Reading a kept fingerprint back from a story row. A poll reads every candidate story's kept
 * fingerprints (up to a dozen per story, each nineteen fields, most of them lists of words), so
 * zod walking each word was most of a story read. A fingerprint as this version writes it,
 * every field present and well-typed, is checked here in one pass and copied field by field in
 * the schema's order, as zod would return it; anything else (an older row missing a field that
 * has a default, a malformed one) goes to zod, which fills the defaults or reports the issues.
 */

type FieldCheck = (value: unknown) => boolean;

const isString = (value: unknown) => typeof value === 'string';
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const intIn = (min: number, max: number) => (value: unknown) =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
const listOf =
  (item: FieldCheck): FieldCheck =>
  (value) =>
    Array.isArray(value) && value.every(item);
const strings = listOf(isString);

/** The check of each field of `storyFingerprintSchema`, without its defaults (an absent field goes to zod). */
const FIELD_CHECKS: Record<keyof StoryFingerprint, FieldCheck> = {
  tokens: strings,
  title: strings,
  weekdays: listOf(intIn(0, 6)),
  months: listOf(intIn(0, 11)),
  ordinals: strings,
  counts: strings,
  stages: strings,
  changeSizes: listOf(isNumber),
  qualifiers: strings,
  terms: strings,
  titleTerms: strings,
  names: strings,
  titleAnchors: strings,
  anchors: strings,
  frames: strings,
  titleFrames: strings,
  cues: strings,
  at: (value) => Number.isSafeInteger(value),
  dated: (value) => typeof value === 'boolean',
};

/** The schema's fields in its order, each with its check (the type above makes tsc require one for every field). */
const FIELDS = Object.keys(storyFingerprintSchema.shape).map((name): [string, FieldCheck] => [
  name,
  FIELD_CHECKS[name as keyof StoryFingerprint],
]);

/** A kept fingerprint from a story row: what `parseRow(storyFingerprintSchema, …)` returns, faster for current rows. */
export function parseFingerprintRow(value: unknown, context: StoreCallContext): StoryFingerprint {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const row = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    let complete = true;
    for (const [name, check] of FIELDS) {
      const field = row[name];
      if (!check(field)) {
        complete = false;
        break;
      }
      copy[name] = Array.isArray(field) ? field.slice() : field;
    }
    if (complete) return copy as StoryFingerprint;
  }
  return parseRow(storyFingerprintSchema, value, context);
}
