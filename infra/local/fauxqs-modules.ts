/**
 * The modules of fauxqs that the local runtime uses beside its entry: its SQS engine's store,
 * router, actions and persistence (fauxqs-sqs.ts), whose queue class the poll timer patches
 * (fauxqs-poll-timer.ts). fauxqs's package exports only its entry, so they are found by their
 * path next to it: the same module instances as the entry's own imports.
 *
 * The compiled CLI compiles these files into its chunks instead (scripts/build-cli.mjs puts a
 * module of static imports of the same paths in this one's place): ~30 ES modules fewer to
 * resolve and link at every start. fauxqs's entry, and so its app, stays an import there. The
 * paths are listed in fauxqs-module-paths.json, which the build reads too; a path not listed
 * is refused here as the compiled CLI refuses it, so a run from source finds a missing entry.
 */
import fauxqsModulePaths from './fauxqs-module-paths.json' with { type: 'json' };

/** Every path (relative to fauxqs's `dist/`) that `importFauxqsModule` may import. */
const listed = new Set<string>(fauxqsModulePaths);

/** The module at `path` in fauxqs's `dist/` (`./sqs/sqsStore.js`); it must be listed in fauxqs-module-paths.json. */
export async function importFauxqsModule(path: string): Promise<Record<string, unknown>> {
  if (!listed.has(path)) throw new Error(`fauxqs module not imported: it is not listed in fauxqs-module-paths.json (${path})`);
  return (await import(new URL(path, import.meta.resolve('fauxqs')).href)) as Record<string, unknown>;
}
