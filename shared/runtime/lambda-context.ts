import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type middy from '@middy/core';
import { type Log, powertoolsLoggerOf } from '../core/logger.ts';

/**
 * Adds the Powertools logger middleware (function name, request id, cold start on every log
 * line) when `log` is a Lambda logger; terminal and test logs get nothing to add.
 */
export function withLambdaLogContext<T extends { use: (m: middy.MiddlewareObj) => T }>(handler: T, log: Log): T {
  const powertools = powertoolsLoggerOf(log);
  return powertools ? handler.use(injectLambdaContext(powertools)) : handler;
}
