import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** When it arrived (ms since the epoch). */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: ReceivedRequest[];
  /** How the next requests are answered; the last entry repeats. */
  answers: Answer[];
  /** When set, answers each request by its content instead of `answers`. */
  answerFor?: ((request: ReceivedRequest) => Answer) | undefined;
  stop(): Promise<void>;
}

/** An HTTP answer (after `delayMs`, a slow receiver), or 'hang' to never answer (a timeout from the client's side). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

/** A real HTTP server on 127.0.0.1 (ephemeral port) that records every request it gets. */
export async function startWebhookReceiver(answers: Answer[] = [{ status: 204 }]): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const receiver = { requests, answers } as WebhookReceiver;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        at: Date.now(),
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const answer = receiver.answerFor
        ? receiver.answerFor(received)
        : (receiver.answers[Math.min(requests.length - 1, receiver.answers.length - 1)] ?? { status: 204 });
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      const respond = () => {
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body ?? (answer.status === 204 ? undefined : 'receiver says hello'));
      };
      if (answer.delayMs === undefined) respond();
      else setTimeout(respond, answer.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.stop = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
