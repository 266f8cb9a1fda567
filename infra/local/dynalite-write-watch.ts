/**
 * Each write to a dynalite store (its `db`, or a sub-store such as `tableDb`) seen when it is
 * issued and when it completes: what the read cache (dynalite-read-cache.ts) and the kept table
 * descriptions (dynalite-store-hooks.ts) both need to keep what they hold true. The store's
 * `put`, `del` and `batch` are replaced with ones that tell `watch` about every key they write,
 * then write as before; a write's completion is seen through its callback, so a write without one
 * (dynalite makes none) is handed to `watch.unseen` instead.
 */

type Callback = (error: Error | null, value?: unknown) => void;

/** The writes of a dynalite store: abstract-level's, wrapped with callbacks by dynalite. */
export interface DynaliteWritable {
  put(key: string, value: unknown, callback?: Callback): unknown;
  del(key: string, callback?: Callback): unknown;
  batch(operations: { key: string }[], callback?: Callback): unknown;
}

/** What a watcher is told about each key a write touches. */
interface WriteWatch {
  /** A write of `key` is issued: called before it goes to the store. */
  issued(key: string): void;
  /** A write of `key` has completed: called before the writer's callback. */
  completed(key: string): void;
  /** A write without a callback (its completion cannot be seen), with its keys: called before it goes to the store. */
  unseen(keys: string[]): void;
}

/** Replaces `store`'s `put`, `del` and `batch` with ones that tell `watch` about each write. */
export function watchWrites(store: DynaliteWritable, watch: WriteWatch): void {
  for (const method of ['put', 'del'] as const) {
    const write = store[method] as (key: string, ...rest: unknown[]) => unknown;
    store[method] = function writeWatched(this: unknown, key: string, ...rest: unknown[]) {
      const last = rest.length - 1;
      const callback = rest[last];
      if (typeof callback !== 'function') {
        watch.unseen([key]);
        return write.call(this, key, ...rest);
      }
      watch.issued(key);
      rest[last] = (...args: unknown[]) => {
        watch.completed(key);
        return callback(...args);
      };
      return write.call(this, key, ...rest);
    } as DynaliteWritable[typeof method];
  }

  const batch = store.batch;
  store.batch = function batchWatched(operations, callback) {
    if (typeof callback !== 'function') {
      watch.unseen(operations.map(({ key }) => key));
      return batch.call(this, operations, callback);
    }
    for (const { key } of operations) watch.issued(key);
    return batch.call(this, operations, (error, value) => {
      for (const { key } of operations) watch.completed(key);
      callback(error, value);
    });
  };
}
