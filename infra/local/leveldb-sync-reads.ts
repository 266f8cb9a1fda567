/**
 * LevelDB reads on the calling thread. classic-level's `get()` sends every read to libuv's thread
 * pool and back (about 40 µs of CPU each, measured here), while `getSync()` answers the same read
 * from LevelDB's memtable, block cache or the OS page cache in a few µs. dynalite reads a table's
 * description and then its item for every request, so those round trips were a tenth of the
 * one-process runtime's CPU. Writes stay asynchronous (they append to the log); what a read sees
 * is the same either way: the store as of the last completed write.
 */
import { Level } from 'level';

let installed = false;

/** Makes every classic-level `get()` in this process read synchronously; a second call does nothing. */
export function useSynchronousLevelReads(): void {
  if (installed) return;
  installed = true;
  const prototype = Level.prototype as unknown as {
    _get(key: unknown, options: unknown): Promise<unknown>;
    _getSync(key: unknown, options: unknown): unknown;
  };
  prototype._get = async function getOnThisThread(key, options) {
    return this._getSync(key, options);
  };
}
