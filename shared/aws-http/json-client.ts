/**
 * A client for one of AWS's JSON protocols (DynamoDB's, SQS's): an operation's input sent as
 * JSON through a transport (signed HTTPS in the functions and the CLI), or handed as an object
 * to an engine in this process (the one-process runtime's dynalite), with the SDK standard
 * mode's retries: 3 attempts, jittered exponential backoff, for throttling, 5xx answers and
 * socket errors.
 */
import { errorFromAnswer, errorFromFields, isThrottling, isTransient, type AwsAnswer } from './service-error.ts';

/** Sends one JSON request body for an operation (`GetItem`, `SendMessageBatch`, …) and returns the answer. */
export interface AwsJsonWireTransport {
  /** `endpointHint`: a URL the request is about (SQS's queue URL), used as the endpoint when none is set. */
  send(operation: string, body: string, endpointHint?: string): Promise<AwsAnswer>;
  /** Releases sockets (keep-alive agents); the client is not used after. */
  close?(): void;
}

/** An answer as an object: what the JSON body would hold, parsed (the output, or the error's fields). */
export interface AwsObjectAnswer {
  statusCode: number;
  output: Record<string, unknown>;
  requestId?: string | undefined;
  /** The query protocol's error code of an error answer (SQS's `x-amzn-query-error` header: `Code;Sender`), where the engine gives one. */
  queryError?: string | undefined;
}

/**
 * Hands an operation's input object to an engine in this process and takes its answer object
 * back, with no JSON text between. The answer must equal what the JSON round trip would give and
 * share no object that either side could change with the input or the engine: the caller keeps
 * and may change both. The one exception: deep-frozen parts of the engine's own data (rows it
 * keeps frozen) may be handed over as they are, since nobody can change them.
 */
export interface AwsJsonObjectTransport {
  exchange(operation: string, input: object): Promise<AwsObjectAnswer>;
  close?(): void;
}

/** Where a client's requests go: JSON text over a wire, or objects to an engine in this process. */
export type AwsJsonTransport = AwsJsonWireTransport | AwsJsonObjectTransport;

/** How a request went: the SDK's `$metadata`. */
export interface AwsMetadata {
  httpStatusCode: number;
  requestId?: string | undefined;
  attempts: number;
}

/** Sends an operation's input and returns its output, still in wire form. */
export interface AwsJsonClient {
  call(operation: string, input: object, endpointHint?: string): Promise<{ output: Record<string, unknown>; $metadata: AwsMetadata }>;
  /** Closes the transport's sockets. */
  destroy(): void;
}

export interface RetryOptions {
  /** Attempts in all, the first included (the SDK's standard mode: 3). */
  maxAttempts?: number;
  /** Backoff base of ordinary transient errors (100 ms) and of throttling (500 ms). */
  baseDelayMs?: number;
  throttlingBaseDelayMs?: number;
}

/** The longest wait between two attempts (the SDK's cap). */
const MAX_DELAY_MS = 20_000;

/** A client of `service` (its name in errors: `DynamoDB`, `SQS`) over `transport`. */
export function createAwsJsonClient(service: string, transport: AwsJsonTransport, retry: RetryOptions = {}): AwsJsonClient {
  const maxAttempts = retry.maxAttempts ?? 3;
  const baseDelayMs = retry.baseDelayMs ?? 100;
  const throttlingBaseDelayMs = retry.throttlingBaseDelayMs ?? 500;

  return {
    async call(operation, input, endpointHint) {
      let exchange: () => Promise<AwsAnswer | AwsObjectAnswer>;
      if ('send' in transport) {
        const body = JSON.stringify(input);
        exchange = () => transport.send(operation, body, endpointHint);
      } else {
        exchange = () => transport.exchange(operation, input);
      }
      for (let attempt = 1; ; attempt++) {
        let answer: AwsAnswer | AwsObjectAnswer;
        try {
          answer = await exchange();
        } catch (error) {
          if (attempt >= maxAttempts || !isTransient(error)) throw withAttempts(error, attempt, `${service} ${operation}`);
          await sleep(delay(attempt, baseDelayMs));
          continue;
        }
        if (answer.statusCode >= 200 && answer.statusCode < 300) {
          return {
            output: 'output' in answer ? answer.output : parseOutput(answer.body, `${service} ${operation}`),
            $metadata: { httpStatusCode: answer.statusCode, requestId: answer.requestId, attempts: attempt },
          };
        }
        const error =
          'output' in answer ? errorFromFields(service, answer, answer.output, attempt) : errorFromAnswer(service, answer, attempt);
        if (attempt >= maxAttempts || !isTransient(error)) throw error;
        await sleep(delay(attempt, isThrottling(error) ? throttlingBaseDelayMs : baseDelayMs));
      }
    },
    destroy() {
      transport.close?.();
    },
  };
}

/** Full jitter: a random wait up to base × 2^(attempt − 1), capped. */
function delay(attempt: number, base: number): number {
  return Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseOutput(body: string, request: string): Record<string, unknown> {
  if (body === '') return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(new Error(`${request} answer unreadable: the body is not JSON (${body.length} bytes)`, { cause: error }), {
      retryable: true,
    });
  }
}

/** A socket error, named with the request and how many attempts it took; a setup error (no region …) as thrown. */
function withAttempts(error: unknown, attempts: number, request: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  const wrapped = new Error(
    `${request} request failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}${error.message.includes(code) ? '' : ` (${code})`}`,
    { cause: error },
  );
  return Object.assign(wrapped, { name: error.name, code, $metadata: { attempts } });
}
