import type { NewsItem } from '../messages/schemas.ts';
import { newsItemSchema } from '../messages/schemas.ts';

/**
 * Whether `newsItemSchema` takes an item as it is, checked without zod (about 20 µs an item): what
 * the feed normalizer builds always is, so the schema runs only for an item that is not, for its
 * issues. A check per field of the schema, in a table keyed by its fields (a field added to the
 * schema without a check fails to compile), each taking only values zod returns unchanged;
 * test/unit/feeds/news-item-check.test.ts holds each to the schema.
 */

type ValueCheck = (value: unknown) => boolean;

const isString = (value: unknown) => typeof value === 'string';
const orNull =
  (check: ValueCheck): ValueCheck =>
  (value) =>
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

/** The check of each field of `newsItemSchema`. */
const CHECKS: { readonly [K in keyof NewsItem]-?: ValueCheck } = {
  itemKey: (value) => typeof value === 'string' && value.length >= 1 && value.length <= 512,
  feedId: (value) => typeof value === 'string' && value.length >= 1,
  source: isString,
  guid: orNull(isString),
  link: orNull(isUrlAsItIs),
  title: isString,
  summary: isString,
  published: orNull(isWrittenByToIso),
  author: orNull(isString),
  categories: (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
    return true;
  },
};

/** The schema's fields in its order, and each one's check. */
const NAMES = /* @__PURE__ */ Object.keys(newsItemSchema.shape) as (keyof NewsItem)[];
const CHECK_LIST = /* @__PURE__ */ NAMES.map((name) => CHECKS[name]);

/**
 * Whether `newsItemSchema.parse(item)` would give an item equal to this one: the schema's fields,
 * no others and in its order (zod returns them so), each one taken unchanged.
 */
export function takenAsItIs(item: NewsItem): boolean {
  const fields = item as unknown as Record<string, unknown>;
  let index = 0;
  for (const name in fields) {
    if (name !== NAMES[index] || !CHECK_LIST[index]!(fields[name])) return false;
    index++;
  }
  return index === NAMES.length;
}
