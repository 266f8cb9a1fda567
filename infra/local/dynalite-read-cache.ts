/**
 * Reads of dynalite's store answered from its LevelDB's `getSync`, with a bounded cache of the
 * keys found absent in front.
 *
 * dynalite reads one row per key it is asked for (GetItem, each key of a BatchGetItem, the read
 * before every PutItem, UpdateItem and DeleteItem). In `run --once` (20 feeds × 50 items) that
 * is ~24,700 reads, ~19,500 of which find nothing: the stories lookup asks for ~80 keys an item,
 * most of them never written, and two thirds of those reads ask again for a key found absent,
 * with no write to it in between. Each costs a LevelDB lookup (key encoding, the native call,
 * the memtable and block search) to learn nothing.
 *
 * The cache keeps the keys (the sub-store's prefix and dynalite's row key) whose read found
 * nothing, and answers a read of one at once. Every write through the store (`put`, `del`,
 * `batch`: every item and table write dynalite makes; TTL's deletes are DeleteItem) drops its
 * keys when it is issued, and until it completes a read of those keys is not kept: the cache
 * says "absent" only when LevelDB's `getSync` would, so what a read sees is unchanged (the store
 * as of the last completed write). Query and Scan iterate LevelDB itself, which every write
 * still reaches. Rows found are not kept: dynalite answers with, and builds on, the objects it
 * reads, so a kept row would have to be copied for every read, which costs about what LevelDB's
 * read and decode cost (measured: no gain for ~3,800 repeated reads of rows in `run --once`).
 * The cache holds at most `limit` keys, dropping the oldest kept first.
 *
 * Reads go to `getSync` (LevelDB's memtable, block cache or page cache, or memory-level's tree)
 * instead of the store's promise API, whose promise chain, shutdown tracking and `setImmediate`
 * hop cost more than the read itself; callbacks still run after the caller returns. A store that
 * is closing or closed, and a read or write without a callback (dynalite makes none), take
 * dynalite's own path; a write without a callback also empties the cache and turns it off.
 */
type Callback = (error: Error | null, value?: unknown) => void;

/** dynalite's store (its `db`): an abstract-level database wrapped with callback methods by dynalite. */
export interface DynaliteLevel {
  status: string;
  getSync(key: string): unknown;
  get(key: string, callback?: Callback): unknown;
  put(key: string, value: unknown, callback?: Callback): unknown;
  del(key: string, callback?: Callback): unknown;
  batch(operations: { key: string }[], callback?: Callback): unknown;
}

/** Absent keys kept at most (~6,000 in `run --once` at 20 × 50; a key is ~60 characters). */
const DEFAULT_LIMIT = 20_000;

/** How the cache did; for tests and measurements. */
export interface ReadCacheCounts {
  /** Reads answered from the cache (each of a key found absent before). */
  hits: number;
  /** Reads that went to LevelDB. */
  misses: number;
}

/**
 * Replaces `level`'s `get` with a synchronous read behind the cache of absent keys, and its `put`, `del` and
 * `batch` with ones that keep the cache true. Returns live counts of the cache's hits and misses.
 */
export function readThroughCache(level: DynaliteLevel, limit = DEFAULT_LIMIT): ReadCacheCounts {
  const counts: ReadCacheCounts = { hits: 0, misses: 0 };
  const absent = new Set<string>();
  // Writes issued and not yet completed, by key: their keys are neither answered nor kept.
  const writing = new Map<string, number>();
  let off = false;

  const issued = (key: string) => {
    writing.set(key, (writing.get(key) ?? 0) + 1);
    absent.delete(key);
  };
  const completed = (key: string) => {
    const left = (writing.get(key) ?? 1) - 1;
    if (left > 0) writing.set(key, left);
    else writing.delete(key);
  };
  const turnOff = () => {
    off = true;
    absent.clear();
  };

  const get = level.get;
  level.get = function getCached(key, callback) {
    if (typeof callback !== 'function' || level.status !== 'open') return get.call(this, key, callback);
    if (absent.has(key)) {
      counts.hits++;
      queueMicrotask(() => callback(null, undefined));
      return;
    }
    counts.misses++;
    let value: unknown;
    try {
      value = level.getSync(key);
    } catch (error) {
      queueMicrotask(() => callback(error as Error));
      return;
    }
    if (value === undefined && !off && !writing.has(key)) {
      if (absent.size >= limit) absent.delete(absent.values().next().value as string);
      absent.add(key);
    }
    queueMicrotask(() => callback(null, value));
  };

  for (const method of ['put', 'del'] as const) {
    const write = level[method] as (key: string, ...rest: unknown[]) => unknown;
    level[method] = function writeAndForget(this: unknown, key: string, ...rest: unknown[]) {
      const last = rest.length - 1;
      const callback = rest[last];
      if (typeof callback !== 'function') {
        turnOff();
        return write.call(this, key, ...rest);
      }
      issued(key);
      rest[last] = (...args: unknown[]) => {
        completed(key);
        return callback(...args);
      };
      return write.call(this, key, ...rest);
    } as DynaliteLevel[typeof method];
  }

  const batch = level.batch;
  level.batch = function batchAndForget(operations, callback) {
    if (typeof callback !== 'function') {
      turnOff();
      return batch.call(this, operations, callback);
    }
    for (const { key } of operations) issued(key);
    return batch.call(this, operations, (error, value) => {
      for (const { key } of operations) completed(key);
      callback(error, value);
    });
  };

  return counts;
}
