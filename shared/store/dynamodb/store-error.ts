import { NewsAlertsError } from '../../core/errors.ts';

/**
 * A DynamoDB call that failed, or a row that failed its schema. The message names the operation,
 * the table and the key, never attribute values.
 */
export class StoreError extends NewsAlertsError {
  readonly table: string;
  readonly operation: string;

  constructor(message: string, options: { table: string; operation: string; retryable: boolean; cause?: unknown }) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.table = options.table;
    this.operation = options.operation;
  }
}

/** Where a call went: used to name it in errors. */
export interface StoreCallContext {
  table: string;
  operation: string;
  /** The key (or a description of the keys) the call touched, e.g. `itemKey=feed-1#abc`. */
  key?: string;
}

// Errors a retry of the same request cannot fix: the request itself is malformed. Everything
// else (throttling, 5xx, network, a missing table or permission) is environmental and retried,
// so the message ends in a DLQ that can be redriven after the fix rather than being dropped.
// A MarshallError is ours: a value DynamoDB cannot hold, refused before anything is sent.
const permanentErrorNames = new Set([
  'ValidationException',
  'SerializationException',
  'ItemCollectionSizeLimitExceededException',
  'MarshallError',
]);

const throttlingErrorNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an error thrown by the DynamoDB client is worth retrying. */
export function isRetryableDynamoDbError(error: unknown): boolean {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? '';
  if (throttlingErrorNames.has(name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500 || e.$fault === 'server') return true;
  return !permanentErrorNames.has(name);
}

/** Wraps an error the client threw in a `StoreError` naming the call; a `StoreError` passes through. */
export function toStoreError(error: unknown, context: StoreCallContext): StoreError {
  if (error instanceof StoreError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const why = describeCause(e);
  return new StoreError(`${context.operation} on table ${context.table} failed: ${why}${keySuffix(context)}`, {
    table: context.table,
    operation: context.operation,
    retryable: isRetryableDynamoDbError(error),
    cause: error,
  });
}

/** A row read back that fails its schema: a retry reads the same row, so it is permanent. */
export function invalidRowError(context: StoreCallContext, issues: string): StoreError {
  return new StoreError(`${context.operation} on table ${context.table} failed: stored row is invalid: ${issues}${keySuffix(context)}`, {
    table: context.table,
    operation: context.operation,
    retryable: false,
  });
}

/** Runs one DynamoDB call and turns whatever it throws into a `StoreError`. */
export async function callStore<T>(context: StoreCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error, context);
  }
}

function describeCause(e: SdkErrorShape): string {
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const message = withoutValues(e.message ?? '').slice(0, 300);
  return message && message !== name ? `${name}: ${message}` : name;
}

/**
 * Validation messages can quote the offending request values ("Value '[...]' at 'item' failed
 * to satisfy constraint", dynalite even quotes whole key lists); keep where and why, drop what.
 */
function withoutValues(message: string): string {
  return message.replace(/Value '[\s\S]*?' at '/g, "Value at '");
}

function keySuffix(context: StoreCallContext): string {
  return context.key ? ` (${context.key})` : '';
}
