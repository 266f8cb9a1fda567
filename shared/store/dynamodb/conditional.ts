import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Whether a write was refused by its ConditionExpression (an expected outcome, not a failure). */
export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException')
  );
}

/**
 * The `status` string attribute of the item DynamoDB returned with a conditional failure
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`). The item is in the low-level wire format
 * (the DocumentClient does not unmarshall exceptions). Undefined when the engine returned no
 * item: dynalite ignores the parameter, so callers fall back to a consistent read.
 */
export function statusOfOldItem(error: ConditionalCheckFailedException): string | undefined {
  const status = error.Item?.status;
  return status && 'S' in status ? status.S : undefined;
}

/** Epoch seconds of a date, the unit of DynamoDB TTL attributes. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
