import { UpdateCommand } from './commands.ts';
import * as z from '../../core/zod.ts';
import type { RateLimitStore } from '../ports.ts';
import { epochSeconds } from './conditional.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { parseRow } from './rows.ts';
import { callStore } from './store-error.ts';

/** Rows outlive their window by this much, so a clock a little behind still finds them. */
const TTL_GRACE_SECONDS = 60;

const counterSchema = z.object({ hits: z.number().check(z.int(), z.minimum(1)) });

/**
 * RateLimitStore on the ratelimits table (partition key `limitKey`, TTL `expiresAt`): one row
 * per key and fixed window, `<key>#<window start, epoch seconds>`, counted with an atomic
 * `ADD`, so concurrent requests each get their own count.
 */
export function createDynamoDbRateLimitStore(options: DynamoDbTableOptions): RateLimitStore {
  const { client, tableName } = options;
  return {
    async hit(key, windowSeconds, now) {
      const window = Math.max(1, Math.floor(windowSeconds));
      const start = Math.floor(epochSeconds(now) / window) * window;
      const limitKey = `${key}#${start}`;
      const context = { table: tableName, operation: 'hit', key: `limitKey=${limitKey}` };
      const output = await callStore(context, () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { limitKey },
            UpdateExpression: 'ADD #hits :one SET #expires = if_not_exists(#expires, :expires)',
            ExpressionAttributeNames: { '#hits': 'hits', '#expires': 'expiresAt' },
            ExpressionAttributeValues: { ':one': 1, ':expires': start + window + TTL_GRACE_SECONDS },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      const { hits } = parseRow(counterSchema, output.Attributes ?? {}, context);
      return { count: hits, windowEndsAt: new Date((start + window) * 1000) };
    },
  };
}
