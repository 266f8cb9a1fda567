import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { alertMessageSchema, isoDateTime, newsItemSchema, storyMemberSchema } from '../../messages/schemas.ts';
import type { DigestEntry, DigestHead, DigestStore } from '../ports.ts';
import { epochSeconds, isConditionalCheckFailed } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { parseRow } from './rows.ts';
import { callStore, toStoreError } from './store-error.ts';

/**
 * DigestStore on the digests table: partition key `digestKey` (one per subscriber channel),
 * sort key `entryKey`. A channel's partition holds one row per waiting story
 * (`entryKey = s#<storyId>`, so adding a story twice is refused by a conditional write; once
 * sent it stays as a tombstone until it expires, so a redelivered alert cannot add it again) and one
 * head row (`entryKey = #head`) carrying the digest's due time. Only heads have `dueShard` and
 * `dueAt`, so the `byDue` index is sparse: send-digests queries it for `dueAt <= now` and never
 * scans. The index key is spread over a few shards so no single index partition runs hot.
 */

/** Partitions of the due index; `pageDue` reads one, send-digests all of them at once. */
export const DUE_SHARDS = 4;
const HEAD_KEY = '#head';
const ENTRY_PREFIX = 's#';
/** Entries of a channel whose digest never goes out (subscriber gone) expire after this. */
const ENTRY_RETENTION_SECONDS = 45 * 24 * 60 * 60;
/** Most entry pages read for one channel. */
const MAX_ENTRY_PAGES = 50;
/** Entries marked sent at once. */
const MARK_CONCURRENCY = 10;

const digestCadenceSchema = z.enum(['hourly', 'daily', 'weekly']);
const dueCursorSchema = z.strictObject({
  digestKey: z.string().check(z.minLength(1)),
  entryKey: z.string().check(z.minLength(1)),
  dueShard: z.string().check(z.minLength(1)),
  dueAt: z.string().check(z.minLength(1)),
});

const headRowSchema = z.object({
  digestKey: z.string().check(z.minLength(1)),
  subscriberId: z.string().check(z.minLength(1)),
  channelId: z.string().check(z.minLength(1)),
  cadence: digestCadenceSchema,
  dueAt: isoDateTime,
  touchedAt: z.string().check(z.minLength(1)),
});

const entryRowSchema = z.object({
  subscriberId: z.string().check(z.minLength(1)),
  channelId: z.string().check(z.minLength(1)),
  storyId: z.string().check(z.minLength(1)),
  addedAt: isoDateTime,
  item: newsItemSchema,
  topics: alertMessageSchema.shape.topics,
  storyMembers: z.optional(z.array(storyMemberSchema)),
});

/** The partition key of a channel's digest; both parts encoded so neither can contain the separator. */
export function digestKeyOf(subscriberId: string, channelId: string): string {
  return `${encodeURIComponent(subscriberId)}#${encodeURIComponent(channelId)}`;
}

function dueShardOf(digestKey: string): string {
  const n = createHash('sha256').update(digestKey).digest().readUInt8(0) % DUE_SHARDS;
  return `due#${n}`;
}

export function createDynamoDbDigestStore(options: DynamoDbTableOptions & { clock?: Clock; dueIndexName?: string }): DigestStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;
  const indexName = options.dueIndexName ?? 'byDue';

  function toHead(raw: Record<string, unknown>, operation: string): DigestHead {
    const row = parseRow(headRowSchema, raw, { table: tableName, operation, key: `digestKey=${String(raw.digestKey)}` });
    return { subscriberId: row.subscriberId, channelId: row.channelId, cadence: row.cadence, dueAt: row.dueAt, touchedAt: row.touchedAt };
  }

  /** A value that differs with every touch, even two in the same millisecond. */
  function newTouch(): string {
    return `${clock.now().toISOString()}#${randomBytes(4).toString('hex')}`;
  }

  return {
    async addEntry(entry, schedule) {
      const digestKey = digestKeyOf(entry.subscriberId, entry.channelId);
      const context = { table: tableName, operation: 'addEntry', key: `digestKey=${digestKey}, storyId=${entry.storyId}` };
      let outcome: 'added' | 'exists' = 'added';
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              digestKey,
              entryKey: `${ENTRY_PREFIX}${entry.storyId}`,
              subscriberId: entry.subscriberId,
              channelId: entry.channelId,
              storyId: entry.storyId,
              addedAt: entry.addedAt,
              item: entry.item,
              topics: entry.topics,
              ...(entry.storyMembers && entry.storyMembers.length > 0 ? { storyMembers: entry.storyMembers } : {}),
              expiresAt: epochSeconds(clock.now()) + ENTRY_RETENTION_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(#entryKey)',
            ExpressionAttributeNames: { '#entryKey': 'entryKey' },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
        outcome = 'exists';
      }
      // Always (re)schedule, also for an entry that existed: a crash between the two writes is
      // repaired by the redelivery. An existing due time is kept.
      await callStore(context, () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { digestKey, entryKey: HEAD_KEY },
            UpdateExpression:
              'SET #sub = :sub, #ch = :ch, #cadence = :cadence, #dueAt = if_not_exists(#dueAt, :dueAt), #shard = :shard, #touched = :touched',
            ExpressionAttributeNames: {
              '#sub': 'subscriberId',
              '#ch': 'channelId',
              '#cadence': 'cadence',
              '#dueAt': 'dueAt',
              '#shard': 'dueShard',
              '#touched': 'touchedAt',
            },
            ExpressionAttributeValues: {
              ':sub': entry.subscriberId,
              ':ch': entry.channelId,
              ':cadence': schedule.cadence,
              ':dueAt': schedule.dueAt,
              ':shard': dueShardOf(digestKey),
              ':touched': newTouch(),
            },
          }),
        ),
      );
      return outcome;
    },

    dueShards: DUE_SHARDS,

    async pageDue(shard, now, page) {
      const dueShard = `due#${shard}`;
      if (!(Number.isInteger(shard) && shard >= 0 && shard < DUE_SHARDS)) {
        throw new RangeError(`due digests cannot be listed: shard ${shard} is not one of 0..${DUE_SHARDS - 1} (table ${tableName})`);
      }
      const startKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor, dueCursorSchema, `due shard ${shard}`);
      const output = await callStore({ table: tableName, operation: 'pageDue', key: `dueShard=${dueShard}` }, () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName,
            KeyConditionExpression: '#shard = :shard AND #dueAt <= :now',
            ExpressionAttributeNames: { '#shard': 'dueShard', '#dueAt': 'dueAt' },
            ExpressionAttributeValues: { ':shard': dueShard, ':now': now.toISOString() },
            ExclusiveStartKey: startKey,
            Limit: Math.min(1000, Math.max(1, Math.floor(page.limit))),
          }),
        ),
      );
      const heads = (output.Items ?? []).map((row) => toHead(row, 'pageDue'));
      return output.LastEvaluatedKey ? { heads, nextCursor: encodeCursor(output.LastEvaluatedKey) } : { heads };
    },

    async claimDue(head, until, now) {
      const digestKey = digestKeyOf(head.subscriberId, head.channelId);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { digestKey, entryKey: HEAD_KEY },
            UpdateExpression: 'SET #queued = :until',
            ConditionExpression: '#dueAt = :dueAt AND (attribute_not_exists(#queued) OR #queued < :now)',
            ExpressionAttributeNames: { '#queued': 'queuedUntil', '#dueAt': 'dueAt' },
            ExpressionAttributeValues: { ':until': until, ':dueAt': head.dueAt, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, { table: tableName, operation: 'claimDue', key: `digestKey=${digestKey}` });
      }
    },

    async getHead(subscriberId, channelId) {
      const digestKey = digestKeyOf(subscriberId, channelId);
      const output = await callStore({ table: tableName, operation: 'getHead', key: `digestKey=${digestKey}` }, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { digestKey, entryKey: HEAD_KEY }, ConsistentRead: true })),
      );
      return output.Item ? toHead(output.Item, 'getHead') : undefined;
    },

    async listEntries(subscriberId, channelId, limit) {
      const digestKey = digestKeyOf(subscriberId, channelId);
      const context = { table: tableName, operation: 'listEntries', key: `digestKey=${digestKey}` };
      const entries: DigestEntry[] = [];
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_ENTRY_PAGES; page++) {
        const output = await callStore(context, () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: '#key = :key AND begins_with(#entry, :prefix)',
              // Sent entries are small tombstones kept only to refuse the story again.
              FilterExpression: 'attribute_not_exists(#sentAt)',
              ExpressionAttributeNames: { '#key': 'digestKey', '#entry': 'entryKey', '#sentAt': 'sentAt' },
              ExpressionAttributeValues: { ':key': digestKey, ':prefix': ENTRY_PREFIX },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        for (const row of output.Items ?? []) {
          const { storyMembers, ...entry } = parseRow(entryRowSchema, row, context);
          entries.push(storyMembers ? { ...entry, storyMembers } : entry);
        }
        startKey = output.LastEvaluatedKey;
        if (!startKey) break;
      }
      return entries.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.storyId.localeCompare(b.storyId)).slice(0, limit);
    },

    async markEntriesSent(subscriberId, channelId, storyIds, at) {
      const digestKey = digestKeyOf(subscriberId, channelId);
      const markOne = async (storyId: string) => {
        const context = { table: tableName, operation: 'markEntriesSent', key: `digestKey=${digestKey}, storyId=${storyId}` };
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { digestKey, entryKey: `${ENTRY_PREFIX}${storyId}` },
              UpdateExpression: 'SET #sentAt = :at REMOVE #item, #topics, #members',
              ConditionExpression: 'attribute_exists(#entryKey)',
              ExpressionAttributeNames: {
                '#sentAt': 'sentAt',
                '#item': 'item',
                '#topics': 'topics',
                '#members': 'storyMembers',
                '#entryKey': 'entryKey',
              },
              ExpressionAttributeValues: { ':at': at },
            }),
          );
        } catch (error) {
          // Expired meanwhile: nothing left to mark.
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
        }
      };
      for (let i = 0; i < storyIds.length; i += MARK_CONCURRENCY) {
        await Promise.all(storyIds.slice(i, i + MARK_CONCURRENCY).map(markOne));
      }
    },

    async closeWindow(head, next) {
      const digestKey = digestKeyOf(head.subscriberId, head.channelId);
      const context = { table: tableName, operation: 'closeWindow', key: `digestKey=${digestKey}` };
      const reschedule = async (): Promise<'rescheduled'> => {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { digestKey, entryKey: HEAD_KEY },
              // The next window is not queued yet: its lease starts afresh.
              UpdateExpression: 'SET #dueAt = :next REMOVE #queued',
              ConditionExpression: 'attribute_exists(#dueAt)',
              ExpressionAttributeNames: { '#dueAt': 'dueAt', '#queued': 'queuedUntil' },
              ExpressionAttributeValues: { ':next': next.nextDueAt },
            }),
          );
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          // The head is gone: a concurrent close removed it, and whoever adds next recreates it.
        }
        return 'rescheduled';
      };
      if (next.remaining) return reschedule();
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { digestKey, entryKey: HEAD_KEY },
            ConditionExpression: '#touched = :touched',
            ExpressionAttributeNames: { '#touched': 'touchedAt' },
            ExpressionAttributeValues: { ':touched': head.touchedAt },
          }),
        );
        return 'removed';
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
        // An entry arrived after the head was read: it belongs to the next window.
        return reschedule();
      }
    },
  };
}
