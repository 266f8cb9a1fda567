import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import type { DueFeedPage, FeedStore } from '../ports.ts';
import type { FeedRecord } from '../records.ts';
import { isConditionalCheckFailed } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { buildUpdate, type UpdateParts } from './expressions.ts';
import { feedRowSchema, parseRow } from './rows.ts';
import { callStore, toStoreError } from './store-error.ts';
import { createWebSubUpdates } from './websub-updates.ts';

/** Longest feed error kept on the row; the rest is in the logs. */
const MAX_ERROR_LENGTH = 1000;
/** Upper bound on Scan pages per call (1 MB each): far beyond any feed list we expect. */
const MAX_SCAN_PAGES = 1000;
/**
 * Partitions of the `byDue` index. Each is one index partition (1,000 WCU / 3,000 RCU in AWS)
 * and one planner lane read in parallel; 4 carry 50,000 feeds at 15 minutes (~3,300 claims a
 * minute, ~110 index writes a second in all) far below any partition's limit, while a small
 * deployment pays only 4 Queries a minute. Changing it moves feeds to other shards: rows keep
 * their old shard until their next write, so change it only together with `apply-config`.
 */
const FEED_DUE_SHARDS = 4;
/** Largest page `pageDueFeeds` asks for. */
const MAX_DUE_PAGE_SIZE = 1000;

const dueCursorSchema = z.strictObject({
  feedId: z.string().check(z.minLength(1)),
  dueShard: z.string().check(z.minLength(1)),
  nextPollAt: z.string().check(z.minLength(1)),
});

/**
 * The due-index partition of a feed: a stable hash of its id, so a feed always plans in one lane.
 * Exported for bulk loads that write rows directly (the benches).
 */
export function dueShardOf(feedId: string, shards: number = FEED_DUE_SHARDS): string {
  return `due#${createHash('sha256').update(feedId).digest().readUInt32BE(0) % shards}`;
}

/**
 * FeedStore on the feeds table (partition key `feedId`).
 *
 * Timestamps that are compared (`nextPollAt`) are stored as UTC ISO strings
 * (`Date#toISOString`), so string order is time order.
 *
 * Due feeds are found through the sparse GSI `byDue` (partition `dueShard` = `due#<hash(feedId)
 * mod shards>`, sort `nextPollAt`): every enabled feed carries `dueShard`, a disabled one (HTTP
 * 410) has it removed, so it leaves the index. A planner Queries `nextPollAt <= horizon` per
 * shard, earliest first, and never scans. The index is eventually consistent: a feed just
 * claimed may still be listed with its old time, and the planner's conditional claim refuses it.
 * Rows written before the index existed have no `dueShard`: any write through `upsertFeed`
 * (`news-alerts apply-config`, `feeds add`) or a poll outcome gives them one.
 */
export function createDynamoDbFeedStore(
  options: DynamoDbTableOptions & {
    /** Items per Scan request; DynamoDB's 1 MB page when absent (tests set it to page early). */
    scanPageSize?: number;
    /** Name of the due index; `byDue` by default. */
    dueIndexName?: string;
    /** Partitions of the due index; `FEED_DUE_SHARDS` by default. */
    dueShards?: number;
  },
): FeedStore {
  const { client, tableName, scanPageSize } = options;
  const indexName = options.dueIndexName ?? 'byDue';
  const dueShards = options.dueShards ?? FEED_DUE_SHARDS;
  if (!(Number.isInteger(dueShards) && dueShards >= 1)) {
    throw new RangeError(`feed store options are invalid: dueShards must be a whole number of at least 1 (table ${tableName})`);
  }

  async function pageDueFeeds(shard: number, before: Date, page: { cursor?: string; limit: number }): Promise<DueFeedPage> {
    const dueShard = `due#${shard}`;
    const context = { table: tableName, operation: 'pageDueFeeds', key: `dueShard=${dueShard}` };
    if (!(Number.isInteger(shard) && shard >= 0 && shard < dueShards)) {
      throw new RangeError(`due feeds cannot be listed: shard ${shard} is not one of 0..${dueShards - 1} (table ${tableName})`);
    }
    const startKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor, dueCursorSchema, `due shard ${shard}`);
    if (startKey && startKey.dueShard !== dueShard) {
      throw new InvalidMessageError(`page cursor is not valid: it belongs to another shard (due shard ${shard})`);
    }
    const output = await callStore(context, () =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#shard = :shard AND #next <= :before',
          // A feed disabled between its last write and now may linger in the index a moment.
          FilterExpression: 'attribute_not_exists(#disabled) OR #disabled = :false',
          ExpressionAttributeNames: { '#shard': 'dueShard', '#next': 'nextPollAt', '#disabled': 'disabled' },
          ExpressionAttributeValues: { ':shard': dueShard, ':before': before.toISOString(), ':false': false },
          ExclusiveStartKey: startKey,
          Limit: Math.min(MAX_DUE_PAGE_SIZE, Math.max(1, Math.floor(page.limit))),
        }),
      ),
    );
    const feeds = (output.Items ?? []).map((row) => parseRow(feedRowSchema, row, { ...context, key: `feedId=${String(row.feedId)}` }));
    return output.LastEvaluatedKey ? { feeds, nextCursor: encodeCursor(output.LastEvaluatedKey) } : { feeds };
  }

  async function scanAll(operation: string, filter: { unindexed?: boolean } = {}): Promise<FeedRecord[]> {
    const feeds: FeedRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const output = await callStore({ table: tableName, operation }, () =>
        client.send(
          new ScanCommand({
            TableName: tableName,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            ...(scanPageSize ? { Limit: scanPageSize } : {}),
            ...(filter.unindexed
              ? { FilterExpression: 'attribute_not_exists(#shard)', ExpressionAttributeNames: { '#shard': 'dueShard' } }
              : {}),
          }),
        ),
      );
      for (const row of output.Items ?? []) {
        feeds.push(parseRow(feedRowSchema, row, { table: tableName, operation, key: `feedId=${String(row.feedId)}` }));
      }
      startKey = output.LastEvaluatedKey;
      if (!startKey) break;
    }
    return feeds;
  }

  /** An update of an existing feed; a feed removed meanwhile is left removed. */
  async function updateExisting(feedId: string, operation: string, parts: UpdateParts): Promise<void> {
    const update = buildUpdate(parts);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { feedId },
          ...update,
          ConditionExpression: 'attribute_exists(#feedId)',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#feedId': 'feedId' },
        }),
      );
    } catch (error) {
      // The feed was removed while it was being polled: recording its outcome would resurrect
      // a partial row, so there is nothing to do.
      if (isConditionalCheckFailed(error)) return;
      throw toStoreError(error, { table: tableName, operation, key: `feedId=${feedId}` });
    }
  }

  return {
    dueShards,

    pageDueFeeds,

    async indexUnindexedFeeds() {
      const missing = (await scanAll('indexUnindexedFeeds', { unindexed: true })).filter((feed) => feed.disabled !== true);
      for (const feed of missing) {
        await updateExisting(feed.feedId, 'indexUnindexedFeeds', { set: { dueShard: dueShardOf(feed.feedId, dueShards) } });
      }
      return missing.length;
    },

    async listFeeds() {
      const feeds = await scanAll('listFeeds');
      return feeds.sort((a, b) => a.feedId.localeCompare(b.feedId));
    },

    async getFeed(feedId) {
      const context = { table: tableName, operation: 'getFeed', key: `feedId=${feedId}` };
      const output = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { feedId }, ConsistentRead: true })),
      );
      return output.Item ? parseRow(feedRowSchema, output.Item, context) : undefined;
    },

    async upsertFeed(feed, now, options = {}) {
      const context = { table: tableName, operation: 'upsertFeed', key: `feedId=${feed.feedId}` };
      // Validators belong to a URL: when the URL changes they must go (read first; a race
      // with a poll costs at most one unconditional fetch).
      const existing = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { feedId: feed.feedId }, ConsistentRead: true })),
      );
      const urlChanged = existing.Item !== undefined && existing.Item.url !== feed.url;
      // A disabled feed stays out of the due index until an operator re-adds it (reset).
      const enabled = options.reset || existing.Item?.disabled !== true;
      const remove = [
        ...(feed.title === undefined ? ['title'] : []),
        ...(feed.idPolicy === undefined ? ['idPolicy'] : []),
        ...(feed.maxIntervalMinutes === undefined ? ['maxIntervalMinutes'] : []),
        ...(feed.tags === undefined || feed.tags.length === 0 ? ['tags'] : []),
        ...(urlChanged || options.reset ? ['etag', 'lastModified'] : []),
        ...(options.reset
          ? ['disabled', 'disabledReason', 'lastError', 'lastErrorAt', 'pollIntervalMinutes', 'pollIntervalReason', 'backoffMinutes']
          : []),
      ];
      // Definition fields are replaced; poll state is kept, and initialised for a new feed
      // (due at once) — or reset, when an operator adds the feed again.
      const update = buildUpdate({
        set: {
          url: feed.url,
          intervalMinutes: feed.intervalMinutes,
          title: feed.title,
          idPolicy: feed.idPolicy,
          maxIntervalMinutes: feed.maxIntervalMinutes,
          tags: feed.tags !== undefined && feed.tags.length > 0 ? feed.tags : undefined,
          ...(options.reset ? { nextPollAt: now.toISOString(), consecutiveErrors: 0 } : {}),
          dueShard: enabled ? dueShardOf(feed.feedId, dueShards) : undefined,
        },
        setIfAbsent: options.reset ? {} : { nextPollAt: now.toISOString(), consecutiveErrors: 0 },
        remove,
      });
      await callStore(context, () => client.send(new UpdateCommand({ TableName: tableName, Key: { feedId: feed.feedId }, ...update })));
    },

    async removeFeed(feedId) {
      const context = { table: tableName, operation: 'removeFeed', key: `feedId=${feedId}` };
      await callStore(context, () => client.send(new DeleteCommand({ TableName: tableName, Key: { feedId } })));
    },

    async claimPoll(feedId, expectedNextPollAt, nextPollAt) {
      const context = { table: tableName, operation: 'claimPoll', key: `feedId=${feedId}` };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { feedId },
            UpdateExpression: 'SET #next = :next',
            ConditionExpression: '#next = :expected',
            ExpressionAttributeNames: { '#next': 'nextPollAt' },
            ExpressionAttributeValues: { ':next': toUtc(nextPollAt), ':expected': expectedNextPollAt },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, context);
      }
    },

    async recordPollSuccess(feedId, outcome) {
      const newItems = outcome.newItems ?? 0;
      await updateExisting(feedId, 'recordPollSuccess', {
        set: {
          lastPolledAt: toUtc(outcome.at),
          lastSuccessAt: toUtc(outcome.at),
          consecutiveErrors: 0,
          etag: outcome.etag,
          lastModified: outcome.lastModified,
          title: outcome.title,
          nextPollAt: outcome.nextPollAt === undefined ? undefined : toUtc(outcome.nextPollAt),
          pollIntervalMinutes: outcome.pollIntervalMinutes,
          pollIntervalReason: outcome.pollIntervalReason,
          lastNewItemAt: newItems > 0 ? toUtc(outcome.at) : undefined,
          // Also puts a feed written before the due index existed into it.
          dueShard: dueShardOf(feedId, dueShards),
        },
        add: outcome.newItems === undefined ? {} : { itemsSeen: newItems },
        // lastErrorAt stays: when the feed last failed is part of its history.
        remove: ['lastError', 'backoffMinutes'],
      });
    },

    async recordPollFailure(feedId, outcome) {
      await updateExisting(feedId, 'recordPollFailure', {
        set: {
          lastPolledAt: toUtc(outcome.at),
          lastError: outcome.error.slice(0, MAX_ERROR_LENGTH),
          lastErrorAt: toUtc(outcome.at),
          nextPollAt: toUtc(outcome.nextPollAt),
          backoffMinutes: outcome.backoffMinutes,
          pollIntervalReason: outcome.pollIntervalReason,
          ...(outcome.disable
            ? { disabled: true, disabledReason: outcome.error.slice(0, MAX_ERROR_LENGTH) }
            : { dueShard: dueShardOf(feedId, dueShards) }),
        },
        add: { consecutiveErrors: 1 },
        // A disabled feed leaves the due index: the planner never reads it again.
        ...(outcome.disable ? { remove: ['dueShard'] } : {}),
      });
    },

    ...createWebSubUpdates(client, tableName),
  };
}

/** Normalises an ISO timestamp to UTC `Z` form, so stored values sort as times. */
function toUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString();
}
