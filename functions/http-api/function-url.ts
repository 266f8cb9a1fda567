import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from '../../shared/api/index.ts';

/** A Function URL event (payload 2.0) as the pages and the API see a request. */
export function toHttpRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const cookies: Record<string, string> = {};
  for (const cookie of event.cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at <= 0) continue;
    const name = cookie.slice(0, at).trim();
    // The first of two same-named cookies is the most specific one (RFC 6265 ordering).
    if (!(name in cookies)) cookies[name] = cookie.slice(at + 1).trim();
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) if (value !== undefined) params[name] = value;
  const rawBody = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const body = event.body === undefined ? '' : event.isBase64Encoded ? rawBody.toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    cookies,
    body,
    rawBody,
    sourceIp: event.requestContext.http.sourceIp,
    params,
  };
}

/** A response as a Function URL result. */
export function toFunctionUrlResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { ...response.headers },
    body: response.body,
    ...(response.cookies?.length ? { cookies: response.cookies } : {}),
  };
}
