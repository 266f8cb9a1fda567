/**
 * An AWS JSON protocol over HTTPS (HTTP for a local endpoint): one signed POST per request on a
 * keep-alive agent. Region, endpoint and credentials come from the options, else from the
 * environment as the SDK reads it in Lambda (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>` or
 * `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`).
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import { loadOnce } from '../core/load-once.ts';
import type { AwsJsonWireTransport } from './json-client.ts';
import type { AwsAnswer } from './service-error.ts';
import { signRequest, type AwsCredentials, type SignableRequest, type SigningScope } from './sigv4.ts';

/** A value, or a function that finds it (the CLI's: the SDK's credential chain). */
export type Provided<T> = T | (() => Promise<T>);

/** One service's JSON protocol: what the transport needs to address and sign its requests. */
export interface AwsJsonService {
  /** In errors: `DynamoDB`, `SQS`. */
  name: string;
  /** The signing name and the host's first label: `dynamodb`, `sqs`. */
  signingName: string;
  /** `X-Amz-Target` is `<targetPrefix>.<operation>`: `DynamoDB_20120810`, `AmazonSQS`. */
  targetPrefix: string;
  /** The environment variable naming its endpoint: `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`. */
  endpointVariable: string;
  /** Headers sent with every request (SQS's `x-amzn-query-mode`). */
  headers?: Record<string, string>;
  /** The protocol's content type: JSON 1.0 (DynamoDB, SQS) unless given (`application/x-amz-json-1.1`: SSM, Secrets Manager). */
  contentType?: string;
}

export interface HttpTransportOptions {
  /** `https://<service>.<region>.amazonaws.com` unless given here or in the environment. */
  endpoint?: Provided<string | undefined> | undefined;
  region?: Provided<string | undefined> | undefined;
  /** Read from the environment at every request when absent (Lambda's role). */
  credentials?: Provided<AwsCredentials> | undefined;
  /** Per request, from the first byte sent to the last received; the SDK sets none. */
  timeoutMs?: number;
  /**
   * The headers that sign a request: SigV4 (`signRequest`) unless given. The one-process
   * runtime's engines never check a signature, so its clients only write one's shape.
   */
  signer?: RequestSigner;
}

/** Returns the headers to add to a request to sign it (`x-amz-date`, `authorization`, …). */
export type RequestSigner = (request: SignableRequest, scope: SigningScope) => Record<string, string>;

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/**
 * The transport of the deployed functions and the CLI: signed requests to an HTTP(S) endpoint.
 * With no endpoint set (option or environment), a request's endpoint hint (SQS's queue URL)
 * gives its origin, as the SDK's `useQueueUrlAsEndpoint` does; else the regional endpoint.
 */
export function createHttpTransport(service: AwsJsonService, options: HttpTransportOptions = {}): AwsJsonWireTransport {
  // Taken with getBuiltinModule, not `import`: an ES import of node:http builds its module view,
  // which loads Node's bundled undici for a WebSocket getter (see outbound-http).
  const http = process.getBuiltinModule('node:http');
  const https = process.getBuiltinModule('node:https');
  const agents = new Map<string, HttpAgent>();
  const sign = options.signer ?? signRequest;

  const target = loadOnce(async () => {
    const region = (await provided(options.region)) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`${service.name} request not sent: no region (set AWS_REGION or pass a region)`);
    const endpoint = (await provided(options.endpoint)) ?? process.env[service.endpointVariable] ?? process.env.AWS_ENDPOINT_URL;
    return { url: endpoint ? new URL(endpoint) : undefined, region };
  });

  return {
    async send(operation, body, endpointHint) {
      const resolved = await target();
      const { region } = resolved;
      const url =
        resolved.url ?? new URL(endpointHint ? new URL(endpointHint).origin : `https://${service.signingName}.${region}.amazonaws.com`);
      const credentials = (await provided(options.credentials)) ?? credentialsFromEnv(service.name);
      const secure = url.protocol === 'https:';
      let agent = agents.get(url.origin);
      if (!agent) {
        agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 50 }) : new http.Agent({ keepAlive: true, maxSockets: 50 });
        agents.set(url.origin, agent);
      }
      const headers: Record<string, string> = {
        host: url.host,
        'content-type': service.contentType ?? JSON_CONTENT_TYPE,
        'x-amz-target': `${service.targetPrefix}.${operation}`,
        ...service.headers,
      };
      Object.assign(
        headers,
        sign(
          { method: 'POST', path: url.pathname || '/', headers, body },
          { region, service: service.signingName, credentials, date: new Date() },
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
      return answerOf(request, body, `${service.name} request to ${url.host}`);
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

function credentialsFromEnv(service: string): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`${service} request not signed: no credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)`);
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}

function answerOf(request: ClientRequest, body: string, what: string): Promise<AwsAnswer> {
  return new Promise((resolve, reject) => {
    request.once('timeout', () => request.destroy(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })));
    request.once('error', reject);
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => {
        const requestId = response.headers['x-amzn-requestid'];
        const queryError = response.headers['x-amzn-query-error'];
        resolve({
          statusCode: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(typeof requestId === 'string' ? { requestId } : {}),
          ...(typeof queryError === 'string' ? { queryError } : {}),
        });
      });
    });
    request.end(body);
  });
}
