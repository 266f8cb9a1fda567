import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Log } from '../core/logger.ts';
import { withLambdaLogContext } from './lambda-context.ts';
import { type PipelineMetrics, withMetricsFlush } from './pipeline-metrics.ts';

export type ScheduledHandler<R> = (event?: unknown, context?: Partial<Context>) => Promise<R>;

/**
 * A schedule-triggered handler (the EventBridge rule's event carries nothing we use) with the
 * same middy stack as the queue consumers: the Powertools log context in Lambda, and the metrics
 * published after each run when they are on.
 */
export function createScheduledHandler<R>(
  deps: { log: Log; metrics?: PipelineMetrics | undefined },
  run: () => Promise<R>,
): ScheduledHandler<R> {
  const handler = withMetricsFlush(
    withLambdaLogContext(
      middy(async () => run()),
      deps.log,
    ),
    deps.metrics,
  );
  return (event, context) => handler(event ?? {}, (context ?? {}) as Context) as Promise<R>;
}
