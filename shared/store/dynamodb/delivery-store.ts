import { GetCommand, PutCommand, UpdateCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { isoDateTime } from '../../messages/schemas.ts';
import type { DeliveryClaim, DeliveryLease, DeliveryRecord, DeliveryStore } from '../ports.ts';
import { epochSeconds, isConditionalCheckFailed, markerOfOldItem, type OldMarker } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { buildUpdate } from './expressions.ts';
import { deliveryRowSchema, parseRow, type DeliveryRow } from './rows.ts';
import { callStore, StoreError, toStoreError } from './store-error.ts';

/** Longest failure reason kept on the row. */
const MAX_ERROR_LENGTH = 1000;
/** Expiry given to an outcome whose marker is missing (it was never begun, or expired). */
const FALLBACK_RETENTION_SECONDS = 30 * 24 * 60 * 60;
const MAX_BEGIN_ATTEMPTS = 3;
/** How long pacing and channel-health rows are kept after their last write. */
const AUX_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** A delivery row as `getDelivery` reads it: the marker plus the attempt bookkeeping. */
const deliveryRecordRowSchema = z.extend(deliveryRowSchema, {
  attempts: z.optional(z.number().check(z.int(), z.minimum(0))),
  lastError: z.optional(z.string()),
  lastAttemptAt: z.optional(isoDateTime),
});

/**
 * Row keys of the two auxiliary row kinds sharing the table with delivery markers. `!` starts
 * no subscriber id (config ids are slugs, generated ids are too), so they never collide with a
 * delivery key (`<subscriberId>#<storyId>#<channelId>`).
 */
const paceKey = (laneKey: string) => `!pace#${laneKey}`;
const healthKey = (channelKey: string) => `!health#${channelKey}`;

/**
 * DeliveryStore on the deliveries table (partition key `deliveryKey`, TTL `expiresAt`).
 *
 * `begin` reports an existing marker's status. A marker recorded as `failed` (a permanent
 * failure) is reported as `sent`: the port has no "failed" outcome, and both mean "do not
 * send again" — the failure is already recorded and a resend cannot succeed. As with seen
 * items, a marker past its `expiresAt` counts as absent. An `in-progress` marker carries its
 * lease (`leaseOwner`, `leaseUntil` in epoch ms): while the lease lasts `begin` says `busy`;
 * once it ran out, an update conditional on that takes the marker over, keeping the attempt
 * bookkeeping `recordAttempt` left on it.
 *
 * `markSent` / `markFailed` never fail for a missing marker: the delivery happened (or failed)
 * either way, so they write the outcome with a fallback expiry rather than lose it.
 * `recordAttempt` adds the attempt count and last error of a retried delivery to its marker.
 *
 * Two auxiliary row kinds share the table, under keys no delivery key can take: Slack pacing
 * slots (`!pace#<lane>`, `nextSlotAt` in epoch ms, claimed by conditional update) and per-channel
 * permanent-failure counters (`!health#<subscriber>#<channel>`, a count within a rolling window).
 * Both expire with the table's TTL.
 */
export function createDynamoDbDeliveryStore(options: DynamoDbTableOptions & { clock?: Clock }): DeliveryStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;

  async function readMarker(deliveryKey: string): Promise<OldMarker | undefined> {
    const context = { table: tableName, operation: 'begin', key: `deliveryKey=${deliveryKey}` };
    const output = await callStore(context, () =>
      client.send(new GetCommand({ TableName: tableName, Key: { deliveryKey }, ConsistentRead: true })),
    );
    if (!output.Item) return undefined;
    const row = parseRow(deliveryRowSchema, output.Item, context);
    return row.expiresAt < epochSeconds(clock.now()) ? undefined : { status: row.status, leaseUntil: row.leaseUntil };
  }

  /**
   * Takes over an `in-progress` marker whose lease ran out (or that has none: written before
   * leases), conditional on that: of two takers, the second finds the first's fresh lease.
   */
  async function takeOver(deliveryKey: string, lease: DeliveryLease, now: Date): Promise<boolean> {
    const context = { table: tableName, operation: 'begin', key: `deliveryKey=${deliveryKey}` };
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { deliveryKey },
          UpdateExpression: 'SET #owner = :owner, #until = :until, #startedAt = :startedAt',
          ConditionExpression: '#status = :inProgress AND #expiresAt >= :nowSeconds AND (attribute_not_exists(#until) OR #until < :nowMs)',
          ExpressionAttributeNames: {
            '#owner': 'leaseOwner',
            '#until': 'leaseUntil',
            '#startedAt': 'startedAt',
            '#status': 'status',
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: {
            ':owner': lease.owner,
            ':until': now.getTime() + lease.leaseMs,
            ':startedAt': now.toISOString(),
            ':inProgress': 'in-progress',
            ':nowSeconds': epochSeconds(now),
            ':nowMs': now.getTime(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, context);
    }
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
    async begin(deliveryKey, expiresAt, lease): Promise<DeliveryClaim> {
      const context = { table: tableName, operation: 'begin', key: `deliveryKey=${deliveryKey}` };
      for (let attempt = 1; attempt <= MAX_BEGIN_ATTEMPTS; attempt++) {
        const now = clock.now();
        let marker: OldMarker | undefined;
        try {
          const item: DeliveryRow = {
            deliveryKey,
            status: 'in-progress',
            startedAt: now.toISOString(),
            expiresAt,
            leaseOwner: lease.owner,
            leaseUntil: now.getTime() + lease.leaseMs,
          };
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: 'attribute_not_exists(#key) OR #expiresAt < :now',
              ExpressionAttributeNames: { '#key': 'deliveryKey', '#expiresAt': 'expiresAt' },
              ExpressionAttributeValues: { ':now': epochSeconds(now) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return { status: 'new' };
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          marker = markerOfOldItem(error) ?? (await readMarker(deliveryKey));
        }
        // Expired or deleted between the write and the read: begin again.
        if (marker === undefined) continue;
        const status = parseRow(deliveryRowSchema.shape.status, marker.status, context);
        if (status === 'sent' || status === 'failed') return { status: 'sent' };
        if (marker.leaseUntil !== undefined && marker.leaseUntil >= now.getTime()) {
          return { status: 'busy', leaseEndsAt: new Date(marker.leaseUntil) };
        }
        if (await takeOver(deliveryKey, lease, now)) return { status: 'taken-over' };
        // Another taker won, or the marker changed: look again.
      }
      throw new StoreError(
        `begin on table ${tableName} failed: the marker kept changing over ${MAX_BEGIN_ATTEMPTS} attempts (deliveryKey=${deliveryKey})`,
        { table: tableName, operation: 'begin', retryable: true },
      );
    },

    async renewLease(deliveryKey, lease) {
      const context = { table: tableName, operation: 'renewLease', key: `deliveryKey=${deliveryKey}` };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { deliveryKey },
            UpdateExpression: 'SET #until = :until',
            ConditionExpression: '#status = :inProgress AND #owner = :owner',
            ExpressionAttributeNames: { '#until': 'leaseUntil', '#status': 'status', '#owner': 'leaseOwner' },
            ExpressionAttributeValues: {
              ':until': clock.now().getTime() + lease.leaseMs,
              ':inProgress': 'in-progress',
              ':owner': lease.owner,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, context);
      }
    },

    async releaseLease(deliveryKey, owner) {
      const context = { table: tableName, operation: 'releaseLease', key: `deliveryKey=${deliveryKey}` };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { deliveryKey },
            UpdateExpression: 'REMOVE #owner, #until',
            ConditionExpression: '#status = :inProgress AND #owner = :owner',
            ExpressionAttributeNames: { '#status': 'status', '#owner': 'leaseOwner', '#until': 'leaseUntil' },
            ExpressionAttributeValues: { ':inProgress': 'in-progress', ':owner': owner },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
      }
    },

    async markSent(deliveryKey, detail) {
      await recordOutcome(
        deliveryKey,
        'markSent',
        { status: 'sent', sentAt: detail.at, httpStatus: detail.status, publishedAt: detail.publishedAt, fetchedAt: detail.fetchedAt },
        ['error', 'failedAt'],
      );
    },

    async markFailed(deliveryKey, detail) {
      await recordOutcome(
        deliveryKey,
        'markFailed',
        { status: 'failed', failedAt: detail.at, error: detail.error.slice(0, MAX_ERROR_LENGTH) },
        [],
      );
    },

    async recordAttempt(deliveryKey, detail) {
      const update = buildUpdate({
        set: { attempts: detail.attempt, lastError: detail.error.slice(0, MAX_ERROR_LENGTH), lastAttemptAt: detail.at },
        setIfAbsent: { status: 'in-progress', expiresAt: epochSeconds(clock.now()) + FALLBACK_RETENTION_SECONDS },
      });
      await callStore({ table: tableName, operation: 'recordAttempt', key: `deliveryKey=${deliveryKey}` }, () =>
        client.send(new UpdateCommand({ TableName: tableName, Key: { deliveryKey }, ...update })),
      );
    },

    async getDelivery(deliveryKey): Promise<DeliveryRecord | undefined> {
      const context = { table: tableName, operation: 'getDelivery', key: `deliveryKey=${deliveryKey}` };
      const output = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { deliveryKey }, ConsistentRead: true })),
      );
      if (!output.Item) return undefined;
      const row = parseRow(deliveryRecordRowSchema, output.Item, context);
      const record: DeliveryRecord = { deliveryKey: row.deliveryKey, status: row.status };
      if (row.attempts !== undefined) record.attempts = row.attempts;
      if (row.lastError !== undefined) record.lastError = row.lastError;
      if (row.lastAttemptAt !== undefined) record.lastAttemptAt = row.lastAttemptAt;
      if (row.sentAt !== undefined) record.sentAt = row.sentAt;
      if (row.publishedAt !== undefined) record.publishedAt = row.publishedAt;
      if (row.fetchedAt !== undefined) record.fetchedAt = row.fetchedAt;
      if (row.failedAt !== undefined) record.failedAt = row.failedAt;
      if (row.error !== undefined) record.error = row.error;
      return record;
    },

    async claimSendSlot(laneKey, intervalMs) {
      const key = paceKey(laneKey);
      const context = { table: tableName, operation: 'claimSendSlot', key: `deliveryKey=${key}` };
      const nowMs = clock.now().getTime();
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { deliveryKey: key },
            UpdateExpression: 'SET #next = :next, #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#next) OR #next <= :now',
            ExpressionAttributeNames: { '#next': 'nextSlotAt', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':next': nowMs + intervalMs,
              ':now': nowMs,
              ':expiresAt': Math.floor(nowMs / 1000) + AUX_RETENTION_SECONDS,
            },
          }),
        );
        return { granted: true };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
      }
      const output = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { deliveryKey: key }, ConsistentRead: true })),
      );
      const next = Number(output.Item?.nextSlotAt ?? 0);
      // The slot may have freed up between the two calls: wait at least a millisecond, then claim again.
      return { granted: false, waitMs: Math.max(1, next - nowMs) };
    },

    async countChannelFailure(channelKey, detail) {
      const key = healthKey(channelKey);
      const context = { table: tableName, operation: 'countChannelFailure', key: `deliveryKey=${key}` };
      const at = epochSeconds(new Date(detail.at));
      const floor = at - detail.windowSeconds;
      const expiresAt = at + Math.max(detail.windowSeconds, AUX_RETENTION_SECONDS);
      for (let attempt = 1; attempt <= MAX_BEGIN_ATTEMPTS; attempt++) {
        // Inside the window: one more.
        try {
          const output = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { deliveryKey: key },
              UpdateExpression: 'SET #count = #count + :one, #last = :at, #expiresAt = :expiresAt',
              ConditionExpression: '#windowStart > :floor',
              ExpressionAttributeNames: {
                '#count': 'failures',
                '#last': 'lastFailureAt',
                '#windowStart': 'windowStart',
                '#expiresAt': 'expiresAt',
              },
              ExpressionAttributeValues: { ':one': 1, ':at': detail.at, ':floor': floor, ':expiresAt': expiresAt },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          return Number(output.Attributes?.failures ?? 1);
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
        }
        // No window open (absent or stale): open one with this failure.
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { deliveryKey: key, windowStart: at, failures: 1, lastFailureAt: detail.at, expiresAt },
              ConditionExpression: 'attribute_not_exists(#key) OR #windowStart <= :floor',
              ExpressionAttributeNames: { '#key': 'deliveryKey', '#windowStart': 'windowStart' },
              ExpressionAttributeValues: { ':floor': floor },
            }),
          );
          return 1;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          // Another failure opened the window between the two writes: count into it.
        }
      }
      throw new StoreError(`countChannelFailure on table ${tableName} failed: the window kept changing (${key})`, {
        table: tableName,
        operation: 'countChannelFailure',
        retryable: true,
      });
    },
  };
}
