/**
 * Our SQS client's requests handed to fauxqs in this process as objects. fauxqs answers SQS's
 * JSON protocol with one router (`SqsRouter.handle`: the action from `X-Amz-Target`, its handler
 * on the queues' store, an `SqsError` made the error answer with its status, `__type` and
 * `x-amzn-query-error`), which its Fastify route calls with the parsed body. This calls the same
 * router with the same headers and body, so every result and error is the wire's: receipt
 * handles, visibility, redrive to the dead-letter queue, batches' `Failed` entries, long polls.
 * Left out is only what concerns HTTP and JSON text: the client's request and socket, Node's
 * HTTP server, Fastify's routing, hooks and JSON parse and serialization, and our parse of the
 * answer. The router is the one fauxqs-sqs.ts builds, on the store fauxqs's app is built on.
 *
 * The request is copied as its JSON would parse (`copyAsJson`) and so is the answer, since a
 * received message's attributes are the queue's own objects. A fault inside fauxqs (a handler
 * throwing anything but an `SqsError`) is answered 500 as Fastify answers it over HTTP. Fastify's
 * 11 MiB limit on a request's text is not checked (SQS's 1 MiB message limit keeps ours far below).
 * fauxqs's answers carry no request id over HTTP either.
 */
import type { AwsJsonObjectTransport, AwsObjectAnswer } from '../../shared/aws-http/index.ts';
import type { FauxqsRouterReply, FauxqsRouterRequest, FauxqsSqsRouter } from './fauxqs-sqs.ts';
import { copyAsJson } from './json-copy.ts';
import { localSigningHeaders } from './local-request-signer.ts';

type Fields = Record<string, unknown>;

/** A reply that keeps what the router sets: the status (200 unless set) and headers. */
class KeptReply implements FauxqsRouterReply {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
}

export interface FauxqsDirectOptions {
  /** Where the app listens (`127.0.0.1:<port>`): the queue URLs it creates name it. */
  host: string;
  /** Goes in the request's credential scope, where fauxqs reads it, as our clients sign it. */
  region: string;
  /** Whether the engine was stopped: a request is then refused, as its closed port refuses one. */
  stopped(): boolean;
}

/** A transport for our SQS client that runs each request on `router`, with no JSON text and no HTTP. */
export function createFauxqsDirectTransport(router: FauxqsSqsRouter, options: FauxqsDirectOptions): AwsJsonObjectTransport {
  return {
    async exchange(operation, input) {
      if (options.stopped()) throw new Error(`SQS request not sent: the embedded fauxqs is stopped (${operation})`);
      const request: FauxqsRouterRequest = {
        headers: {
          host: options.host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AmazonSQS.${operation}`,
          'x-amzn-query-mode': 'true',
          ...localSigningHeaders(new Date(), options.region, 'sqs'),
        },
        body: copyAsJson(input),
      };
      const reply = new KeptReply();
      let output: unknown;
      try {
        output = await router.handle(request, reply);
      } catch (error) {
        return internalError(error);
      }
      const queryError = reply.headers['x-amzn-query-error'];
      return {
        statusCode: reply.statusCode,
        output: copyAsJson(output ?? {}) as Fields,
        ...(queryError ? { queryError } : {}),
      };
    },
  };
}

/** Fastify's answer to a handler's fault: 500 with the error's message (and code, when it has one). */
function internalError(error: unknown): AwsObjectAnswer {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return {
    statusCode: 500,
    output: {
      statusCode: 500,
      ...(typeof code === 'string' ? { code } : {}),
      error: 'Internal Server Error',
      message: typeof message === 'string' ? message : String(error),
    },
  };
}
