/**
 * DynamoDB's JSON protocol over HTTPS (HTTP for a local endpoint): one signed POST per request
 * on a keep-alive agent. Region, endpoint and credentials come from the options, else from the
 * environment as the SDK reads it in Lambda (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB` or
 * `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`).
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { DynamoDbAnswer, DynamoDbTransport } from './dynamodb-client.ts';
import { signRequest, type AwsCredentials } from './sigv4.ts';

/** A value, or a function that finds it (the CLI's: the SDK's credential chain). */
export type Provided<T> = T | (() => Promise<T>);

export interface HttpTransportOptions {
  /** `https://dynamodb.<region>.amazonaws.com` unless given here or in the environment. */
  endpoint?: Provided<string | undefined> | undefined;
  region?: Provided<string | undefined> | undefined;
  /** Read from the environment at every request when absent (Lambda's role). */
  credentials?: Provided<AwsCredentials> | undefined;
  /** Per request, from the first byte sent to the last received; the SDK sets none. */
  timeoutMs?: number;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** The transport of the deployed functions and the CLI: signed requests to an HTTP(S) endpoint. */
export function createHttpTransport(options: HttpTransportOptions = {}): DynamoDbTransport {
  // Taken with getBuiltinModule, not `import`: an ES import of node:http builds its module view,
  // which loads Node's bundled undici for a WebSocket getter (see outbound-http).
  const http = process.getBuiltinModule('node:http');
  const https = process.getBuiltinModule('node:https');
  const agents = new Map<string, HttpAgent>();
  let target: Promise<{ url: URL; region: string }> | undefined;

  const resolveTarget = async () => {
    const region = (await provided(options.region)) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('DynamoDB request not sent: no region (set AWS_REGION or pass a region)');
    const endpoint =
      (await provided(options.endpoint)) ??
      process.env.AWS_ENDPOINT_URL_DYNAMODB ??
      process.env.AWS_ENDPOINT_URL ??
      `https://dynamodb.${region}.amazonaws.com`;
    return { url: new URL(endpoint), region };
  };

  return {
    async send(operation, body) {
      target ??= resolveTarget().catch((error: unknown) => {
        target = undefined;
        throw error;
      });
      const { url, region } = await target;
      const credentials = (await provided(options.credentials)) ?? credentialsFromEnv();
      const secure = url.protocol === 'https:';
      let agent = agents.get(url.origin);
      if (!agent) {
        agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 50 }) : new http.Agent({ keepAlive: true, maxSockets: 50 });
        agents.set(url.origin, agent);
      }
      const headers: Record<string, string> = {
        host: url.host,
        'content-type': JSON_CONTENT_TYPE,
        'x-amz-target': `DynamoDB_20120810.${operation}`,
      };
      Object.assign(
        headers,
        signRequest(
          { method: 'POST', path: url.pathname || '/', headers, body },
          { region, service: 'dynamodb', credentials, date: new Date() },
        ),
      );
      headers['content-length'] = String(Buffer.byteLength(body));
      const request = (secure ? https.request : http.request)({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname || '/',
        method: 'POST',
        headers,
        agent,
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      });
      return answerOf(request, body, url.host);
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

async function provided<T>(value: Provided<T> | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => Promise<T>)() : value;
}

function credentialsFromEnv(): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('DynamoDB request not signed: no credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)');
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}

function answerOf(request: ClientRequest, body: string, host: string): Promise<DynamoDbAnswer> {
  return new Promise((resolve, reject) => {
    request.once('timeout', () =>
      request.destroy(Object.assign(new Error(`DynamoDB request to ${host} timed out`), { code: 'ETIMEDOUT' })),
    );
    request.once('error', reject);
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => {
        const requestId = response.headers['x-amzn-requestid'];
        resolve({
          statusCode: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(typeof requestId === 'string' ? { requestId } : {}),
        });
      });
    });
    request.end(body);
  });
}
