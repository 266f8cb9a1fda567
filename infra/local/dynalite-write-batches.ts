/**
 * dynalite's writes to its store gathered per turn of the event loop and written as one batch.
 *
 * dynalite writes every item, index entry and table description with its own `put` or `del`,
 * and each costs a trip through abstract-level, dynalite's promise wrapper and shutdown tracking,
 * a `setImmediate` for its callback and a native write queued to libuv's pool on its own. In
 * `run --once` (20 feeds × 50 items) that is ~3,700 writes, and they come in bursts: a
 * BatchWriteItem's 25 puts, the concurrent UpdateItems of a feed's stories, ~11 writes a turn
 * on average. Here the writes issued during one turn are queued and written at the end of it
 * (`setImmediate`) with one `batch` of the store, in the order they were issued; each write's
 * callback is called when the batch completes, with its error if it failed (a batch is written
 * whole or not at all). A read meanwhile sees the store as it was, as it would have while the
 * write was in LevelDB's queue; dynalite's item actions hold their key's lock until the callback.
 *
 * dynalite's own batches, and a write without a callback (dynalite makes none) or on a store not
 * open, first write what is queued, then go their own way, so writes reach the store in the order
 * they were issued. A queued batch is tracked by dynalite's shutdown (`trackOperation`): closing
 * the store waits for it as for any write under way.
 */

type Callback = (error: Error | null) => void;

/** A write as the store's `batch` takes it. */
type Write = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

/** dynalite's store (its `db`): an abstract-level database wrapped with callback methods by dynalite. */
interface DynaliteWritableLevel {
  status: string;
  put(key: string, value: unknown, callback?: Callback): unknown;
  del(key: string, callback?: Callback): unknown;
  batch(operations: Write[], callback?: Callback): unknown;
}

/** dynalite's shutdown tracking (`store.lifecycleManager`): closing waits for the operations it tracks. */
export interface DynaliteLifecycle {
  trackOperation(operation: Promise<unknown>): Promise<unknown>;
}

/** How the batching did; for tests and measurements. */
export interface WriteBatchCounts {
  /** Writes queued. */
  writes: number;
  /** Batches written for them. */
  batches: number;
}

/**
 * Replaces `level`'s `put` and `del` with ones that queue the write for the turn's batch, and its
 * `batch` with one that writes the queue first. Returns live counts.
 */
export function batchWritesPerTurn(level: DynaliteWritableLevel, lifecycle: DynaliteLifecycle | undefined): WriteBatchCounts {
  const counts: WriteBatchCounts = { writes: 0, batches: 0 };
  const { put, del, batch } = level;
  let queued: { writes: Write[]; callbacks: Callback[]; issued: () => void } | undefined;

  const flush = () => {
    if (!queued) return;
    const { writes, callbacks, issued } = queued;
    queued = undefined;
    counts.batches++;
    const done = (error: Error | null) => {
      for (const callback of callbacks) callback(error);
    };
    try {
      batch.call(level, writes, (error) => done(error ?? null));
    } catch (error) {
      done(error as Error);
    } finally {
      // dynalite's `batch` tracks the write from here on.
      issued();
    }
  };

  const enqueue = (write: Write, callback: Callback) => {
    if (!queued) {
      let issued = () => {};
      const waiting = new Promise<void>((resolve) => (issued = resolve));
      queued = { writes: [], callbacks: [], issued };
      // A store already closed refuses to track it; the batch then fails as any write would.
      lifecycle?.trackOperation(waiting).catch(() => {});
      setImmediate(flush);
    }
    counts.writes++;
    queued.writes.push(write);
    queued.callbacks.push(callback);
  };

  level.put = function putInTurn(this: unknown, key, value, callback) {
    if (typeof callback !== 'function' || level.status !== 'open') {
      flush();
      return put.call(this, key, value, callback);
    }
    enqueue({ type: 'put', key, value }, callback);
  };
  level.del = function delInTurn(this: unknown, key, callback) {
    if (typeof callback !== 'function' || level.status !== 'open') {
      flush();
      return del.call(this, key, callback);
    }
    enqueue({ type: 'del', key }, callback);
  };
  level.batch = function batchAfterTurn(this: unknown, operations, callback) {
    flush();
    return batch.call(this, operations, callback);
  };

  return counts;
}
