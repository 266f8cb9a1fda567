/**
 * dynalite's item sizes, measured once per kept row. A BatchGetItem measures every row it found
 * (`db.itemSize`, DynamoDB's size of each attribute name and value, numbers through `big.js`)
 * to stop at DynamoDB's 16 MB per answer; in `run --once` the stories lookup finds the same rows
 * again and again, and those measures were ~3 % of dynalite's CPU. The rows dynalite's read cache
 * hands out are frozen (dynalite-read-cache.ts), so a frozen row's size cannot change: it is kept
 * per row object. The hook is `db.itemSize`, which the actions call through the module's exports.
 *
 * An item's size itself (the first measure of a kept row, and UpdateItem's check of the item it
 * writes) is DynamoDB's rule as dynalite reckons it, without its allocations: a number's size
 * from its text's significant digits and the parity of its exponent, read in place instead of
 * through a `big.js` number (an object and a digit array per number), attributes walked without
 * `Object.keys` arrays. A value it does not read as dynalite does (an unknown type, a number text
 * `big.js` would refuse) and the call's other forms are measured by dynalite.
 */
import { createRequire } from 'node:module';

interface DynaliteDb {
  itemSize(item: object, ...rest: unknown[]): number;
}

/** Marks the installed hook, so a second call installs nothing. */
const INSTALLED = Symbol('news-alerts kept row sizes');

const require = createRequire(import.meta.url);

/** Installs the kept sizes on dynalite's `db` module (once per process; later calls do nothing). */
export function useKeptRowSizes(): void {
  const db = require('dynalite/db') as DynaliteDb & { [INSTALLED]?: true };
  if (db[INSTALLED]) return;
  db[INSTALLED] = true;
  const itemSize = db.itemSize;
  const sizes = new WeakMap<object, number>();

  db.itemSize = function itemSizeOnce(item, ...rest) {
    if (rest.length > 0) return itemSize.call(this, item, ...rest);
    const frozen = Object.isFrozen(item);
    let size = frozen ? sizes.get(item) : undefined;
    if (size === undefined) {
      size = sizeOfItem(item as Attributes) ?? itemSize.call(this, item);
      if (frozen) sizes.set(item, size);
    }
    return size;
  };
}

type Attributes = Record<string, Record<string, unknown>>;

/** dynalite's `itemSize(item)`: each attribute's name and value; undefined for a value it is not read here as there. */
function sizeOfItem(item: Attributes): number | undefined {
  let size = 0;
  for (const name in item) {
    const value = sizeOfValue(item[name]!);
    if (value === undefined) return undefined;
    size += value + name.length;
  }
  return size;
}

/**
 * dynalite's `valSizeWithStorage(value)` (uncompressed: `valSize` of its type). dynalite measures
 * its first type; the values it measures passed its validation (one type each), so each type is
 * read as a property here, without walking the value's keys.
 */
function sizeOfValue(wire: Record<string, unknown>): number | undefined {
  const text = wire.S;
  if (text !== undefined) return (text as string).length;
  const number = wire.N;
  if (number !== undefined) return numberSize(number as string);
  const map = wire.M;
  if (map !== undefined) {
    // 3, one per attribute, and the attributes' size: counted in the one walk.
    let size = 3;
    for (const name in map as Attributes) {
      const value = sizeOfValue((map as Attributes)[name]!);
      if (value === undefined) return undefined;
      size += 1 + value + name.length;
    }
    return size;
  }
  const list = wire.L as Record<string, unknown>[] | undefined;
  if (list !== undefined) {
    let size = 3;
    for (let i = 0; i < list.length; i++) {
      const elementSize = sizeOfValue(list[i]!);
      if (elementSize === undefined) return undefined;
      size += 1 + elementSize;
    }
    return size;
  }
  if (wire.BOOL !== undefined || wire.NULL !== undefined) return 1;
  const texts = wire.SS as string[] | undefined;
  if (texts !== undefined) {
    let size = 0;
    for (let i = 0; i < texts.length; i++) size += texts[i]!.length;
    return size;
  }
  const numbers = wire.NS as string[] | undefined;
  if (numbers !== undefined) {
    let size = 0;
    for (let i = 0; i < numbers.length; i++) {
      const numberBytes = numberSize(numbers[i]!);
      if (numberBytes === undefined) return undefined;
      size += numberBytes;
    }
    return size;
  }
  // B and BS (their bytes) and anything else: dynalite's.
  return undefined;
}

/** A number text as `big.js` accepts it. */
const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const ZERO = 48;
const DOT = 46;
const MINUS = 45;

/**
 * dynalite's size of a number: 1 for zero, else 1 + ⌈digits / 2⌉, one more when the significant
 * digits are even in count and the exponent (of the first, as `big.js` keeps it) is even, one more
 * for a negative number. Undefined for a text `big.js` would refuse.
 */
function numberSize(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined;
  const negative = text.charCodeAt(0) === MINUS;
  const start = negative ? 1 : 0;
  let end = text.length;
  let exponent = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i) | 0x20;
    if (code === 0x65) {
      end = i;
      exponent = Number(text.slice(i + 1));
      break;
    }
  }
  let digits = 0;
  let dotAt = -1;
  let first = -1;
  let last = -1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === DOT) {
      dotAt = digits;
      continue;
    }
    if (code !== ZERO) {
      if (first < 0) first = digits;
      last = digits;
    }
    digits++;
  }
  if (first < 0) return 1;
  const significant = last - first + 1;
  const e = (dotAt >= 0 ? dotAt : digits) + exponent - first - 1;
  return 1 + Math.ceil(significant / 2) + (significant % 2 || e % 2 ? 0 : 1) + (negative ? 1 : 0);
}
