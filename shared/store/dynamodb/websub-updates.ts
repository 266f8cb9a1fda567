import { UpdateCommand } from './commands.ts';
import type { DynamoDbClient } from './dynamodb-client.ts';
import type { FeedStore } from '../ports.ts';
import { isConditionalCheckFailed } from './conditional.ts';
import { toStoreError } from './store-error.ts';

/**
 * The WebSub part of the FeedStore: the subscription lives in the feed's row (attribute
 * `websub`), so a poll reads it with the feed. Field changes are nested updates guarded by the
 * subscription's hub and topic, so a verification or a push racing a change of hub never
 * writes into the new subscription.
 */
export function createWebSubUpdates(client: DynamoDbClient, tableName: string): Pick<FeedStore, 'putWebSub' | 'updateWebSub'> {
  return {
    async putWebSub(feedId, subscription) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { feedId },
            UpdateExpression: 'SET #ws = :ws',
            ConditionExpression: 'attribute_exists(#feedId)',
            ExpressionAttributeNames: { '#ws': 'websub', '#feedId': 'feedId' },
            ExpressionAttributeValues: { ':ws': stripUndefined(subscription) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, { table: tableName, operation: 'putWebSub', key: `feedId=${feedId}` });
      }
    },

    async updateWebSub(feedId, change) {
      const names: Record<string, string> = { '#ws': 'websub', '#hub': 'hub', '#topic': 'topic' };
      const values: Record<string, unknown> = { ':hub': change.hub, ':topic': change.topic };
      const sets: string[] = [];
      let n = 0;
      for (const [field, value] of Object.entries(change.set ?? {})) {
        if (value === undefined) continue;
        names[`#f${n}`] = field;
        values[`:v${n}`] = value;
        sets.push(`#ws.#f${n} = :v${n}`);
        n++;
      }
      if (change.countRefusedPush) {
        names['#refused'] = 'refusedPushes';
        values[':zero'] = 0;
        values[':one'] = 1;
        sets.push('#ws.#refused = if_not_exists(#ws.#refused, :zero) + :one');
      }
      const removes = (change.remove ?? []).map((field) => {
        names[`#f${n}`] = field;
        return `#ws.#f${n++}`;
      });
      const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .filter(Boolean)
        .join(' ');
      if (!expression) return true;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { feedId },
            UpdateExpression: expression,
            ConditionExpression: '#ws.#hub = :hub AND #ws.#topic = :topic',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toStoreError(error, { table: tableName, operation: 'updateWebSub', key: `feedId=${feedId}` });
      }
    },
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
