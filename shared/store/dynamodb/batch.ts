import { BatchGetCommand, BatchWriteCommand } from './commands.ts';
import type { DynamoDbClient } from './dynamodb-client.ts';
import { callStore, StoreError } from './store-error.ts';

/** DynamoDB's per-request limits. */
export const BATCH_GET_LIMIT = 100;
export const BATCH_WRITE_LIMIT = 25;

/** Attempts per chunk while DynamoDB returns unprocessed keys (throttling); then give up. */
const MAX_ATTEMPTS = 5;

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/**
 * Reads rows by key with BatchGetItem, 100 keys a request, retrying just the unprocessed keys
 * with backoff a bounded number of times. Strongly consistent by default, so a key written a
 * moment ago is seen; `consistentRead: false` halves the read cost where a stale answer is safe.
 */
export async function batchGetRows(
  client: DynamoDbClient,
  tableName: string,
  keys: Record<string, unknown>[],
  options: { projection?: string[]; operation: string; consistentRead?: boolean },
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const names = options.projection ? Object.fromEntries(options.projection.map((attribute, i) => [`#p${i}`, attribute])) : undefined;
  for (const keyChunk of chunk(keys, BATCH_GET_LIMIT)) {
    let pending: Record<string, unknown>[] = keyChunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw unprocessedError(tableName, options.operation, pending.length);
      if (attempt > 1) await backoff(attempt);
      const context = { table: tableName, operation: options.operation, key: `${pending.length} keys` };
      const output = await callStore(context, () =>
        client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending,
                ConsistentRead: options.consistentRead ?? true,
                ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
              },
            },
          }),
        ),
      );
      rows.push(...((output.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return rows;
}

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** Writes and deletes with BatchWriteItem, 25 a request, retrying unprocessed items (bounded). */
export async function batchWriteRows(
  client: DynamoDbClient,
  tableName: string,
  requests: WriteRequest[],
  options: { operation: string; key?: string },
): Promise<void> {
  for (const requestChunk of chunk(requests, BATCH_WRITE_LIMIT)) {
    let pending: WriteRequest[] = requestChunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw unprocessedError(tableName, options.operation, pending.length, options.key);
      if (attempt > 1) await backoff(attempt);
      const context = { table: tableName, operation: options.operation, key: options.key };
      const output = await callStore(context, () => client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })));
      pending = (output.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

function unprocessedError(table: string, operation: string, count: number, key?: string): StoreError {
  return new StoreError(
    `${operation} on table ${table} failed: ${count} requests still unprocessed after ${MAX_ATTEMPTS} attempts${key ? ` (${key})` : ''}`,
    { table, operation, retryable: true },
  );
}

/** Exponential backoff with full jitter: 0–50 ms, 0–100 ms, … capped at 1 s. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 25 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
