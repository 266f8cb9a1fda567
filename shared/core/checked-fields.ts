import type * as z from './zod.ts';

/**
 * Fast paths beside zod for values read or built by the hundred (story heads, alerted rows, index
 * heads, kept fingerprints in the story store; news items in the feed normalizer): zod's walk of
 * an object schema was a large share of reading one. A fast
 * path checks each field of a well-formed row by hand and returns what `schema.parse` would;
 * anything else goes to zod, which fills defaults or names the issue.
 *
 * What keeps a fast path and its schema equal: its checks are a table keyed by the schema's own
 * fields (`FieldChecks`), so a field added to the schema without a check, or a check for a field
 * it lacks, fails to compile; the fields are walked in the schema's order, read from the schema;
 * and what zod does with an absent field is read from the schema too (left out when it is
 * optional, else zod decides: a default to fill, an issue to report). Each check must take only
 * values zod takes unchanged; test/unit/store/checked-rows.test.ts and
 * test/unit/feeds/news-item-check.test.ts hold each to its schema.
 */

/** Whether a present field's value (never undefined) is one its schema takes unchanged. */
type FieldCheck = (value: unknown) => boolean;

/** One check for each field of an object schema's rows: no field left out, none added. */
type FieldChecks<S extends z.core.$ZodObject> = { readonly [K in keyof z.output<S>]-?: FieldCheck };

/** An object schema's fields in its order, each with its check and whether zod leaves it out when absent. */
interface CheckedFields<T> {
  readonly names: readonly string[];
  readonly checks: readonly FieldCheck[];
  readonly omittable: readonly boolean[];
  /** Never set: carries the row type. */
  readonly row?: T;
}

/** The fields of `schema` with their checks (built once, at module load). */
// @__NO_SIDE_EFFECTS__
export function checkedFields<S extends z.core.$ZodObject>(schema: S, checks: FieldChecks<S>): CheckedFields<z.output<S>> {
  const shape = schema._zod.def.shape;
  const names = Object.keys(shape);
  const table = checks as unknown as Record<string, FieldCheck>;
  return {
    names,
    checks: names.map((name) => table[name]!),
    // `z.optional(…)`: an absent key stays absent in what zod returns (a default is filled instead).
    omittable: names.map((name) => shape[name]!._zod.optin === 'optional' && shape[name]!._zod.optout === 'optional'),
  };
}

/**
 * What `schema.parse(row)` returns for a row whose every field passes its check: its fields in
 * the schema's order, other attributes left out, an absent optional field left out. Undefined
 * for anything else (not an object, a check failed, a field absent that zod would fill or
 * report, or present as `undefined`): the caller hands the row to zod. Values are taken as read,
 * where zod builds new lists and sets with the same entries.
 */
export function readCheckedRow<T>(row: unknown, fields: CheckedFields<T>): T | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  const { names, checks, omittable } = fields;
  const record = row as Record<string, unknown>;
  const read: Record<string, unknown> = {};
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const value = record[name];
    if (value === undefined) {
      if (omittable[index] && !(name in record)) continue;
      return undefined;
    }
    if (!checks[index]!(value)) return undefined;
    read[name] = value;
  }
  return read as T;
}

/** A safe integer, as `z.number().check(z.int())` takes one. */
export const isSafeInteger = (value: unknown): value is number => Number.isSafeInteger(value);

/** A string of one character or more, as `z.string().check(z.minLength(1))` takes one. */
export const isFilled = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A string starting with `prefix`, as `z.string().check(z.startsWith(prefix))` takes one. */
// @__NO_SIDE_EFFECTS__
export function startsWith(prefix: string): FieldCheck {
  return (value) => typeof value === 'string' && value.startsWith(prefix);
}

/** A Set of strings, as `z.set(z.string())` takes one. */
export function isStringSet(value: unknown): value is Set<string> {
  if (!(value instanceof Set)) return false;
  for (const entry of value) if (typeof entry !== 'string') return false;
  return true;
}

/** A list whose every entry passes `item`, as `z.array(…)` takes one (a hole reads as undefined: refused). */
// @__NO_SIDE_EFFECTS__
export function listOf(item: FieldCheck): FieldCheck {
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
    return true;
  };
}
