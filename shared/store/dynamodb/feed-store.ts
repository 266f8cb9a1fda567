import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedStore } from '../ports.ts';
import type { FeedRecord } from '../records.ts';
import { isConditionalCheckFailed } from './conditional.ts';
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
 * FeedStore on the feeds table (partition key `feedId`).
 *
 * Timestamps that are compared (`nextPollAt`) are stored as UTC ISO strings
 * (`Date#toISOString`), so string order is time order.
 *
 * `listDueFeeds` scans the whole table with a filter and sorts by `nextPollAt`, most overdue
 * first, so feeds beyond `limit` are not starved. Fine for thousands of feeds; beyond that, a
 * sparse GSI on a constant shard key sorted by `nextPollAt` would let it Query instead.
 */
export function createDynamoDbFeedStore(
  options: DynamoDbTableOptions & {
    /** Items per Scan request; DynamoDB's 1 MB page when absent (tests set it to page early). */
    scanPageSize?: number;
  },
): FeedStore {
  const { client, tableName, scanPageSize } = options;

  async function scanAll(operation: string, filter?: { now: string }): Promise<FeedRecord[]> {
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
            ...(filter
              ? {
                  // Disabled feeds (HTTP 410) are never due.
                  FilterExpression: '#next <= :now AND (attribute_not_exists(#disabled) OR #disabled = :false)',
                  ExpressionAttributeNames: { '#next': 'nextPollAt', '#disabled': 'disabled' },
                  ExpressionAttributeValues: { ':now': filter.now, ':false': false },
                }
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
    async listDueFeeds(now, limit) {
      if (limit <= 0) return [];
      const due = await scanAll('listDueFeeds', { now: now.toISOString() });
      return due.sort((a, b) => (a.nextPollAt < b.nextPollAt ? -1 : a.nextPollAt > b.nextPollAt ? 1 : 0)).slice(0, limit);
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
          ...(outcome.disable ? { disabled: true, disabledReason: outcome.error.slice(0, MAX_ERROR_LENGTH) } : {}),
        },
        add: { consecutiveErrors: 1 },
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
