/**
 * DynamoDB's error answers as errors: named by the `__type` suffix, with the fields the answer
 * carries (a conditional failure's `Item`, a cancelled transaction's `CancellationReasons`) kept
 * in their wire form, and `retryable` where the SDK's standard retry mode retries.
 */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';

/** Error names DynamoDB (or its front end) uses for throttling. */
const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'TransactionInProgressException',
  'LimitExceededException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'EC2ThrottledException',
]);

/** Error names of transient faults the SDK's standard mode retries. */
const transientNames = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Socket errors a retry on a fresh connection can get past. */
const transientSocketCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/** An error answer from DynamoDB (or an engine speaking its protocol). */
export class DynamoDbServiceError extends Error {
  /** `server` for a 5xx answer, `client` for a 4xx one. */
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string | undefined; attempts: number };
  /** Whether the SDK's standard mode would send the request again. */
  readonly retryable: boolean;
  /** ConditionalCheckFailedException with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: the item, in wire form. */
  readonly Item?: Record<string, AttributeValue>;
  /** TransactionCanceledException: why each action of the transaction was cancelled. */
  readonly CancellationReasons?: CancellationReason[];

  constructor(
    name: string,
    message: string,
    answer: { statusCode: number; requestId?: string | undefined; attempts: number; fields: Record<string, unknown> },
  ) {
    super(message);
    this.name = name;
    this.$fault = answer.statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: answer.statusCode, requestId: answer.requestId, attempts: answer.attempts };
    this.retryable = answer.statusCode >= 500 || throttlingNames.has(name) || transientNames.has(name);
    if (answer.fields.Item) this.Item = answer.fields.Item as Record<string, AttributeValue>;
    if (answer.fields.CancellationReasons) this.CancellationReasons = answer.fields.CancellationReasons as CancellationReason[];
  }
}

/** Whether an error is throttling (the SDK waits longer before retrying it). */
export function isThrottling(error: unknown): boolean {
  return error instanceof DynamoDbServiceError && throttlingNames.has(error.name);
}

/** Whether a thrown error is worth sending the same request again for. */
export function isTransient(error: unknown): boolean {
  if (error instanceof DynamoDbServiceError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && transientSocketCodes.has(code);
}

/**
 * The error of a non-2xx answer. The body is `{"__type":"com.amazonaws.dynamodb.v20120810#Name","message":"…"}`
 * (`Message` in some answers); a body that is not JSON (a proxy's HTML page) still names the status.
 */
export function errorFromAnswer(answer: { statusCode: number; body: string; requestId?: string | undefined }, attempts: number): Error {
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.body);
    if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: named by the status below.
  }
  const type = typeof fields.__type === 'string' ? fields.__type : '';
  const name = type ? type.slice(type.lastIndexOf('#') + 1) : answer.statusCode >= 500 ? 'InternalServerError' : `Http${answer.statusCode}`;
  const text = typeof fields.message === 'string' ? fields.message : typeof fields.Message === 'string' ? fields.Message : '';
  const message = text || `DynamoDB answered HTTP ${answer.statusCode}${type ? '' : ' without an error type'}`;
  return new DynamoDbServiceError(name, message, { statusCode: answer.statusCode, requestId: answer.requestId, attempts, fields });
}
