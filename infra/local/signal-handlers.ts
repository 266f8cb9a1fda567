/**
 * Graceful shutdown of one-process mode on SIGINT / SIGTERM (Ctrl-C, `docker stop`, systemd).
 */
import { createConsoleLogger, type Log } from '../../shared/core/logger.ts';

/**
 * Stops the runtime gracefully on SIGINT/SIGTERM (in-flight batches finish), then exits 0; a
 * second signal exits at once with 1. Returns a function that removes the handlers.
 */
export function installSignalHandlers(
  runtime: { stop(): Promise<void> },
  options: { log?: Log; exit?: (code: number) => void } = {},
): () => void {
  const log = options.log ?? createConsoleLogger('news-alerts', 'INFO');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn(`${signal} again: exiting without waiting`);
      exit(1);
      return;
    }
    signalled = true;
    log.info(`${signal} received: finishing work in flight, then exiting (again to force)`);
    runtime.stop().then(
      () => exit(0),
      (error: unknown) => {
        log.error('local runtime did not stop cleanly', { error: error instanceof Error ? error.message : String(error) });
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
