/**
 * The modules of fauxqs that the local runtime uses beside its entry: its SQS engine's store,
 * router, actions and persistence (fauxqs-sqs.ts), whose queue class the poll timer patches
 * (fauxqs-poll-timer.ts). fauxqs's package exports only its entry, so they are found by their
 * path next to it: the same module instances as the entry's own imports.
 *
 * The compiled CLI compiles these files into its chunks instead (scripts/build-cli.mjs puts a
 * module of static imports of the same paths in this one's place): ~30 ES modules fewer to
 * resolve and link at every start. fauxqs's entry, and so its app, stays an import there.
 */

/** Every path (relative to fauxqs's `dist/`) imported through `importFauxqsModule`. */
const fauxqsModulePaths = [
  './sqs/sqsStore.js',
  './sqs/sqsRouter.js',
  './sns/snsStore.js',
  './s3/s3Store.js',
  './persistence.js',
  './sqs/actions/createQueue.js',
  './sqs/actions/deleteQueue.js',
  './sqs/actions/getQueueUrl.js',
  './sqs/actions/listQueues.js',
  './sqs/actions/getQueueAttributes.js',
  './sqs/actions/setQueueAttributes.js',
  './sqs/actions/purgeQueue.js',
  './sqs/actions/sendMessage.js',
  './sqs/actions/receiveMessage.js',
  './sqs/actions/deleteMessage.js',
  './sqs/actions/sendMessageBatch.js',
  './sqs/actions/deleteMessageBatch.js',
  './sqs/actions/changeMessageVisibility.js',
  './sqs/actions/changeMessageVisibilityBatch.js',
  './sqs/actions/tagQueue.js',
  './sqs/actions/untagQueue.js',
  './sqs/actions/listQueueTags.js',
] as const;

export type FauxqsModulePath = (typeof fauxqsModulePaths)[number];

/** The module at `path` in fauxqs's `dist/`. */
export async function importFauxqsModule(path: FauxqsModulePath): Promise<Record<string, unknown>> {
  return (await import(new URL(path, import.meta.resolve('fauxqs')).href)) as Record<string, unknown>;
}
