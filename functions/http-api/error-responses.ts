import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Log } from '../../shared/core/logger.ts';
import { PROBLEM_MEDIA_TYPE, ProblemError } from '../../shared/core/problem.ts';
import { toFunctionUrlResult } from './function-url.ts';

/** Paths answered in JSON (problem+json on failure); every other path is a page. */
export function isJsonPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/health' || path === '/topics';
}

/**
 * Turns any failure into a response: a `ProblemError` says what to answer; the router's 404 is
 * a not-found; anything else is logged and answered with a bare 500 (no internals leak). JSON
 * paths get problem+json, pages an HTML page in the site's layout (its code loaded with the
 * first page that fails, like the pages' own: see the handler).
 */
export function errorResponses(options: { log: Log }): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async function renderError(request) {
      const path = request.event?.rawPath ?? '/';
      const problem = toProblem(request.error, path, options.log);
      const headers = { ...problem.headers };
      if (isJsonPath(path)) {
        request.response = toFunctionUrlResult({
          status: problem.status,
          headers: { 'content-type': `${PROBLEM_MEDIA_TYPE}; charset=utf-8`, 'cache-control': 'no-store', ...headers },
          body: JSON.stringify(problem.toDocument(path)),
        });
        return;
      }
      const { htmlResponse } = await import('../../shared/api/index.ts');
      const { renderMessagePage } = await import('../../shared/web/index.ts');
      // A page behind Basic auth asks the browser for credentials; Bearer means nothing to it.
      const page = renderMessagePage({
        title: problem.kind === 'not-found' ? 'Page not found' : problem.title,
        message: problem.kind === 'internal' ? 'Something went wrong on our side. Please try again in a moment.' : problem.detail,
        tone: 'error',
        link: { href: '/', text: 'Go to the start page' },
      });
      request.response = toFunctionUrlResult(htmlResponse(problem.status, page, { headers }));
    },
  };
}

function toProblem(error: unknown, path: string, log: Log): ProblemError {
  if (error instanceof ProblemError) {
    if (error.status >= 500) log.error('http-api request failed', { path, error: error.message });
    return error;
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 404) return new ProblemError('not-found', `no such resource: ${path}`);
  log.error('http-api request failed', { path, error: error instanceof Error ? error.message : String(error) });
  return new ProblemError('internal', 'the request failed on our side; it was logged');
}
