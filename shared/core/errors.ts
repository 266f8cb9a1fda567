/**
 * Base errors. Expected outcomes are values; failures are errors carrying `retryable`, which
 * queue consumers use to decide between a retry (batch item failure, DLQ after
 * maxReceiveCount) and a recorded permanent failure.
 */
export class NewsAlertsError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad configuration: a file, a variable or a flag. Never retryable. */
export class ConfigError extends NewsAlertsError {}

/** A queue message or API input that fails its schema. Retrying cannot fix it. */
export class InvalidMessageError extends NewsAlertsError {}

/**
 * A message handed back to its queue on purpose, for later (another worker holds its work right
 * now): an expected outcome thrown so the consumer reports the record as not done. Retryable;
 * consumers log it at info, not as a failure, and set the message's visibility to
 * `retryInSeconds` (by when the other worker is done or its lease has run out) where they can.
 */
export class MessageDeferredError extends NewsAlertsError {
  readonly retryInSeconds: number;

  constructor(message: string, retryInSeconds: number) {
    super(message, { retryable: true });
    this.retryInSeconds = retryInSeconds;
  }
}

/** Whether an unknown thrown value should be retried; unknown errors are, to lose nothing. */
export function isRetryable(error: unknown): boolean {
  return error instanceof NewsAlertsError ? error.retryable : true;
}
