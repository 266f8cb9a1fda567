/**
 * A Lambda `Context` for one local invocation: handlers and middy middlewares read the function
 * name, request id and remaining time from it, as they would in Lambda.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { localRegion } from './engines.ts';

export function createInvocationContext(functionName: string, timeoutSeconds: number, memoryMb = 256): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
