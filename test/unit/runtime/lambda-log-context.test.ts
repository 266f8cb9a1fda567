import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsoleLogger, createLambdaLogger } from '../../../shared/core/logger.ts';
import { withLambdaLogContext } from '../../../shared/runtime/lambda-context.ts';

const context = {
  functionName: 'news-alerts-poll-feed',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:news-alerts-poll-feed',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

describe('withLambdaLogContext', () => {
  afterEach(() => vi.restoreAllMocks());

  it('puts the invocation context on every log line of a Lambda logger', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { log } = createLambdaLogger('news-alerts', 'INFO');
    const handler = withLambdaLogContext(
      middy(async () => log.info('feed polled', { feedId: 'f1' })),
      log,
    );

    await handler({}, context);

    const entry = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.message === 'feed polled');
    expect(entry).toMatchObject({ function_name: 'news-alerts-poll-feed', function_request_id: 'request-1', feedId: 'f1' });
  });

  it('adds nothing to a terminal logger', async () => {
    const log = createConsoleLogger('test', 'SILENT');
    const base = middy(async () => 'ok');
    const use = vi.spyOn(base, 'use');
    expect(withLambdaLogContext(base, log)).toBe(base);
    expect(use).not.toHaveBeenCalled();
  });
});
