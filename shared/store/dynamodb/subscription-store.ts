import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/validation-issues.ts';
import type { SubscriberAccess, SubscriberPage, SubscriberStatusChange, SubscriptionStore } from '../ports.ts';
import { subscriberSchema, type ChannelStatus, type Subscriber } from '../records.ts';
import { batchWriteRows, type WriteRequest } from './batch.ts';
import { isConditionalCheckFailed } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { parseRow, subscriptionRowSchema, type SubscriptionRow } from './rows.ts';
import { callStore, toStoreError } from './store-error.ts';

/**
 * The partition of the subscribers' access records (token version, pending request): one row
 * per subscriber, never a topic (topic ids are lower-case letters, digits and hyphens).
 */
const ACCESS_PARTITION = '~access';

const accessRowSchema = z.object({
  topicId: z.literal(ACCESS_PARTITION),
  subscriberId: z.string().check(z.minLength(1)),
  tokenVersion: z.optional(z.string().check(z.minLength(1))),
  request: z.optional(
    z.object({ subscriber: subscriberSchema, nonce: z.string().check(z.minLength(1)), expiresAt: z.number().check(z.int()) }),
  ),
  expiresAt: z.optional(z.number().check(z.int())),
});

/** Upper bound on pages read by one call (a subscriber's topics, or a Scan of the table). */
const MAX_PAGES = 1000;
/** Largest page `pageByTopic` asks for. */
const MAX_PAGE_SIZE = 1000;

/**
 * Shards of each topic's subscribers: every shard is its own partition (3,000 RCU / 1,000 WCU in
 * AWS) and one fan-out slice, so one alert's audience is read by this many invocations at once.
 * Raising it moves subscribers to new shards as they are written again (`apply-config`); until
 * then their rows stay where they are and are still read. Lowering it would hide the rows in
 * the shards dropped: do not.
 */
const TOPIC_SHARDS = 8;

/** A page cursor: the last key read, or (no subscriberId) the start of the next shard. */
const subscriptionCursorSchema = z.strictObject({
  topicId: z.string().check(z.minLength(1)),
  subscriberId: z.optional(z.string().check(z.minLength(1))),
});

/** The shard of a subscriber: a stable hash of its id, the same for every topic it is on. */
function subscriberShardOf(subscriberId: string, shards: number): number {
  return createHash('sha256').update(subscriberId).digest().readUInt32BE(0) % shards;
}

/**
 * The partition key of a topic's shard: shard 0 is the bare topic id, so rows written before
 * topics were sharded (all under the bare id) are read with shard 0.
 */
function shardKeyOf(topicId: string, shard: number): string {
  return shard === 0 ? topicId : `${topicId}#${shard}`;
}

/**
 * The partition key of a subscriber's row on a topic (for bulk loads that write rows directly,
 * like the benches): the same key `putSubscriber` writes.
 */
export function subscriptionPartitionOf(topicId: string, subscriberId: string, shards: number = TOPIC_SHARDS): string {
  return shardKeyOf(topicId, subscriberShardOf(subscriberId, shards));
}

/**
 * SubscriptionStore on the subscriptions table: partition key `topicId`, sort key
 * `subscriberId`, GSI `bySubscriber` (subscriberId, topicId). Each row holds the whole
 * subscriber, so fan-out reads a topic's subscribers with Queries and no joins.
 *
 * A topic's rows are sharded by the subscriber id's hash: the row of a subscriber in shard n of
 * topic t has the partition key `t#n` (`t` alone for shard 0). A subscriber is in the same shard
 * on every topic, so one fan-out slice sees all of a subscriber's rows. Rows written before
 * sharding sit under the bare topic id and are read with shard 0; writing the subscriber again
 * (`putSubscriber`, e.g. `apply-config`) moves them to their shard and deletes the old rows.
 *
 * Every subscriber is returned whatever its state; the domain decides who is delivered to.
 * Lookups by subscriber go through the GSI, which DynamoDB keeps eventually consistent: a
 * subscriber written a moment ago can be missing from `getSubscriber` for a short while in AWS
 * (the emulators are immediate). The rows read after the index are read consistently. Only key
 * attributes are read from the index, so any projection works.
 *
 * `putSubscriber` keeps the channel statuses (unsubscribed, paused) of channels whose target did
 * not change when the input carries none, so re-applying a config never undoes an unsubscribe;
 * `updateStatus` changes state and statuses in place on every row, nothing else.
 *
 * Each subscriber may also have one access row (partition `~access`: manage-token version and
 * pending subscribe request), which the subscriber reads and lists skip and a removal deletes.
 * `getSubscriber` costs one index Query and one GetItem whether or not the subscriber exists, so
 * its time does not tell who is subscribed.
 */
export function createDynamoDbSubscriptionStore(
  options: DynamoDbTableOptions & {
    subscriberIndexName?: string;
    /** Shards per topic; `TOPIC_SHARDS` by default. Every writer and reader must agree. */
    topicShards?: number;
  },
): SubscriptionStore {
  const { client, tableName } = options;
  const indexName = options.subscriberIndexName ?? 'bySubscriber';
  const topicShards = options.topicShards ?? TOPIC_SHARDS;
  if (!(Number.isInteger(topicShards) && topicShards >= 1)) {
    throw new RangeError(`subscription store options are invalid: topicShards must be a whole number of at least 1 (table ${tableName})`);
  }

  /** The shard a partition key of `topicId` names, or undefined when it names none of its shards. */
  function shardOfKey(key: string, topicId: string): number | undefined {
    if (key === topicId) return 0;
    if (!key.startsWith(`${topicId}#`)) return undefined;
    const suffix = key.slice(topicId.length + 1);
    const shard = /^[1-9]\d{0,5}$/.test(suffix) ? Number(suffix) : Number.NaN;
    return shard < topicShards ? shard : undefined;
  }

  /** The topic ids of a subscriber's rows, from the GSI. */
  async function topicIdsOf(subscriberId: string, operation: string): Promise<string[]> {
    const topicIds: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const output = await callStore({ table: tableName, operation, key: `subscriberId=${subscriberId}` }, () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName,
            KeyConditionExpression: '#sub = :sub',
            ProjectionExpression: '#topic',
            ExpressionAttributeNames: { '#sub': 'subscriberId', '#topic': 'topicId' },
            ExpressionAttributeValues: { ':sub': subscriberId },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const row of output.Items ?? []) {
        if (typeof row.topicId === 'string' && row.topicId !== ACCESS_PARTITION) topicIds.push(row.topicId);
      }
      startKey = output.LastEvaluatedKey;
      if (!startKey) break;
    }
    return topicIds;
  }

  function toSubscriber(raw: Record<string, unknown>, operation: string): Subscriber {
    const key = `topicId=${String(raw.topicId)}, subscriberId=${String(raw.subscriberId)}`;
    const { topicId: _topicId, ...subscriber } = parseRow(subscriptionRowSchema, raw, { table: tableName, operation, key });
    return subscriber;
  }

  async function getSubscriber(subscriberId: string): Promise<Subscriber | undefined> {
    const topicIds = await topicIdsOf(subscriberId, 'getSubscriber');
    if (topicIds.length === 0) {
      // The read a found subscriber costs, so that a miss takes as long as a hit.
      await callStore({ table: tableName, operation: 'getSubscriber', key: `subscriberId=${subscriberId}` }, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { topicId: ACCESS_PARTITION, subscriberId }, ConsistentRead: true })),
      );
      return undefined;
    }
    for (const topicId of topicIds) {
      const context = { table: tableName, operation: 'getSubscriber', key: `topicId=${topicId}, subscriberId=${subscriberId}` };
      const output = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { topicId, subscriberId }, ConsistentRead: true })),
      );
      // The index can lag a delete; the next row will do.
      if (output.Item) return toSubscriber(output.Item, 'getSubscriber');
    }
    return undefined;
  }

  /** One UpdateItem on one row, only if the row still exists; false when it is gone. */
  async function updateRow(
    topicId: string,
    subscriberId: string,
    request: {
      UpdateExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { topicId, subscriberId },
          ...request,
          ConditionExpression: 'attribute_exists(#subscriberKey)',
          ExpressionAttributeNames: { ...request.ExpressionAttributeNames, '#subscriberKey': 'subscriberId' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, { table: tableName, operation: 'updateStatus', key: `topicId=${topicId}, subscriberId=${subscriberId}` });
    }
  }

  return {
    async putSubscriber(input) {
      const parsed = subscriberSchema.safeParse(input);
      if (!parsed.success) {
        throw new InvalidMessageError(`subscriber is invalid: ${formatZodIssues(parsed.error.issues)} (subscriber ${input.subscriberId})`);
      }
      const subscriber = parsed.data;
      if (input.channelStatus === undefined) {
        // Re-applying a config must not undo an unsubscribe or a pause: keep the statuses of
        // channels whose target is unchanged (a new address or URL starts afresh).
        const kept = keptChannelStatus(await getSubscriber(subscriber.subscriberId), subscriber);
        if (kept) subscriber.channelStatus = kept;
      }
      const topics = [...new Set(subscriber.topics)];
      const key = `subscriberId=${subscriber.subscriberId}`;
      const shard = subscriberShardOf(subscriber.subscriberId, topicShards);
      const rowKeys = topics.map((topicId) => shardKeyOf(topicId, shard));
      // Write the new rows first and delete the rows of topics it left (and rows from before
      // sharding) afterwards, so the subscriber never disappears half-way through an update.
      const puts: WriteRequest[] = rowKeys.map((topicId) => ({
        PutRequest: { Item: { ...subscriber, topics, topicId } satisfies SubscriptionRow },
      }));
      await batchWriteRows(client, tableName, puts, { operation: 'putSubscriber', key });
      const stale = (await topicIdsOf(subscriber.subscriberId, 'putSubscriber')).filter((t) => !rowKeys.includes(t));
      const deletes: WriteRequest[] = stale.map((topicId) => ({
        DeleteRequest: { Key: { topicId, subscriberId: subscriber.subscriberId } },
      }));
      await batchWriteRows(client, tableName, deletes, { operation: 'putSubscriber', key });
    },

    async removeSubscriber(subscriberId) {
      const topicIds = await topicIdsOf(subscriberId, 'removeSubscriber');
      // The access row goes too: with no token version left, no manage token of it verifies.
      const deletes: WriteRequest[] = [...topicIds, ACCESS_PARTITION].map((topicId) => ({
        DeleteRequest: { Key: { topicId, subscriberId } },
      }));
      await batchWriteRows(client, tableName, deletes, { operation: 'removeSubscriber', key: `subscriberId=${subscriberId}` });
      return topicIds.length > 0;
    },

    getSubscriber,

    async updateStatus(subscriberId, change: SubscriberStatusChange) {
      const topicIds = await topicIdsOf(subscriberId, 'updateStatus');
      const channelChanges = Object.entries(change.channelStatus ?? {});
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const removes: string[] = [];
      if (change.state !== undefined) {
        names['#state'] = 'state';
        values[':state'] = change.state;
        sets.push('#state = :state');
      }
      if (change.reason !== undefined) {
        names['#reason'] = 'stateReason';
        values[':reason'] = change.reason.slice(0, 1000);
        sets.push('#reason = :reason');
      }
      if (channelChanges.length > 0) names['#cs'] = 'channelStatus';
      channelChanges.forEach(([channelId, status], i) => {
        names[`#c${i}`] = channelId;
        if (status === null) removes.push(`#cs.#c${i}`);
        else {
          values[`:c${i}`] = status;
          sets.push(`#cs.#c${i} = :c${i}`);
        }
      });
      const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .filter(Boolean)
        .join(' ');
      let found = false;
      for (const topicId of topicIds) {
        // A nested path needs its map: create it first on rows written before it existed.
        if (channelChanges.length > 0) {
          const exists = await updateRow(topicId, subscriberId, {
            UpdateExpression: 'SET #cs = if_not_exists(#cs, :empty)',
            ExpressionAttributeNames: { '#cs': 'channelStatus' },
            ExpressionAttributeValues: { ':empty': {} },
          });
          if (!exists) continue;
        }
        if (expression === '') {
          found = true;
          continue;
        }
        const updated = await updateRow(topicId, subscriberId, {
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        });
        found ||= updated;
      }
      return found;
    },

    async listSubscribers() {
      const bySubscriber = new Map<string, Subscriber>();
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const output = await callStore({ table: tableName, operation: 'listSubscribers' }, () =>
          client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey })),
        );
        for (const row of output.Items ?? []) {
          if (row.topicId === ACCESS_PARTITION) continue;
          const subscriber = toSubscriber(row, 'listSubscribers');
          if (!bySubscriber.has(subscriber.subscriberId)) bySubscriber.set(subscriber.subscriberId, subscriber);
        }
        startKey = output.LastEvaluatedKey;
        if (!startKey) break;
      }
      return [...bySubscriber.values()].sort((a, b) => a.subscriberId.localeCompare(b.subscriberId));
    },

    async getAccess(subscriberId) {
      const context = { table: tableName, operation: 'getAccess', key: `subscriberId=${subscriberId}` };
      const output = await callStore(context, () =>
        client.send(new GetCommand({ TableName: tableName, Key: { topicId: ACCESS_PARTITION, subscriberId }, ConsistentRead: true })),
      );
      if (!output.Item) return undefined;
      const row = parseRow(accessRowSchema, output.Item, context);
      const access: SubscriberAccess = {};
      if (row.tokenVersion !== undefined) access.tokenVersion = row.tokenVersion;
      if (row.request !== undefined) access.request = row.request;
      return access;
    },

    async updateAccess(subscriberId, change, options = {}) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const removes: string[] = [];
      const assign = (name: string, value: unknown) => {
        names[`#${name}`] = name;
        if (value === null) removes.push(`#${name}`);
        else {
          values[`:${name}`] = value;
          sets.push(`#${name} = :${name}`);
        }
      };
      if (change.tokenVersion !== undefined) assign('tokenVersion', change.tokenVersion);
      if (change.request !== undefined) {
        if (change.request !== null) {
          const parsed = subscriberSchema.safeParse(change.request.subscriber);
          if (!parsed.success) {
            throw new InvalidMessageError(
              `subscribe request is invalid: ${formatZodIssues(parsed.error.issues)} (subscriber ${subscriberId})`,
            );
          }
          assign('request', { ...change.request, subscriber: parsed.data });
        } else assign('request', null);
      }
      if (change.expiresAt !== undefined) assign('expiresAt', change.expiresAt);
      let condition: string | undefined;
      if (options.ifNonce !== undefined) {
        names['#request'] = 'request';
        names['#nonce'] = 'nonce';
        values[':ifNonce'] = options.ifNonce;
        condition = '#request.#nonce = :ifNonce';
      }
      const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .filter(Boolean)
        .join(' ');
      if (expression === '') return true;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { topicId: ACCESS_PARTITION, subscriberId },
            UpdateExpression: expression,
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
            ...(condition ? { ConditionExpression: condition } : {}),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, { table: tableName, operation: 'updateAccess', key: `subscriberId=${subscriberId}` });
      }
    },

    topicShards,

    async pageByTopic(topicId, { shard, cursor, limit }): Promise<SubscriberPage> {
      const what = `topic ${topicId}`;
      if (shard !== undefined && !(Number.isInteger(shard) && shard >= 0 && shard < topicShards)) {
        throw new InvalidMessageError(`subscribers cannot be read: shard ${shard} is not one of 0..${topicShards - 1} (${what})`);
      }
      const start = cursor === undefined ? undefined : decodeCursor(cursor, subscriptionCursorSchema, what);
      const startShard = start === undefined ? (shard ?? 0) : shardOfKey(start.topicId, topicId);
      if (startShard === undefined || (shard !== undefined && startShard !== shard)) {
        throw new InvalidMessageError(`page cursor is not valid: it belongs to another topic or shard (${what})`);
      }
      const lastShard = shard ?? topicShards - 1;
      const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
      const subscribers: Subscriber[] = [];
      let startKey = start?.subscriberId === undefined ? undefined : start;
      for (let current = startShard; current <= lastShard; current++) {
        const partition = shardKeyOf(topicId, current);
        if (subscribers.length >= pageSize) return { subscribers, nextCursor: encodeCursor({ topicId: partition }) };
        const output = await callStore({ table: tableName, operation: 'pageByTopic', key: `topicId=${partition}` }, () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: '#topic = :topic',
              ExpressionAttributeNames: { '#topic': 'topicId' },
              ExpressionAttributeValues: { ':topic': partition },
              ExclusiveStartKey: startKey,
              Limit: pageSize - subscribers.length,
              ConsistentRead: true,
            }),
          ),
        );
        subscribers.push(...(output.Items ?? []).map((row) => toSubscriber(row, 'pageByTopic')));
        if (output.LastEvaluatedKey) return { subscribers, nextCursor: encodeCursor(output.LastEvaluatedKey) };
        startKey = undefined;
      }
      return { subscribers };
    },
  };
}

/** The channel statuses of `existing` that still apply to `next`: same channel id, same target. */
function keptChannelStatus(existing: Subscriber | undefined, next: Subscriber): Record<string, ChannelStatus> | undefined {
  if (!existing?.channelStatus) return undefined;
  const kept: Record<string, ChannelStatus> = {};
  for (const [channelId, status] of Object.entries(existing.channelStatus)) {
    const before = existing.channels.find((c) => c.channelId === channelId);
    const after = next.channels.find((c) => c.channelId === channelId);
    if (before && after && targetOf(before) === targetOf(after)) kept[channelId] = status;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function targetOf(channel: Subscriber['channels'][number]): string {
  return channel.kind === 'email' ? `email:${channel.address.toLowerCase()}` : `webhook:${channel.url}`;
}
