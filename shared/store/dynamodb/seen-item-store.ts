import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from './commands.ts';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { FeedLease, ItemClaim, SeenItemStore } from '../ports.ts';
import { batchGetRows, batchWriteRows, type WriteRequest } from './batch.ts';
import { epochSeconds, isConditionalCheckFailed } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { itemRowSchema, parseRow } from './rows.ts';
import { callStore, StoreError, toStoreError } from './store-error.ts';

/**
 * The row of a feed's item lease, beside the item markers: item keys start with their feed's
 * id, which never starts with '#'.
 */
function leaseKey(feedId: string): string {
  return `#lease#${feedId}`;
}

/** Claim attempts when the blocking marker changes between the write, the read and the takeover. */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * SeenItemStore on the items table (partition key `itemKey`, TTL attribute `expiresAt`).
 *
 * DynamoDB deletes expired rows lazily (up to days later), and locally a sweeper does; so a row
 * whose `expiresAt` has passed counts as absent here: `findSeen` ignores it and `claim` takes it
 * over, and an item that reappears after the retention window is new again, on every engine.
 */
export function createDynamoDbSeenItemStore(options: DynamoDbTableOptions & { clock?: Clock }): SeenItemStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;

  /** The live marker (status and lease) by a consistent read; undefined if absent or expired. */
  async function readMarker(itemKey: string, operation: string): Promise<{ status: 'done' | 'pending'; claimedAt?: number } | undefined> {
    const context = { table: tableName, operation, key: `itemKey=${itemKey}` };
    const output = await callStore(context, () =>
      client.send(new GetCommand({ TableName: tableName, Key: { itemKey }, ConsistentRead: true })),
    );
    if (!output.Item) return undefined;
    const row = parseRow(itemRowSchema, output.Item, context);
    if (row.expiresAt < epochSeconds(clock.now())) return undefined;
    const claimedAt = output.Item.claimedAt;
    return typeof claimedAt === 'number' ? { status: row.status, claimedAt } : { status: row.status };
  }

  return {
    async findSeen(itemKeys) {
      const seen = new Map<string, 'done' | 'pending'>();
      const unique = [...new Set(itemKeys)];
      if (unique.length === 0) return seen;
      const rows = await batchGetRows(
        client,
        tableName,
        unique.map((itemKey) => ({ itemKey })),
        // Eventually consistent (half the cost): the conditional claim is the authority, so a
        // stale "not seen" costs one refused write, never a second alert.
        { operation: 'findSeen', projection: ['itemKey', 'status', 'expiresAt'], consistentRead: false },
      );
      const now = epochSeconds(clock.now());
      for (const raw of rows) {
        const row = parseRow(itemRowSchema, raw, { table: tableName, operation: 'findSeen', key: `itemKey=${String(raw.itemKey)}` });
        if (row.expiresAt >= now) seen.set(row.itemKey, row.status);
      }
      return seen;
    },

    async claim(itemKey, expiresAt, leaseSeconds): Promise<ItemClaim> {
      const context = { table: tableName, operation: 'claim', key: `itemKey=${itemKey}` };
      for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
        const now = epochSeconds(clock.now());
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { itemKey, status: 'pending', expiresAt, claimedAt: now },
              ConditionExpression: 'attribute_not_exists(#key) OR #expiresAt < :now',
              ExpressionAttributeNames: { '#key': 'itemKey', '#expiresAt': 'expiresAt' },
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return 'new';
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
        }
        const marker = await readMarker(itemKey, 'claim');
        if (!marker) continue;
        if (marker.status === 'done') return 'done';
        if (marker.claimedAt !== undefined && marker.claimedAt > now - leaseSeconds) return 'busy';
        // The lease ran out (or was released): take the key over, unless another poller just did.
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { itemKey },
              UpdateExpression: 'SET #claimedAt = :now',
              ConditionExpression:
                marker.claimedAt === undefined
                  ? '#status = :pending AND attribute_not_exists(#claimedAt)'
                  : '#status = :pending AND #claimedAt = :previous',
              ExpressionAttributeNames: { '#claimedAt': 'claimedAt', '#status': 'status' },
              ExpressionAttributeValues: {
                ':now': now,
                ':pending': 'pending',
                ...(marker.claimedAt === undefined ? {} : { ':previous': marker.claimedAt }),
              },
            }),
          );
          return 'pending';
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          // Someone else took it over or finished it: look again.
        }
      }
      throw new StoreError(
        `claim on table ${tableName} failed: the marker kept changing over ${MAX_CLAIM_ATTEMPTS} attempts (itemKey=${itemKey})`,
        { table: tableName, operation: 'claim', retryable: true },
      );
    },

    async release(itemKey) {
      const context = { table: tableName, operation: 'release', key: `itemKey=${itemKey}` };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { itemKey },
            UpdateExpression: 'REMOVE #claimedAt',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#claimedAt': 'claimedAt', '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        );
      } catch (error) {
        // Done meanwhile, or gone: nothing to release.
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
      }
    },

    async markDone(itemKeys, expiresAt, release) {
      const unique = [...new Set(itemKeys)];
      const requests: WriteRequest[] = unique.map((itemKey) => ({ PutRequest: { Item: { itemKey, status: 'done', expiresAt } } }));
      // The caller passes its lease only while it certainly holds: deleted with no condition.
      if (release) requests.push({ DeleteRequest: { Key: { itemKey: leaseKey(release.feedId) } } });
      if (requests.length === 0) return;
      // A done marker is final and carries its own expiry, so it is written whole, 25 a request,
      // with no condition: the claim (or the feed lease) already settled who does the work.
      await batchWriteRows(client, tableName, requests, { operation: 'markDone', key: `${unique.length} items` });
    },

    async markReleased(itemKeys, expiresAt) {
      const unique = [...new Set(itemKeys)];
      if (unique.length === 0) return;
      await batchWriteRows(
        client,
        tableName,
        unique.map((itemKey) => ({ PutRequest: { Item: { itemKey, status: 'pending', expiresAt } } })),
        { operation: 'markReleased', key: `${unique.length} items` },
      );
    },

    async readMarkers(itemKeys) {
      const markers = new Map<string, { status: 'done' | 'pending'; claimedAt?: number }>();
      const unique = [...new Set(itemKeys)];
      if (unique.length === 0) return markers;
      const rows = await batchGetRows(
        client,
        tableName,
        unique.map((itemKey) => ({ itemKey })),
        { operation: 'readMarkers', projection: ['itemKey', 'status', 'expiresAt', 'claimedAt'], consistentRead: true },
      );
      const now = epochSeconds(clock.now());
      for (const raw of rows) {
        const row = parseRow(itemRowSchema, raw, { table: tableName, operation: 'readMarkers', key: `itemKey=${String(raw.itemKey)}` });
        if (row.expiresAt < now) continue;
        const claimedAt = raw.claimedAt;
        markers.set(row.itemKey, typeof claimedAt === 'number' ? { status: row.status, claimedAt } : { status: row.status });
      }
      return markers;
    },

    async leaseFeed(feedId, leaseSeconds, renew): Promise<FeedLease | undefined> {
      const key = leaseKey(feedId);
      const now = epochSeconds(clock.now());
      const token = renew?.token ?? randomUUID();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { itemKey: key, token, takenAt: now, expiresAt: now + leaseSeconds },
            // Free, run out, or (renewing) still ours.
            ConditionExpression: renew ? '#token = :token' : 'attribute_not_exists(#key) OR #expiresAt < :now',
            ExpressionAttributeNames: renew ? { '#token': 'token' } : { '#key': 'itemKey', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: renew ? { ':token': token } : { ':now': now },
          }),
        );
        return { feedId, token, takenAt: now };
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw toStoreError(error, { table: tableName, operation: 'leaseFeed', key: `itemKey=${key}` });
      }
    },

    async releaseFeed(lease) {
      const key = leaseKey(lease.feedId);
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { itemKey: key },
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': lease.token },
          }),
        );
      } catch (error) {
        // Run out and taken by another poller, or gone: nothing of ours to release.
        if (!isConditionalCheckFailed(error))
          throw toStoreError(error, { table: tableName, operation: 'releaseFeed', key: `itemKey=${key}` });
      }
    },
  };
}
