/**
 * fauxqs's SQLite database (`fauxqs.db` in its data folder) commits as dynalite's LevelDB writes:
 * to the operating system, without waiting for the disk. fauxqs opens it in WAL mode and leaves
 * SQLite's default `synchronous = FULL`, an fsync at every commit; each message's send, receive
 * and delete is a commit of its own, so each message cost three fsyncs (~3 ms each on an ordinary
 * disk), with the whole process waiting on each (node:sqlite is synchronous): 300 messages took
 * ~2.5–3 s instead of ~0.2 s, and ~0.15 s more CPU.
 *
 * With WAL, `NORMAL` syncs only at checkpoints: every commit still survives a crash of this
 * process (it is in the write-ahead log the moment the call returns), and the database stays
 * consistent whatever happens; only the last commits can be lost to a crash of the operating
 * system or a power cut. That is what dynalite's LevelDB (which never syncs its writes) already
 * gives the tables beside the queues, so the pipeline as a whole promised no more.
 */
import type { FauxqsSqsStore } from './fauxqs-sqs.ts';

/** Sets `synchronous = NORMAL` on the database of fauxqs's store, if it keeps one (not in memory). */
export function commitWithoutFsync(store: FauxqsSqsStore): void {
  store.persistence?.db?.exec('PRAGMA synchronous = NORMAL');
}
