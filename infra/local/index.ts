/**
 * One-process mode: the public surface of `infra/local`. The CLI (`news-alerts run`, `demo`)
 * and end-to-end tests start the pipeline through here.
 */
export {
  IdleTimeoutError,
  startLocalRuntime,
  type HandlerFactory,
  type HandlerFactoryContext,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type LocalWiring,
  type WaitForIdleOptions,
} from './runtime.ts';
export { installSignalHandlers } from './signal-handlers.ts';
export type { DeadLetter, MessageCounts, QueueDepth } from './queue-inspection.ts';
export type { EventSourceLoopStats } from './event-source-loop.ts';
export type { SweepResult } from './ttl-sweeper.ts';
