import type { DynamoDbServiceError } from './dynamodb-client.ts';

/** Whether a write was refused by its ConditionExpression (an expected outcome, not a failure). */
export function isConditionalCheckFailed(error: unknown): error is DynamoDbServiceError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

/** A delivery marker's status and lease as the item returned with a conditional failure holds them. */
export interface OldMarker {
  status: string | undefined;
  leaseUntil: number | undefined;
}

/**
 * The `status` and `leaseUntil` attributes of the item DynamoDB returned with a conditional
 * failure (`ReturnValuesOnConditionCheckFailure: ALL_OLD`). The item is in the wire format, as
 * the error answer carried it (errors are not unmarshalled). Undefined when the engine returned
 * no item: dynalite ignores the parameter, so callers fall back to a consistent read.
 */
export function markerOfOldItem(error: DynamoDbServiceError): OldMarker | undefined {
  const item = error.Item;
  if (!item) return undefined;
  const status = item.status && 'S' in item.status ? item.status.S : undefined;
  const leaseUntil = item.leaseUntil && 'N' in item.leaseUntil ? Number(item.leaseUntil.N) : undefined;
  return { status, leaseUntil };
}

/** Epoch seconds of a date, the unit of DynamoDB TTL attributes. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
