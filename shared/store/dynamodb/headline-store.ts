import { QueryCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { Headline, HeadlineStore } from '../ports.ts';
import { batchWriteRows } from './batch.ts';
import { epochSeconds } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { parseRow } from './rows.ts';
import { callStore } from './store-error.ts';

/** How long a headline is kept. */
export const HEADLINE_RETENTION_SECONDS = 7 * 24 * 60 * 60;
/** Rows read per topic: a redelivered alert may have left a story twice. */
const READ_FACTOR = 2;

const headlineRowSchema = z.object({
  topicId: z.string().check(z.minLength(1)),
  seenKey: z.string().check(z.minLength(1)),
  storyId: z.string().check(z.minLength(1)),
  title: z.string(),
  link: z.optional(z.nullable(z.string())),
  source: z.string(),
  score: z.number(),
  seenAt: z.string(),
  expiresAt: z.number().check(z.int()),
});

/**
 * HeadlineStore on the headlines table: partition key `topicId`, sort key `seenKey`
 * (`<seenAt>#<storyId>`), so the newest of a topic are one Query, backwards. TTL `expiresAt`.
 */
export function createDynamoDbHeadlineStore(options: DynamoDbTableOptions & { clock?: Clock }): HeadlineStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;
  return {
    async record(headlines) {
      if (headlines.length === 0) return;
      const expiresAt = epochSeconds(clock.now()) + HEADLINE_RETENTION_SECONDS;
      await batchWriteRows(
        client,
        tableName,
        headlines.map((h) => ({
          PutRequest: { Item: { ...h, link: h.link, seenKey: `${h.seenAt}#${h.storyId}`, expiresAt } },
        })),
        { operation: 'recordHeadlines', key: `storyId=${headlines[0]!.storyId}` },
      );
    },

    async listRecent(topicId, limit) {
      const context = { table: tableName, operation: 'listRecent', key: `topicId=${topicId}` };
      const output = await callStore(context, () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#topic = :topic',
            ExpressionAttributeNames: { '#topic': 'topicId' },
            ExpressionAttributeValues: { ':topic': topicId },
            ScanIndexForward: false,
            Limit: Math.max(1, Math.min(100, limit * READ_FACTOR)),
          }),
        ),
      );
      const now = epochSeconds(clock.now());
      const seen = new Set<string>();
      const out: Headline[] = [];
      for (const raw of output.Items ?? []) {
        const row = parseRow(headlineRowSchema, raw, context);
        if (row.expiresAt < now || seen.has(row.storyId)) continue;
        seen.add(row.storyId);
        out.push({
          topicId: row.topicId,
          storyId: row.storyId,
          title: row.title,
          link: row.link ?? null,
          source: row.source,
          score: row.score,
          seenAt: row.seenAt,
        });
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
