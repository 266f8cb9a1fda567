/**
 * A local stand-in for Amazon SES v1 (the awsQuery protocol: a form-encoded POST with `Action=…`,
 * XML answers), enough for `SendRawEmail`: it records what the real SDK sent and answers with a
 * message id, or with the error a test asks for, shaped as SES shapes it, so the SDK's own
 * parsing of both runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SesRawRequest {
  action: string;
  source?: string;
  destinations: string[];
  /** The raw message, decoded from the request's base64. */
  raw: string;
}

/** An SES error answer: HTTP status, `Type` (Sender or Receiver) and `Code`. */
export interface SesErrorAnswer {
  status: number;
  type: 'Sender' | 'Receiver';
  code: string;
  message: string;
}

export interface SesQueryStandIn {
  url: string;
  requests: SesRawRequest[];
  /** Answers every following request with this error, or with success when undefined. */
  failWith(answer: SesErrorAnswer | undefined): void;
  stop(): Promise<void>;
}

const NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

export async function startSesQueryStandIn(): Promise<SesQueryStandIn> {
  const requests: SesRawRequest[] = [];
  let failure: SesErrorAnswer | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const destinations = [...form.entries()].filter(([key]) => /^Destinations\.member\.\d+$/.test(key)).map(([, value]) => value);
      requests.push({
        action: form.get('Action') ?? '',
        ...(form.has('Source') ? { source: form.get('Source')! } : {}),
        destinations,
        raw: Buffer.from(form.get('RawMessage.Data') ?? '', 'base64').toString('utf8'),
      });
      const requestId = `req-${requests.length}`;
      if (failure) {
        response.writeHead(failure.status, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${failure.type}</Type><Code>${failure.code}</Code>` +
            `<Message>${failure.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<SendRawEmailResponse xmlns="${NAMESPACE}"><SendRawEmailResult><MessageId>ses-${requests.length}</MessageId>` +
          `</SendRawEmailResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></SendRawEmailResponse>`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failWith(answer) {
      failure = answer;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
