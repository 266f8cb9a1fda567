/**
 * One-process mode: the public surface of `infra/local`. The CLI (`news-alerts run`, `demo`, the
 * data-folder commands), the benches and the sample capture start the pipeline, or just its
 * embedded engines, through here. Tests may reach inner files for their types.
 */
export { startLocalRuntime } from './runtime.ts';
export { installSignalHandlers } from './signal-handlers.ts';
export { assertDataFolderFree } from './data-folder.ts';
export { inspectMessages, inspectMessagesOverHttp, type DeadLetter } from './queue-inspection.ts';
export { localSecretDir } from './local-secret.ts';
export { readRunningPipeline } from './running-pipeline.ts';
export { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from './engines.ts';
export {
  createQueues,
  createTables,
  defaultResourcePrefix,
  localDeadLetterQueueName,
  type ProvisionedQueues,
  type ProvisionedTables,
} from './provision.ts';
