import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpRouterHandler from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describeHealth } from '../../shared/api/health.ts';
import { listTopics } from '../../shared/api/list-topics.ts';
import { readEnv } from '../../shared/config/env.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context?: Partial<Context>,
) => Promise<APIGatewayProxyStructuredResultV2>;

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/** The HTTP API (Function URL in AWS, 127.0.0.1 in one-process mode): health and topics. */
export function createHandler(deps: Deps): HttpHandler {
  const routes = [
    {
      method: 'GET' as const,
      path: '/health',
      handler: async function health() {
        const report = await describeHealth(deps.feeds);
        return json(200, report);
      },
    },
    {
      method: 'GET' as const,
      path: '/topics',
      handler: async function topics() {
        return json(200, { topics: await listTopics(deps.topics) });
      },
    },
  ];
  const handler = middy(httpRouterHandler({ routes }))
    .use(httpSecurityHeaders())
    .use(
      httpErrorHandler({
        logger: (error: unknown) => deps.log.error('http-api request failed', { error: String(error) }),
      }),
    );
  return handler as unknown as HttpHandler;
}

let cached: HttpHandler | undefined;
export const handler: HttpHandler = (event, context) => (cached ??= createHandler(createDeps(readEnv())))(event, context);
