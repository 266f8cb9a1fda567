import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../../runtime/clock.ts';
import type { DeliveryClaim, DeliveryStore } from '../ports.ts';
import { epochSeconds, isConditionalCheckFailed, statusOfOldItem } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { buildUpdate } from './expressions.ts';
import { deliveryRowSchema, parseRow, type DeliveryRow } from './rows.ts';
import { callStore, StoreError, toStoreError } from './store-error.ts';

/** Longest failure reason kept on the row. */
const MAX_ERROR_LENGTH = 1000;
/** Expiry given to an outcome whose marker is missing (it was never begun, or expired). */
const FALLBACK_RETENTION_SECONDS = 30 * 24 * 60 * 60;
const MAX_BEGIN_ATTEMPTS = 3;

/**
 * DeliveryStore on the deliveries table (partition key `deliveryKey`, TTL `expiresAt`).
 *
 * `begin` reports an existing marker's status. A marker recorded as `failed` (a permanent
 * failure) is reported as `'sent'`: the port has no "failed" outcome, and both mean "do not
 * send again" — the failure is already recorded and a resend cannot succeed. As with seen
 * items, a marker past its `expiresAt` counts as absent.
 *
 * `markSent` / `markFailed` never fail for a missing marker: the delivery happened (or failed)
 * either way, so they write the outcome with a fallback expiry rather than lose it.
 */
export function createDynamoDbDeliveryStore(options: DynamoDbTableOptions & { clock?: Clock }): DeliveryStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;

  async function readStatus(deliveryKey: string): Promise<DeliveryRow['status'] | undefined> {
    const context = { table: tableName, operation: 'begin', key: `deliveryKey=${deliveryKey}` };
    const output = await callStore(context, () =>
      client.send(new GetCommand({ TableName: tableName, Key: { deliveryKey }, ConsistentRead: true })),
    );
    if (!output.Item) return undefined;
    const row = parseRow(deliveryRowSchema, output.Item, context);
    return row.expiresAt < epochSeconds(clock.now()) ? undefined : row.status;
  }

  async function recordOutcome(deliveryKey: string, operation: string, set: Record<string, unknown>, remove: string[]) {
    const update = buildUpdate({
      set,
      setIfAbsent: { expiresAt: epochSeconds(clock.now()) + FALLBACK_RETENTION_SECONDS },
      remove,
    });
    await callStore({ table: tableName, operation, key: `deliveryKey=${deliveryKey}` }, () =>
      client.send(new UpdateCommand({ TableName: tableName, Key: { deliveryKey }, ...update })),
    );
  }

  return {
    async begin(deliveryKey, expiresAt): Promise<DeliveryClaim> {
      const context = { table: tableName, operation: 'begin', key: `deliveryKey=${deliveryKey}` };
      for (let attempt = 1; attempt <= MAX_BEGIN_ATTEMPTS; attempt++) {
        const now = clock.now();
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { deliveryKey, status: 'in-progress', startedAt: now.toISOString(), expiresAt } satisfies DeliveryRow,
              ConditionExpression: 'attribute_not_exists(#key) OR #expiresAt < :now',
              ExpressionAttributeNames: { '#key': 'deliveryKey', '#expiresAt': 'expiresAt' },
              ExpressionAttributeValues: { ':now': epochSeconds(now) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return 'new';
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          const old = statusOfOldItem(error);
          const status = old === undefined ? await readStatus(deliveryKey) : parseRow(deliveryRowSchema.shape.status, old, context);
          if (status === 'in-progress') return 'in-progress';
          if (status === 'sent' || status === 'failed') return 'sent';
          // Expired or deleted between the write and the read: begin again.
        }
      }
      throw new StoreError(
        `begin on table ${tableName} failed: the marker kept changing over ${MAX_BEGIN_ATTEMPTS} attempts (deliveryKey=${deliveryKey})`,
        { table: tableName, operation: 'begin', retryable: true },
      );
    },

    async markSent(deliveryKey, detail) {
      await recordOutcome(deliveryKey, 'markSent', { status: 'sent', sentAt: detail.at, httpStatus: detail.status }, ['error', 'failedAt']);
    },

    async markFailed(deliveryKey, detail) {
      await recordOutcome(
        deliveryKey,
        'markFailed',
        { status: 'failed', failedAt: detail.at, error: detail.error.slice(0, MAX_ERROR_LENGTH) },
        [],
      );
    },
  };
}
