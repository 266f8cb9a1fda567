/**
 * dynalite's item sizes, measured once per kept row. A BatchGetItem measures every row it found
 * (`db.itemSize`, DynamoDB's size of each attribute name and value, numbers through `big.js`)
 * to stop at DynamoDB's 16 MB per answer; in `run --once` the stories lookup finds the same rows
 * again and again, and those measures were ~3 % of dynalite's CPU. The rows dynalite's read cache
 * hands out are frozen (dynalite-read-cache.ts), so a frozen row's size cannot change: it is kept
 * per row object. Anything else (a row not frozen, the call's other forms) is measured as before.
 * The hook is `db.itemSize`, which the actions call through the module's exports.
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
    if (rest.length > 0 || !Object.isFrozen(item)) return itemSize.call(this, item, ...rest);
    let size = sizes.get(item);
    if (size === undefined) {
      size = itemSize.call(this, item);
      sizes.set(item, size);
    }
    return size;
  };
}
