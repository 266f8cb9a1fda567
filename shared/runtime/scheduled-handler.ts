import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Log } from '../core/logger.ts';
import { withLambdaLogContext } from './lambda-context.ts';

export type ScheduledHandler<R> = (event?: unknown, context?: Partial<Context>) => Promise<R>;

/**
 * A schedule-triggered handler (the EventBridge rule's event carries nothing we use) with the
 * same middy stack as the queue consumers: the Powertools log context in Lambda.
 */
export function createScheduledHandler<R>(log: Log, run: () => Promise<R>): ScheduledHandler<R> {
  const handler = withLambdaLogContext(middy(async () => run()), log);
  return (event, context) => handler(event ?? {}, (context ?? {}) as Context) as Promise<R>;
}
