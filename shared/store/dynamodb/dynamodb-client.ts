/**
 * Our DynamoDB client: the stores' commands (`commands.ts`) sent as DynamoDB's JSON protocol
 * through a transport (signed HTTPS in the functions and the CLI, dynalite's listener in process
 * in the one-process runtime), with the SDK standard mode's retries: 3 attempts, jittered
 * exponential backoff, for throttling, 5xx answers and socket errors.
 */
import type { DynamoDbCommand } from './commands.ts';
import { errorFromAnswer, isThrottling, isTransient } from './dynamodb-error.ts';

/** What a transport hands back: DynamoDB's answer as it came. */
export interface DynamoDbAnswer {
  statusCode: number;
  body: string;
  requestId?: string;
}

/** Sends one JSON request body for an operation (`GetItem`, …) and returns the answer. */
export interface DynamoDbTransport {
  send(operation: string, body: string): Promise<DynamoDbAnswer>;
  /** Releases sockets (keep-alive agents); the client is not used after. */
  close?(): void;
}

/** What the stores hold: sends a command and returns its output. */
export interface DynamoDbClient {
  send<Input extends object, Output extends object>(command: DynamoDbCommand<Input, Output>): Promise<Output & { $metadata: Metadata }>;
  /** Closes the transport's sockets. */
  destroy(): void;
}

interface Metadata {
  httpStatusCode: number;
  requestId?: string | undefined;
  attempts: number;
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

/** A client over `transport`. */
export function createDynamoDbClient(transport: DynamoDbTransport, retry: RetryOptions = {}): DynamoDbClient {
  const maxAttempts = retry.maxAttempts ?? 3;
  const baseDelayMs = retry.baseDelayMs ?? 100;
  const throttlingBaseDelayMs = retry.throttlingBaseDelayMs ?? 500;

  return {
    async send(command) {
      const body = JSON.stringify(command.toWire());
      for (let attempt = 1; ; attempt++) {
        let answer: DynamoDbAnswer;
        try {
          answer = await transport.send(command.operation, body);
        } catch (error) {
          if (attempt >= maxAttempts || !isTransient(error)) throw withAttempts(error, attempt, command.operation);
          await sleep(delay(attempt, baseDelayMs));
          continue;
        }
        if (answer.statusCode >= 200 && answer.statusCode < 300) {
          const output = command.fromWire(parseOutput(answer.body, command.operation));
          return Object.assign(output, {
            $metadata: { httpStatusCode: answer.statusCode, requestId: answer.requestId, attempts: attempt },
          });
        }
        const error = errorFromAnswer(answer, attempt);
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

function parseOutput(body: string, operation: string): Record<string, unknown> {
  if (body === '') return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(
      new Error(`DynamoDB ${operation} answer unreadable: the body is not JSON (${body.length} bytes)`, { cause: error }),
      {
        retryable: true,
      },
    );
  }
}

/** A socket error, named with the operation and how many attempts it took; a setup error (no region …) as thrown. */
function withAttempts(error: unknown, attempts: number, operation: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  const wrapped = new Error(
    `DynamoDB ${operation} request failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}${error.message.includes(code) ? '' : ` (${code})`}`,
    { cause: error },
  );
  return Object.assign(wrapped, { name: error.name, code, $metadata: { attempts } });
}
