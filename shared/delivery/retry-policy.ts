import type { Clock } from '../core/clock.ts';
import { isRetryable } from '../core/errors.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { QueueName } from '../core/resource-names.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { DeliveryStore } from '../store/ports.ts';
import { DeliveryBusyError } from './errors.ts';

/**
 * Retry timing of failed deliveries. A retryable failure leaves the message on its queue; we
 * stretch its visibility timeout to an exponentially growing, jittered delay (never shorter than
 * the receiver's `Retry-After`), so the next attempt comes then, and after the queue's
 * maxReceiveCount attempts SQS moves it to the dead-letter queue.
 */
export interface RetryPolicy {
  /** Delay before the second attempt, in seconds. */
  baseSeconds: number;
  /** Growth per attempt. */
  factor: number;
  /** Longest delay, in seconds (SQS allows 12 hours). */
  maxSeconds: number;
}

/**
 * 5 s, 20 s, 80 s, ~5 min, ~21 min, ~85 min, ~5.7 h: with the webhook queue's 8 receives, a
 * receiver gets about 7.7 hours to come back before the delivery is dead-lettered.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseSeconds: 5, factor: 4, maxSeconds: 6 * 60 * 60 };

const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Seconds to wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed:
 * exponential with "equal jitter" (half fixed, half random, so retries of many deliveries spread
 * out but never come early), and at least `retryAfterSeconds` when the receiver asked for that.
 * Always within 1 s – 12 h.
 */
export function retryDelaySeconds(
  attempt: number,
  options: { retryAfterSeconds?: number | undefined; policy?: RetryPolicy; random?: () => number } = {},
): number {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const random = options.random ?? Math.random;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * policy.factor ** exponent);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const wanted = Math.max(jittered, options.retryAfterSeconds ?? 0);
  return Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(wanted)));
}

export interface DeferRetryDeps {
  queue: Pick<MessageQueue, 'delayRetry'>;
  deliveries: Pick<DeliveryStore, 'recordAttempt'>;
  clock: Clock;
  log: Log;
}

/** What a queue consumer knows about the message that failed. */
export interface FailedAttempt {
  queue: QueueName;
  receiptHandle: string;
  /** ApproximateReceiveCount of the message: 1 on the first attempt. */
  attempt: number;
  deliveryKey: string;
  error: unknown;
  /**
   * The queue's last receive (its maxReceiveCount): SQS dead-letters the message next, so the
   * attempt is recorded but not delayed — waiting would only hold it back from the DLQ.
   */
  last?: boolean;
}

/**
 * Before a consumer rethrows a retryable failure: records the attempt on the delivery (what
 * `dlq list` shows as the reason) and pushes the message's next attempt out by
 * {@link retryDelaySeconds}; returns that delay. Neither step may turn the failure into a loss,
 * so their own errors are logged and the message retries on the queue's visibility timeout
 * instead. Permanent errors are left alone.
 */
export async function deferRetry(
  failure: FailedAttempt,
  deps: DeferRetryDeps,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<number | undefined> {
  if (!isRetryable(failure.error)) return undefined;
  const message = errorText(failure.error);
  const retryAfterSeconds = (failure.error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  const delay = retryDelaySeconds(failure.attempt, {
    retryAfterSeconds: typeof retryAfterSeconds === 'number' ? retryAfterSeconds : undefined,
    policy,
  });
  try {
    await deps.deliveries.recordAttempt(failure.deliveryKey, {
      at: deps.clock.now().toISOString(),
      error: message,
      attempt: failure.attempt,
    });
  } catch (error) {
    deps.log.warn('recording a failed attempt failed', { deliveryKey: failure.deliveryKey, error: String(error) });
  }
  if (failure.last) return undefined;
  try {
    await deps.queue.delayRetry(failure.queue, failure.receiptHandle, delay);
  } catch (error) {
    deps.log.warn('delaying a retry failed; the queue visibility timeout applies', {
      deliveryKey: failure.deliveryKey,
      error: String(error),
    });
    return undefined;
  }
  return delay;
}

/** The queue record a delivery came in, as far as retries need it. */
export interface DeliveryQueueRecord {
  receiptHandle: string;
  attributes?: { ApproximateReceiveCount?: string };
}

/** The delivery a consumer is running, and the queue message it came in. */
export interface DeliveryAttempt {
  /** The delivery queue, which is also the channel. */
  queue: 'webhook' | 'email';
  record: DeliveryQueueRecord;
  deliveryKey: string;
  subscriberId: string;
  /** The story; for a digest, `digest:<due time>`. */
  storyId: string;
  /** The queue's maxReceiveCount: a failure on that receive is the last before the DLQ. */
  maxReceiveCount: number;
  /** The consumer moves a failure no retry can help to the DLQ at once (see createSqsConsumer). */
  deadLettersAtOnce?: boolean;
}

export interface DeliverWithRetryDeps extends DeferRetryDeps {
  events: EventSink;
}

/**
 * Runs one delivery; if another attempt holds it (a duplicate message), hands the message back
 * until that attempt's lease has run out, counting no attempt (`delivery-deferred`). If it fails,
 * defers the message's retry ({@link deferRetry}), reports the
 * failed attempt (`delivery-failed`: retried, or dead-lettered on the queue's last receive or at
 * once) and rethrows, so the consumer reports the record as failed. A failure no retry can help
 * is recorded on the delivery (what `dlq list` shows once it is dead-lettered). Shared by every
 * delivery consumer.
 */
export async function deliverWithRetry(
  attempt: DeliveryAttempt,
  deps: DeliverWithRetryDeps,
  policy: RetryPolicy,
  deliver: () => Promise<unknown>,
): Promise<void> {
  try {
    await deliver();
  } catch (error) {
    const receives = Number(attempt.record.attributes?.ApproximateReceiveCount ?? 1);
    if (error instanceof DeliveryBusyError && receives < attempt.maxReceiveCount) return deferBusy(attempt, error, receives, deps);
    const retryable = isRetryable(error);
    // Dead-lettered now: at once by the consumer, or by SQS after the queue's last receive.
    const last = (!retryable && attempt.deadLettersAtOnce === true) || receives >= attempt.maxReceiveCount;
    const failure = {
      queue: attempt.queue,
      receiptHandle: attempt.record.receiptHandle,
      attempt: receives,
      deliveryKey: attempt.deliveryKey,
      error,
      last,
    };
    const retryInSeconds = retryable ? await deferRetry(failure, deps, policy) : await recordLastAttempt(failure, deps);
    deps.events.emit({
      type: 'delivery-failed',
      channel: attempt.queue,
      subscriberId: attempt.subscriberId,
      storyId: attempt.storyId,
      deliveryKey: attempt.deliveryKey,
      error: errorText(error),
      permanent: last,
      attempt: receives,
      ...(last ? { deadLettered: true } : {}),
      ...(retryInSeconds === undefined ? {} : { retryInSeconds }),
    });
    throw error;
  }
}

/**
 * A duplicate that found another attempt holding the delivery: not a failed attempt. Nothing is
 * recorded on the delivery, and the delay is the rest of the lease ({@link DeliveryBusyError}),
 * not the backoff; the message comes back then, to find the delivery sent or to take it over.
 * Rethrows, so the consumer reports the record as not done and SQS keeps it (which costs one of
 * its receives: SQS counts receives, not attempts). On the queue's last receive the busy error
 * takes the ordinary path instead: dead-lettered and recorded, never lost.
 */
async function deferBusy(attempt: DeliveryAttempt, error: DeliveryBusyError, receives: number, deps: DeliverWithRetryDeps): Promise<never> {
  let retryInSeconds: number | undefined = error.retryInSeconds;
  try {
    await deps.queue.delayRetry(attempt.queue, attempt.record.receiptHandle, error.retryInSeconds);
  } catch (delayError) {
    deps.log.warn('delaying a busy delivery failed; the queue visibility timeout applies', {
      deliveryKey: attempt.deliveryKey,
      error: String(delayError),
    });
    retryInSeconds = undefined;
  }
  deps.events.emit({
    type: 'delivery-deferred',
    channel: attempt.queue,
    subscriberId: attempt.subscriberId,
    storyId: attempt.storyId,
    deliveryKey: attempt.deliveryKey,
    reason: 'busy',
    attempt: receives,
    ...(retryInSeconds === undefined ? {} : { retryInSeconds }),
  });
  throw error;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Records a failure no retry can help on the delivery; a failing record is logged, never thrown. */
async function recordLastAttempt(failure: FailedAttempt, deps: Pick<DeferRetryDeps, 'deliveries' | 'clock' | 'log'>): Promise<undefined> {
  try {
    await deps.deliveries.recordAttempt(failure.deliveryKey, {
      at: deps.clock.now().toISOString(),
      error: errorText(failure.error),
      attempt: failure.attempt,
    });
  } catch (recordError) {
    deps.log.warn('recording a failed attempt failed', { deliveryKey: failure.deliveryKey, error: String(recordError) });
  }
  return undefined;
}
