/**
 * Two shortcuts in dynalite's store, installed through its one seam: `dynalite/db`'s `create`,
 * which `dynalite()` calls for its store (no other API reaches the store; the store is handed
 * back for the direct transport).
 *
 * - Table descriptions are kept decoded in memory for the item operations. dynalite reads the
 *   table's description from LevelDB and parses it for every request and again for every key of
 *   a BatchGetItem: the stories lookup's 80 keys meant 81 reads and parses of the same ~650 bytes,
 *   half of all LevelDB reads in `run --once`. Only the item operations (which never change
 *   the object) get the kept copy; the table operations (describe, update, delete, which may
 *   change it before writing it back) read afresh. Any write or delete of a description drops
 *   the kept copy, when it is issued and when it completes, and a read that overlapped a write
 *   is not kept, so a kept copy is always the stored one.
 * - Reads answer from the store's `getSync` behind a bounded cache of the keys found absent and
 *   of the rows found, which every write through the store keeps true (dynalite-read-cache.ts):
 *   most of dynalite's reads are of rows that do not exist, asked for again and again by the
 *   stories lookup.
 */
import { createRequire } from 'node:module';
import { type DynaliteItemStores, type DynaliteLevel, type ReadCacheCounts, readThroughCache } from './dynalite-read-cache.ts';
import { batchWritesPerTurn, type DynaliteLifecycle, type WriteBatchCounts } from './dynalite-write-batches.ts';
import { type DynaliteWritable, watchWrites } from './dynalite-write-watch.ts';

type Callback = (error: Error | null, value?: unknown) => void;

interface DynaliteStore extends DynaliteItemStores {
  db: DynaliteLevel;
  lifecycleManager?: DynaliteLifecycle;
  tableDb: DynaliteWritable;
  getTable(name: string, checkStatus: boolean | Callback, callback?: Callback): void;
}

interface DynaliteDbModule {
  create(options: unknown): DynaliteStore;
}

const require = createRequire(import.meta.url);

/**
 * Runs `start` (which calls `dynalite()`) with the shortcuts installed on the store it creates,
 * and hands that store back beside what `start` returned (the direct transport runs dynalite's
 * actions on it: dynalite-direct.ts), with the live counts of its read cache.
 */
export function withDynaliteStoreHooks<T>(start: () => T): {
  started: T;
  store: object;
  readCache: ReadCacheCounts;
  writeBatches: WriteBatchCounts;
} {
  const dbModule = require('dynalite/db') as DynaliteDbModule;
  const create = dbModule.create;
  let created: { store: DynaliteStore; readCache: ReadCacheCounts; writeBatches: WriteBatchCounts } | undefined;
  dbModule.create = function createHooked(options) {
    const store = create.call(this, options);
    // Batching goes under the read cache, which sees each write when it is issued and when its callback comes.
    const writeBatches = batchWritesPerTurn(store.db, store.lifecycleManager);
    const readCache = readThroughCache(store.db, store);
    keepTableDescriptions(store);
    created = { store, readCache, writeBatches };
    return store;
  };
  try {
    const started = start();
    if (!created) throw new Error('dynalite could not be started: it created no store through dynalite/db');
    return { started, ...created };
  } finally {
    dbModule.create = create;
  }
}

function keepTableDescriptions(store: DynaliteStore): void {
  const kept = new Map<string, unknown>();
  // Bumped when a write is issued and when it completes: a read spanning either is not kept.
  const writes = new Map<string, number>();
  const written = (key: string) => {
    writes.set(key, (writes.get(key) ?? 0) + 1);
    kept.delete(key);
  };

  watchWrites(store.tableDb, { issued: written, completed: written, unseen: (keys) => keys.forEach(written) });

  const getTable = store.getTable;
  store.getTable = function getKeptTable(name, checkStatus, callback) {
    // `getTable(name, callback)` is the item operations' call; the table operations pass `false`.
    if (typeof checkStatus !== 'function') return getTable.call(this, name, checkStatus, callback);
    const done = checkStatus;
    const table = kept.get(name);
    if (table !== undefined) return queueMicrotask(() => done(null, table));
    const before = writes.get(name) ?? 0;
    getTable.call(this, name, (error, read) => {
      if (!error && read !== undefined && (writes.get(name) ?? 0) === before) kept.set(name, read);
      done(error, read);
    });
  };
}
