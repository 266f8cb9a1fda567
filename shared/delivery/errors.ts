import { MessageDeferredError, NewsAlertsError } from '../core/errors.ts';

/**
 * A webhook POST that did not succeed. `retryable` errors (408, 429, 5xx, network, timeout) are
 * thrown so SQS redelivers the message (DLQ after maxReceiveCount); permanent ones are recorded.
 */
export class WebhookDeliveryError extends NewsAlertsError {
  /** HTTP status of the receiver's answer; absent for network errors and timeouts. */
  readonly status?: number;
  /** Seconds the receiver asked us to wait (`Retry-After`), when it said so. */
  readonly retryAfterSeconds?: number;
  /** The start of the receiver's answer (a few hundred bytes), for an operator's test alert; never logged. */
  readonly answer?: string;

  constructor(
    message: string,
    options: { retryable: boolean; status?: number; retryAfterSeconds?: number; answer?: string; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.answer !== undefined) this.answer = options.answer;
  }
}

/**
 * Another attempt holds the delivery's lease and may be sending it right now (a duplicate
 * message handled at the same moment): this one must not send. Retryable, but not a failed
 * attempt: the consumer hands the message back for `retryInSeconds` without recording anything,
 * and the next look finds the delivery sent (a no-op) or the lease run out (taken over).
 */
export class DeliveryBusyError extends MessageDeferredError {}
