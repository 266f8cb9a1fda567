/**
 * AWS Signature Version 4 for one request, synchronously with node:crypto: the canonical
 * request, the string to sign and the derived key as AWS's "Signature Version 4 signing
 * process" describes them. The derived key depends only on the secret, the day, the region and
 * the service, so the last one is kept and reused for the day.
 */
import { createHash, createHmac } from 'node:crypto';

/** AWS credentials: a session token with temporary ones (Lambda's role, SSO). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** The request to sign, with every header it will be sent with (`host` included). */
export interface SignableRequest {
  method: string;
  /** The path, already URI-encoded as it goes on the wire (`/` for the JSON protocols). */
  path: string;
  /** The query string without `?`, empty for none. */
  query?: string;
  headers: Record<string, string>;
  body: string;
}

export interface SigningScope {
  region: string;
  service: string;
  credentials: AwsCredentials;
  date: Date;
}

let lastKey: { id: string; key: Buffer } | undefined;

/**
 * The headers to add to `request`: `x-amz-date`, `x-amz-security-token` (temporary
 * credentials) and `authorization`. Every header of the request (and those added) is signed.
 */
export function signRequest(request: SignableRequest, scope: SigningScope): Record<string, string> {
  const amzDate = scope.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (scope.credentials.sessionToken) added['x-amz-security-token'] = scope.credentials.sessionToken;

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...request.headers, ...added })) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.path,
    canonicalQuery(request.query ?? ''),
    names.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', signingKey(scope.credentials.secretAccessKey, day, scope.region, scope.service))
    .update(stringToSign)
    .digest('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${day}\n${region}\n${service}\n${secret}`;
  if (lastKey?.id === id) return lastKey.key;
  const dayKey = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  const regionKey = createHmac('sha256', dayKey).update(region).digest();
  const serviceKey = createHmac('sha256', regionKey).update(service).digest();
  const key = createHmac('sha256', serviceKey).update('aws4_request').digest();
  lastKey = { id, key };
  return key;
}

/** Parameters sorted by name then value, each part encoded as RFC 3986 says. */
function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      const value = at < 0 ? '' : pair.slice(at + 1);
      return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
