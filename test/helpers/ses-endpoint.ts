/**
 * A local HTTP server that answers like the SES v2 API, so the real `SESv2Client` (its request
 * signing, serialization and its own error parsing) runs against it: `SendEmail` requests are
 * recorded, and each is answered by `answer` — by default 200 with a MessageId, or an error as
 * SES sends one (status, `x-amzn-ErrorType` header, JSON `message`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { localCredentials, localRegion } from './engines.ts';

export interface SesRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The JSON body (`SendEmail`: FromEmailAddress, Destination, Content.Raw.Data, EmailTags …). */
  body: Record<string, unknown>;
}

/** What SES answers: success, or an error code with its HTTP status and message. */
export type SesAnswer = { ok: true } | { status: number; code: string; message: string };

export interface SesEndpoint {
  url: string;
  requests: SesRequest[];
  /** Decides the answer to each request; replace it to change the service's mood. */
  answer: (request: SesRequest) => SesAnswer;
  /** A client pointed here; `maxAttempts: 1` so each send is one request. */
  client(options?: { maxAttempts?: number }): SESv2Client;
  close(): Promise<void>;
}

/** Error types as SES (and IAM, for AccessDenied) name them in `x-amzn-ErrorType`. */
function errorTypeHeader(code: string): string {
  const namespace = code === 'AccessDeniedException' ? 'com.amazon.coral.service' : 'com.amazonaws.sesv2';
  return `${code}:http://internal.amazon.com/coral/${namespace}/`;
}

export async function startSesEndpoint(): Promise<SesEndpoint> {
  const requests: SesRequest[] = [];
  let sent = 0;
  const endpoint: SesEndpoint = {
    url: '',
    requests,
    answer: () => ({ ok: true }),
    client(options = {}) {
      return new SESv2Client({
        endpoint: endpoint.url,
        region: localRegion,
        credentials: localCredentials,
        maxAttempts: options.maxAttempts ?? 1,
      });
    },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: SesRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(request);
      const answer = endpoint.answer(request);
      if ('ok' in answer) {
        sent += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${requests.length}` });
        res.end(JSON.stringify({ MessageId: `ses-message-${sent}` }));
        return;
      }
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'x-amzn-requestid': `req-${requests.length}`,
        'x-amzn-errortype': errorTypeHeader(answer.code),
      });
      res.end(JSON.stringify({ message: answer.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return endpoint;
}
