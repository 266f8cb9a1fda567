/**
 * Reads of dynalite's store answered from its LevelDB's `getSync`, with a bounded cache in front.
 *
 * dynalite reads one row per key it is asked for (GetItem, each key of a BatchGetItem, the read
 * before every PutItem, UpdateItem and DeleteItem). In `run --once` (20 feeds × 50 items) that
 * is ~24,700 reads: ~19,500 find nothing (the stories lookup asks for ~80 keys an item, most of
 * them never written), two thirds of them of a key found absent before with no write to it
 * since; ~3,800 of the ~5,200 rows found were read before and not written since. A read costs a
 * LevelDB lookup (key encoding, the native call, the memtable and block search) and, for a row,
 * the JSON parse of its text: the larger part.
 *
 * The cache keeps, by the store's full key (the sub-store's prefix and dynalite's row key), that
 * a read found nothing, and the rows of the item stores that a read found. Every write through
 * the store (`put`, `del`, `batch`: every item and table write dynalite makes; TTL's deletes are
 * DeleteItem; seen through dynalite-write-watch.ts) drops its keys when it is issued, and until
 * it completes a read of those keys is not kept: the cache answers only what LevelDB's `getSync`
 * would, so what a read sees is unchanged (the store as of the last completed write). Query and Scan iterate LevelDB itself,
 * which every write still reaches. At most 20,000 absent keys and 2,048 rows are kept; when
 * either is full the cache is emptied (~6,000 and ~1,500 are read in that run).
 *
 * The cache is kept per sub-store (the store key's part up to its first `~`: `item-<table>~`)
 * under dynalite's row key, and the item stores' `get` (what dynalite's item actions call, with
 * the row key that dynalite-key-cache.ts keeps) looks there directly: the store's full key is a
 * new string per read, which hashing in a Map made the cache's largest cost. Writes, and reads
 * through the store itself, split their full key.
 *
 * A kept row is handed to every read of it, frozen with all it holds (a row fresh from JSON.parse
 * holds nothing frozen or shared, so the walk is short), instead of a parse of its
 * own. dynalite's item actions only read what they read: GetItem and BatchGetItem answer with the
 * row or with a projection holding its values; PutItem and DeleteItem check conditions on it,
 * answer it as the old values and derive index keys from it; UpdateItem deep-clones it before
 * applying the update; Query and Scan (which fetch rows by key for an index that does not project
 * them all) filter and project. Answers are then copied (the direct path: dynalite-direct.ts) or
 * written as JSON (dynalite's HTTP listener), so no caller outside gets a kept row; freezing
 * makes sure of the rest: a write into a kept row fails instead of changing what later reads see.
 * Table descriptions are not kept as rows (the table operations change what they read).
 *
 * Reads go to `getSync` (LevelDB's memtable, block cache or page cache, or memory-level's tree)
 * instead of the store's promise API, whose promise chain, shutdown tracking and `setImmediate`
 * hop cost more than the read itself; callbacks still run after the caller returns. A store that
 * is closing or closed, and a read or write without a callback (dynalite makes none), take
 * dynalite's own path; a write without a callback also empties the cache and turns it off.
 */
import { type DynaliteWritable, watchWrites } from './dynalite-write-watch.ts';

type Callback = (error: Error | null, value?: unknown) => void;

/** dynalite's store (its `db`): an abstract-level database wrapped with callback methods by dynalite. */
export interface DynaliteLevel extends DynaliteWritable {
  status: string;
  getSync(key: string): unknown;
  get(key: string, callback?: Callback): unknown;
}

/** An item store as dynalite's store hands it to its item actions (`getItemDb(table)`): the main store's keys under `item-<table>~`. */
interface DynaliteItemStore {
  get(key: string, callback?: Callback): unknown;
}

/** dynalite's store object: its item stores' `get` reads through the cache as well. */
export interface DynaliteItemStores {
  getItemDb(table: string): DynaliteItemStore;
}

/** Absent keys kept at most (~6,000 in `run --once` at 20 × 50; a key is ~60 characters). */
const MAX_ABSENT = 20_000;
/** Rows kept at most (~1,500 distinct rows are read in `run --once` at 20 × 50; a story row is a few KB). */
const MAX_ROWS = 2_048;
/** The keys of dynalite's item stores (`item-<table>~<row key>`); table descriptions and the rest are not kept as rows. */
const ITEM_PREFIX = 'item-';
/** Where a sub-store's prefix ends in a store key. */
const SEPARATOR = '~';
/** What the cache keeps for a key found absent. */
const ABSENT = Symbol('absent');

/** How the cache did; for tests and measurements. */
export interface ReadCacheCounts {
  /** Reads answered from the cache. */
  hits: number;
  /** Reads that went to LevelDB. */
  misses: number;
}

/**
 * Replaces `level`'s `get` with a synchronous read behind the cache, and its `put`, `del` and
 * `batch` with ones that keep the cache true; `stores`' item stores (when given) read through
 * the same cache. Returns live counts of the cache's hits and misses.
 */
export function readThroughCache(level: DynaliteLevel, stores?: DynaliteItemStores): ReadCacheCounts {
  const counts: ReadCacheCounts = { hits: 0, misses: 0 };
  // Per sub-store prefix (up to and with its `~`): by the rest of the key, the row or ABSENT.
  const kept = new Map<string, Map<string, unknown>>();
  let absentCount = 0;
  let rowCount = 0;
  // Writes issued and not yet completed, by full key: their keys are neither answered nor kept.
  const writing = new Map<string, number>();
  let off = false;

  const keptUnder = (prefix: string) => {
    let under = kept.get(prefix);
    if (!under) kept.set(prefix, (under = new Map()));
    return under;
  };
  const empty = () => {
    for (const under of kept.values()) under.clear();
    absentCount = 0;
    rowCount = 0;
  };
  const forget = (under: Map<string, unknown> | undefined, rest: string) => {
    const value = under?.get(rest);
    if (value === undefined) return;
    under!.delete(rest);
    if (value === ABSENT) absentCount--;
    else rowCount--;
  };
  const issued = (key: string) => {
    writing.set(key, (writing.get(key) ?? 0) + 1);
    const at = key.indexOf(SEPARATOR) + 1;
    forget(kept.get(key.slice(0, at)), key.slice(at));
  };
  const completed = (key: string) => {
    const left = (writing.get(key) ?? 1) - 1;
    if (left > 0) writing.set(key, left);
    else writing.delete(key);
  };
  const turnOff = () => {
    off = true;
    empty();
  };

  /** A read of `prefix + rest` (`under` is `prefix`'s kept entries) from the cache or from `getSync`. */
  const read = (under: Map<string, unknown>, prefix: string, rest: string, callback: Callback) => {
    const value = under.get(rest);
    if (value !== undefined) {
      counts.hits++;
      const answer = value === ABSENT ? undefined : value;
      queueMicrotask(() => callback(null, answer));
      return;
    }
    counts.misses++;
    const key = prefix + rest;
    let found: unknown;
    try {
      found = level.getSync(key);
    } catch (error) {
      queueMicrotask(() => callback(error as Error));
      return;
    }
    // `writing` is empty most of the time: the new full key is then not hashed for nothing.
    if (!off && (writing.size === 0 || !writing.has(key))) {
      if (found === undefined) {
        if (absentCount >= MAX_ABSENT) empty();
        under.set(rest, ABSENT);
        absentCount++;
      } else if (prefix.startsWith(ITEM_PREFIX)) {
        if (rowCount >= MAX_ROWS) empty();
        under.set(rest, deepFreeze(found));
        rowCount++;
      }
    }
    queueMicrotask(() => callback(null, found));
  };

  const get = level.get;
  level.get = function getCached(key, callback) {
    if (typeof callback !== 'function' || level.status !== 'open') return get.call(this, key, callback);
    const at = key.indexOf(SEPARATOR) + 1;
    const prefix = key.slice(0, at);
    read(keptUnder(prefix), prefix, key.slice(at), callback);
  };

  if (stores) {
    const getItemDb = stores.getItemDb;
    const hooked = new WeakSet<DynaliteItemStore>();
    stores.getItemDb = function getCachedItemDb(table) {
      const itemStore = getItemDb.call(this, table);
      if (hooked.has(itemStore)) return itemStore;
      hooked.add(itemStore);
      // dynalite's item store: `get(key)` reads `item-<table>~<key>` from the main store.
      const prefix = `${ITEM_PREFIX}${table}${SEPARATOR}`;
      const under = keptUnder(prefix);
      const itemGet = itemStore.get;
      itemStore.get = function getCachedItem(key, callback) {
        if (typeof callback !== 'function' || level.status !== 'open') return itemGet.call(this, key, callback);
        read(under, prefix, key, callback);
      };
      return itemStore;
    };
  }

  watchWrites(level, { issued, completed, unseen: turnOff });

  return counts;
}

/**
 * Freezes a row fresh from LevelDB's JSON.parse (plain objects and arrays, nothing shared or
 * frozen yet) and all it holds; returns it.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'object' && item !== null) deepFreeze(item);
    }
  } else {
    const object = value as Record<string, unknown>;
    for (const name in object) {
      const item = object[name];
      if (typeof item === 'object' && item !== null) deepFreeze(item);
    }
  }
  return Object.freeze(value);
}
