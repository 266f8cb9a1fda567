import { checkedFields, isFilled, listOf } from '../core/checked-fields.ts';
import type { NewsItem } from '../messages/schemas.ts';
import { newsItemSchema } from '../messages/schemas.ts';

/**
 * Whether `newsItemSchema` takes an item as it is, checked without zod (about 20 µs an item): what
 * the feed normalizer builds always is, so the schema runs only for an item that is not, for its
 * issues. A check per field of the schema, in a table keyed by its fields (`checkedFields`: a
 * field added to the schema without a check fails to compile), each taking only values zod
 * returns unchanged; test/unit/feeds/news-item-check.test.ts holds each to the schema. Unlike the
 * store's rows, which are copied field by field, the item is checked in place: its keys must be
 * the schema's, in its order, so it can be returned as it is.
 */

const isString = (value: unknown) => typeof value === 'string';
const orNull =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === null || check(value);

/** A string with no white space, which zod's URL check neither trims nor strips. */
const NO_SPACE = /^\S*$/;
/** An ISO time as `Date#toISOString` writes it (what `parseFeedDate` gives). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `z.url()` returning it unchanged: a URL without white space (zod trims, and strips tabs and newlines). */
const isUrlAsItIs = (value: unknown) => typeof value === 'string' && NO_SPACE.test(value) && URL.canParse(value);

/** An ISO time `toISOString` gives back unchanged: a real date and time (no 13th month, no 25th hour). */
function isWrittenByToIso(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return false;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString() === value;
}

/** The schema's fields in its order, each with its check. */
const FIELDS = checkedFields(newsItemSchema, {
  itemKey: (value) => isFilled(value) && value.length <= 512,
  feedId: isFilled,
  source: isString,
  guid: orNull(isString),
  link: orNull(isUrlAsItIs),
  title: isString,
  summary: isString,
  published: orNull(isWrittenByToIso),
  author: orNull(isString),
  categories: listOf(isString),
});

/**
 * Whether `newsItemSchema.parse(item)` would give an item equal to this one: the schema's fields,
 * no others and in its order (zod returns them so), each one taken unchanged.
 */
export function takenAsItIs(item: NewsItem): boolean {
  const fields = item as unknown as Record<string, unknown>;
  const { names, checks } = FIELDS;
  let index = 0;
  for (const name in fields) {
    if (name !== names[index] || !checks[index]!(fields[name])) return false;
    index++;
  }
  return index === names.length;
}
