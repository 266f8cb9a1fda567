import { GetCommand, PutCommand, UpdateCommand } from './commands.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import {
  compareStoryFingerprints,
  compareStoryMembers,
  type StoryJoin,
  type StoryMember,
  type StoryPosting,
  type StoryRecord,
  type StoryStore,
} from '../ports.ts';
import { batchGetRows, batchWriteRows, chunk } from './batch.ts';
import { epochSeconds, isConditionalCheckFailed } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { parseFingerprintRow } from './fingerprint-row.ts';
import { parseMemberRow } from './member-row.ts';
import { parseRow } from './rows.ts';
import { callStore, invalidRowError, StoreError, toStoreError } from './store-error.ts';
import { parseAlertedRow, parseIndexHead, parseStoryHead, pointerRowSchema, STORY_PREFIX } from './story-rows.ts';

const storyKey = (itemKey: string) => `${STORY_PREFIX}${itemKey}`;

/**
 * Members, and stories under one key, set by one UpdateItem at most: well inside an update
 * expression's 4 KB (each member takes two attributes, its entry and its fingerprint).
 */
const MAX_MEMBERS_PER_UPDATE = 20;
const MAX_POSTINGS_PER_UPDATE = 40;

/**
 * StoryStore on the stories table (partition key `storyKey`, TTL attribute `expiresAt`). Rows,
 * all read only by key with BatchGetItem:
 *
 * - `story#<itemKey>`: the item's place, written once by conditional put. Either the story the
 *   item founded (a story's id is its founder's key), or, for an item that joined another story,
 *   a pointer to that story (`role: 'member'`). One row for both, so founding a story is also its
 *   placement (one write), and two runs placing one item cannot record two decisions. Each
 *   member of a story is its own top-level attribute (`m:<itemKey>`, and `f:<itemKey>` for a kept
 *   fingerprint), so adding one is an atomic, idempotent `SET … = if_not_exists(…)` with no
 *   read-modify-write and no lost update between pollers.
 * - `key#<lookup key>`: the stories listed under one sketch key on one day, one attribute
 *   `s:<storyId>` each (the same atomic SET).
 * - `alerted#<storyId>`: the topics the story's alerts were queued for, written whole in one
 *   batched write per poll (see `markAlerted`).
 *
 * Reads are eventually consistent (half the cost): a posting a second old that is not seen yet
 * can only make a near-duplicate found its own story, a repeat and never a loss. Rows past their
 * `expiresAt` count as absent, as TTL deletes lazily. The rows' fixed attributes, and how they are
 * read, are in `story-rows.ts`.
 */
export function createDynamoDbStoryStore(options: DynamoDbTableOptions & { clock?: Clock }): StoryStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;

  const indexKey = (key: string) => `key#${key}`;

  const alertedKey = (storyId: string) => `alerted#${storyId}`;

  /** The story in a `story#` row (undefined for an expired story or a member's pointer). */
  function parseStory(raw: Record<string, unknown>, alerted: ReadonlySet<string> = new Set()): StoryRecord | undefined {
    const context = { table: tableName, operation: 'readStory', key: `storyKey=${String(raw.storyKey)}` };
    if (raw.role === 'member') return undefined;
    const head = parseStoryHead(raw, context);
    if (head.expiresAt < epochSeconds(clock.now())) return undefined;
    const members: StoryMember[] = [];
    const fingerprints: StoryRecord['fingerprints'] = [];
    for (const name in raw) {
      if (name.startsWith('m:')) members.push(parseMemberRow(raw[name], context, name));
      else if (name.startsWith('f:')) {
        const itemKey = name.slice(2);
        fingerprints.push({ itemKey, fingerprint: parseFingerprintRow(itemKey, raw[name], context) });
      }
    }
    members.sort(compareStoryMembers);
    fingerprints.sort(compareStoryFingerprints);
    return {
      storyId: head.storyId,
      createdAt: head.createdAt,
      lastAt: head.lastAt,
      members,
      unlistedMembers: head.unlistedMembers ?? 0,
      fingerprints,
      // Rows written before the alerted rows kept the set on the story itself.
      alertedTopics: [...new Set([...(head.alertedTopics ?? []), ...alerted])].sort(),
      expiresAt: head.expiresAt,
    };
  }

  /** Stories with their alerted topics: one batched read of both rows per story. */
  async function readStories(storyIds: string[], consistent: boolean, operation: string): Promise<StoryRecord[]> {
    const unique = [...new Set(storyIds)];
    if (unique.length === 0) return [];
    const rows = await batchGetRows(
      client,
      tableName,
      unique.flatMap((id) => [{ storyKey: storyKey(id) }, { storyKey: alertedKey(id) }]),
      { operation, consistentRead: consistent },
    );
    const alerted = new Map<string, Set<string>>();
    const now = epochSeconds(clock.now());
    for (const raw of rows) {
      if (!String(raw.storyKey).startsWith('alerted#')) continue;
      const row = parseAlertedRow(raw, { table: tableName, operation, key: `storyKey=${String(raw.storyKey)}` });
      if (row.expiresAt >= now) alerted.set(row.storyKey.slice('alerted#'.length), row.topics);
    }
    return rows.flatMap((raw) =>
      String(raw.storyKey).startsWith(STORY_PREFIX) ? (parseStory(raw, alerted.get(String(raw.storyId))) ?? []) : [],
    );
  }

  async function getStory(storyId: string, consistent: boolean): Promise<StoryRecord | undefined> {
    return (await readStories([storyId], consistent, 'getStory'))[0];
  }

  /** The live `story#` row of an item, by a consistent read: its story, or its pointer. */
  async function readPlace(itemKey: string, operation: string): Promise<{ story: StoryRecord } | { memberOf: string } | undefined> {
    const context = { table: tableName, operation, key: `storyKey=${storyKey(itemKey)}` };
    const output = await callStore(context, () =>
      client.send(new GetCommand({ TableName: tableName, Key: { storyKey: storyKey(itemKey) }, ConsistentRead: true })),
    );
    if (!output.Item) return undefined;
    if (output.Item.role === 'member') {
      const row = parseRow(pointerRowSchema, output.Item, context);
      return row.expiresAt >= epochSeconds(clock.now()) ? { memberOf: row.storyId } : undefined;
    }
    const story = await getStory(itemKey, true);
    return story ? { story } : undefined;
  }

  /** Members added to a live story in one conditional write; false when the story is gone. */
  async function addMembersOnce(storyId: string, join: StoryJoin): Promise<boolean> {
    const context = { table: tableName, operation: 'addMembers', key: `storyKey=${storyKey(storyId)}` };
    const names: Record<string, string> = { '#key': 'storyKey', '#expiresAt': 'expiresAt', '#lastAt': 'lastAt' };
    const values: Record<string, unknown> = { ':now': epochSeconds(clock.now()), ':lastAt': join.lastAt, ':exp': join.expiresAt };
    const set = ['#lastAt = :lastAt', '#expiresAt = :exp'];
    let unlisted = 0;
    join.members.forEach(({ member, fingerprint, list }, index) => {
      if (list) {
        names[`#m${index}`] = `m:${member.itemKey}`;
        values[`:m${index}`] = member;
        set.push(`#m${index} = if_not_exists(#m${index}, :m${index})`);
      } else {
        unlisted += 1;
      }
      if (fingerprint) {
        names[`#f${index}`] = `f:${member.itemKey}`;
        values[`:f${index}`] = fingerprint;
        set.push(`#f${index} = if_not_exists(#f${index}, :f${index})`);
      }
    });
    let add = '';
    if (unlisted > 0) {
      names['#unlisted'] = 'unlistedMembers';
      values[':unlisted'] = unlisted;
      add = ' ADD #unlisted :unlisted';
    }
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { storyKey: storyKey(storyId) },
          UpdateExpression: `SET ${set.join(', ')}${add}`,
          ConditionExpression: 'attribute_exists(#key) AND #expiresAt >= :now',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, context);
    }
  }

  return {
    async readIndex(keys) {
      const unique = [...new Set(keys)];
      const found = new Map<string, StoryPosting[]>();
      if (unique.length === 0) return found;
      const rows = await batchGetRows(
        client,
        tableName,
        unique.map((key) => ({ storyKey: indexKey(key) })),
        {
          operation: 'readIndex',
          consistentRead: false,
        },
      );
      const now = epochSeconds(clock.now());
      for (const raw of rows) {
        const context = { table: tableName, operation: 'readIndex', key: `storyKey=${String(raw.storyKey)}` };
        const head = parseIndexHead(raw, context);
        if (head.expiresAt < now) continue;
        const postings: StoryPosting[] = [];
        for (const name in raw) {
          if (!name.startsWith('s:')) continue;
          const value = raw[name];
          if (typeof value !== 'number') throw invalidRowError(context, `${name}: expected a number`);
          postings.push({ storyId: name.slice(2), at: value });
        }
        found.set(head.storyKey.slice('key#'.length), postings);
      }
      return found;
    },

    getStories: (storyIds) => readStories(storyIds, false, 'getStories'),

    getStory: (storyId) => getStory(storyId, false),

    async listMembers(storyId) {
      return (await getStory(storyId, false))?.members ?? [];
    },

    async createStory(input) {
      const context = { table: tableName, operation: 'createStory', key: `storyKey=${storyKey(input.storyId)}` };
      const founded: StoryRecord = {
        storyId: input.storyId,
        createdAt: input.member.addedAt,
        lastAt: input.at,
        members: [input.member],
        unlistedMembers: 0,
        fingerprints: [{ itemKey: input.member.itemKey, fingerprint: input.fingerprint }],
        alertedTopics: [],
        expiresAt: input.expiresAt,
      };
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: storyRow(founded),
              // New, or an expired row TTL has not deleted yet; or, when asked, the founder's own
              // pointer to a story that expired before it could join.
              ConditionExpression: input.replacePointer
                ? 'attribute_not_exists(#key) OR #expiresAt < :now OR #role = :member'
                : 'attribute_not_exists(#key) OR #expiresAt < :now',
              ExpressionAttributeNames: {
                '#key': 'storyKey',
                '#expiresAt': 'expiresAt',
                ...(input.replacePointer ? { '#role': 'role' } : {}),
              },
              ExpressionAttributeValues: { ':now': epochSeconds(clock.now()), ...(input.replacePointer ? { ':member': 'member' } : {}) },
            }),
          );
          // What was just written: no read needed.
          return { created: true, story: founded };
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          // A previous attempt created it (the story id is the founder's item key), or placed
          // the item in another story.
          const place = await readPlace(input.storyId, 'createStory');
          if (place && 'story' in place) return { created: false, story: place.story };
          if (place) return { created: false, memberOf: place.memberOf };
        }
      }
      throw new StoreError(`createStory on table ${tableName} failed: the story expired while being created (${context.key})`, {
        table: tableName,
        operation: 'createStory',
        retryable: true,
      });
    },

    async addMembers(storyId, join) {
      // One attribute per member (two paths to one attribute are refused): the first, as one by one.
      const members = join.members.filter(
        (entry, index) => join.members.findIndex((e) => e.member.itemKey === entry.member.itemKey) === index,
      );
      // Several writes only beyond an expression's size (a poll's group is 10 items).
      const written = await Promise.all(
        chunk(members, MAX_MEMBERS_PER_UPDATE).map((part) => addMembersOnce(storyId, { ...join, members: part })),
      );
      return written.every(Boolean);
    },

    async index(listings) {
      await Promise.all(
        listings.flatMap(({ key, expiresAt, stories }) =>
          // The last time given for a story named twice (one attribute each).
          chunk([...new Map(stories.map((posting) => [posting.storyId, posting.at]))], MAX_POSTINGS_PER_UPDATE).map((postings) => {
            const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
            const values: Record<string, unknown> = { ':exp': expiresAt };
            const set = ['#expiresAt = :exp'];
            postings.forEach(([storyId, at], index) => {
              names[`#s${index}`] = `s:${storyId}`;
              values[`:at${index}`] = at;
              set.push(`#s${index} = :at${index}`);
            });
            return callStore({ table: tableName, operation: 'indexStory', key: `storyKey=${indexKey(key)}` }, () =>
              client.send(
                new UpdateCommand({
                  TableName: tableName,
                  Key: { storyKey: indexKey(key) },
                  UpdateExpression: `SET ${set.join(', ')}`,
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                }),
              ),
            );
          }),
        ),
      );
    },

    async placeItem(itemKey, storyId, expiresAt) {
      const context = { table: tableName, operation: 'placeItem', key: `storyKey=${storyKey(itemKey)}` };
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: pointerRow({ itemKey, memberOf: storyId, expiresAt }),
              ConditionExpression: 'attribute_not_exists(#key) OR #expiresAt < :now',
              ExpressionAttributeNames: { '#key': 'storyKey', '#expiresAt': 'expiresAt' },
              ExpressionAttributeValues: { ':now': epochSeconds(clock.now()) },
            }),
          );
          return { storyId, role: 'member', first: true };
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw toStoreError(error, context);
          const place = await readPlace(itemKey, 'placeItem');
          if (place && 'story' in place) return { storyId: itemKey, role: 'founder', first: false, story: place.story };
          if (place) return { storyId: place.memberOf, role: 'member', first: false };
          // Expired or deleted between the write and the read: place again.
        }
      }
      throw new StoreError(`placeItem on table ${tableName} failed: the placement kept changing (${context.key})`, {
        table: tableName,
        operation: 'placeItem',
        retryable: true,
      });
    },

    async placedItems(itemKeys) {
      const unique = [...new Set(itemKeys)];
      const placed = new Set<string>();
      if (unique.length === 0) return placed;
      // Consistent: a run whose send failed a moment ago may have placed them (the caller then
      // writes nothing over its decision).
      const rows = await batchGetRows(
        client,
        tableName,
        unique.map((itemKey) => ({ storyKey: storyKey(itemKey) })),
        { operation: 'placedItems', projection: ['storyKey', 'expiresAt'], consistentRead: true },
      );
      const now = epochSeconds(clock.now());
      for (const raw of rows) {
        if (typeof raw.expiresAt === 'number' && raw.expiresAt >= now) placed.add(String(raw.storyKey).slice(STORY_PREFIX.length));
      }
      return placed;
    },

    async writePlaces(places) {
      if (places.length === 0) return;
      // Unconditional puts, 25 a request: the caller holds the items (their feed's lease) and
      // read their places absent, so no other run writes these rows (see StoryStore.writePlaces).
      await batchWriteRows(
        client,
        tableName,
        places.map((place) => ({ PutRequest: { Item: 'story' in place ? storyRow(place.story) : pointerRow(place) } })),
        { operation: 'writePlaces', key: `${places.length} places` },
      );
    },

    async markAlerted(entries, expiresAt) {
      const rows = entries.filter((entry) => entry.topics.length > 0);
      if (rows.length === 0) return;
      // Written whole (BatchWriteItem has no update): the caller passes the set it read plus what
      // it alerted. Two pollers alerting different topics of one story at the same instant may
      // keep only one's; the other topic is alerted again later, and delivery dedups per story.
      await batchWriteRows(
        client,
        tableName,
        rows.map(({ storyId, topics }) => ({
          PutRequest: { Item: { storyKey: alertedKey(storyId), topics: new Set(topics), expiresAt } },
        })),
        { operation: 'markAlerted', key: `${rows.length} stories` },
      );
    },
  };
}

/** A story's row: its head, and each member and kept fingerprint as its own attribute. */
function storyRow(story: Omit<StoryRecord, 'alertedTopics'>): Record<string, unknown> {
  const row: Record<string, unknown> = {
    storyKey: storyKey(story.storyId),
    storyId: story.storyId,
    role: 'founder',
    createdAt: story.createdAt,
    lastAt: story.lastAt,
    expiresAt: story.expiresAt,
    unlistedMembers: story.unlistedMembers,
  };
  for (const member of story.members) row[`m:${member.itemKey}`] = member;
  for (const { itemKey, fingerprint } of story.fingerprints) row[`f:${itemKey}`] = fingerprint;
  return row;
}

/** The place of an item that joined another story. */
function pointerRow(place: { itemKey: string; memberOf: string; expiresAt: number }): Record<string, unknown> {
  return { storyKey: storyKey(place.itemKey), storyId: place.memberOf, role: 'member', expiresAt: place.expiresAt };
}
