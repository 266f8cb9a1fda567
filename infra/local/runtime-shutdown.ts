/**
 * Stopping one-process mode: undoing a start that failed half-way, and the graceful stop of a
 * running runtime, whose order matters (no new work, work in flight finishes, then engines close).
 */
import type { Log } from '../../shared/core/logger.ts';
import type { ApiServer } from './api-server.ts';
import { errorMessage } from './error-message.ts';
import type { EventSourceLoop } from './event-source-loop.ts';
import type { RuntimeEngines } from './runtime-engines.ts';
import type { Scheduler } from './scheduler.ts';
import type { TtlSweeper } from './ttl-sweeper.ts';

/** What has started so far while the runtime starts, to undo it if a later step fails. */
export interface CleanupStack {
  /** Records how to undo a step that has just succeeded. */
  push(step: () => Promise<void> | void): void;
  /** Undoes every recorded step, newest first; a failing step is logged and the rest still run. */
  unwind(): Promise<void>;
  /** Forgets every step: from then on the running runtime's `stop()` owns the shutdown. */
  release(): void;
}

export function createCleanupStack(log: Log): CleanupStack {
  const steps: (() => Promise<void> | void)[] = [];
  return {
    push(step) {
      steps.push(step);
    },
    async unwind() {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step();
        } catch (error) {
          log.warn('local runtime cleanup step failed', { error: errorMessage(error) });
        }
      }
    },
    release() {
      steps.splice(0);
    },
  };
}

/** The parts of a running runtime that `stop()` closes. */
export interface RunningParts {
  log: Log;
  scheduler: Scheduler;
  sweeper: TtlSweeper;
  api: ApiServer;
  loops: ReadonlyMap<unknown, EventSourceLoop>;
  engines: RuntimeEngines;
}

/**
 * The runtime's `stop()`: timers and new receives stop, batches and requests in flight finish,
 * then the API server and engines close. Calling it again returns the same promise.
 */
export function createGracefulStop(parts: RunningParts): () => Promise<void> {
  const { log, scheduler, sweeper, api, loops, engines } = parts;
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      log.info('local runtime stopping: finishing work in flight');
      await scheduler.stop();
      await sweeper.stop();
      await api.close().catch((error: unknown) => log.warn('local API server close failed', { error: errorMessage(error) }));
      const loopsStopped = Promise.all([...loops.values()].map((loop) => loop.stop()));
      // Each loop now waits for its receive, which waits up to a second on an idle queue: end
      // the waits (what they return is still handled), so the stop does not take that second.
      engines.sqsEngine.endWaitingReceives();
      await loopsStopped;
      await engines.close();
      log.info('local runtime stopped');
    })();
    return stopping;
  };
}
