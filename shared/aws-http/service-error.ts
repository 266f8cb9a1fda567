/**
 * The error answers of AWS's JSON protocols as errors: named by the `__type` suffix
 * (`com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`), with the answer's other fields
 * (DynamoDB's `Item`, `CancellationReasons`) kept on the error in their wire form, the query
 * protocol's code where the service sends one (SQS's `x-amzn-query-error`:
 * `AWS.SimpleQueueService.NonExistentQueue`), and `retryable` where the SDK's standard retry mode
 * retries.
 */

/** Error names services (or their front ends) use for throttling. */
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

/** What a transport hands back: the service's answer as it came. */
export interface AwsAnswer {
  statusCode: number;
  body: string;
  requestId?: string | undefined;
  /** The `x-amzn-query-error` header (`Code;Sender`) of a service that keeps its query protocol's codes (SQS). */
  queryError?: string | undefined;
}

/** Fields of the answer the error does not copy onto itself. */
const ownFields = new Set(['__type', 'message', 'Message', 'name', 'stack', 'cause', '$fault', '$metadata', 'retryable', 'Code']);

/** An error answer from an AWS service (or an engine speaking its protocol). */
export class AwsServiceError extends Error {
  /** `server` for a 5xx answer, `client` for a 4xx one. */
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string | undefined; attempts: number };
  /** Whether the SDK's standard mode would send the request again. */
  readonly retryable: boolean;
  /** The query protocol's error code where the service sends one (`AWS.SimpleQueueService.NonExistentQueue`), as the SDK's `Code`. */
  readonly Code?: string;
  /** Every other field of the answer (`Item`, `CancellationReasons`, …), in wire form. */
  readonly [field: string]: unknown;

  constructor(
    name: string,
    message: string,
    answer: {
      statusCode: number;
      requestId?: string | undefined;
      attempts: number;
      fields: Record<string, unknown>;
      code?: string | undefined;
    },
  ) {
    super(message);
    for (const [field, value] of Object.entries(answer.fields)) {
      if (!ownFields.has(field)) Object.defineProperty(this, field, { value, enumerable: true });
    }
    this.name = name;
    this.$fault = answer.statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: answer.statusCode, requestId: answer.requestId, attempts: answer.attempts };
    this.retryable =
      answer.statusCode >= 500 || throttlingNames.has(name) || transientNames.has(name) || throttlingNames.has(answer.code ?? '');
    if (answer.code) this.Code = answer.code;
  }
}

/** Whether an error is throttling (the SDK waits longer before retrying it). */
export function isThrottling(error: unknown): boolean {
  return error instanceof AwsServiceError && (throttlingNames.has(error.name) || throttlingNames.has(error.Code ?? ''));
}

/** Whether a thrown error is worth sending the same request again for. */
export function isTransient(error: unknown): boolean {
  if (error instanceof AwsServiceError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && transientSocketCodes.has(code);
}

/**
 * The error of a non-2xx answer of `service` (`DynamoDB`, `SQS`). The body is
 * `{"__type":"<namespace>#Name","message":"…"}` (`Message` in some answers); a body that is not
 * JSON (a proxy's HTML page) still names the status.
 */
export function errorFromAnswer(service: string, answer: AwsAnswer, attempts: number): AwsServiceError {
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.body);
    if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: named by the status below.
  }
  return errorFromFields(service, answer, fields, attempts);
}

/** The error of a non-2xx answer whose body is already parsed into `fields` (an engine in this process hands them over as such). */
export function errorFromFields(
  service: string,
  answer: Omit<AwsAnswer, 'body'>,
  fields: Record<string, unknown>,
  attempts: number,
): AwsServiceError {
  const type = typeof fields.__type === 'string' ? fields.__type : '';
  const code = answer.queryError?.split(';')[0] || undefined;
  const name = type
    ? type.slice(type.lastIndexOf('#') + 1)
    : (code ?? (answer.statusCode >= 500 ? 'InternalServerError' : `Http${answer.statusCode}`));
  const text = typeof fields.message === 'string' ? fields.message : typeof fields.Message === 'string' ? fields.Message : '';
  const message = text || `${service} answered HTTP ${answer.statusCode}${type ? '' : ' without an error type'}`;
  return new AwsServiceError(name, message, { statusCode: answer.statusCode, requestId: answer.requestId, attempts, fields, code });
}
