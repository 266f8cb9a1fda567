import { PutCommand, ScanCommand } from './commands.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { InvalidMessageError } from '../../core/errors.ts';
import type { TopicStore } from '../ports.ts';
import type { DynamoDbTableOptions } from './document-client.ts';
import { parseRow, topicRowSchema, type TopicRow } from './rows.ts';
import { callStore } from './store-error.ts';

const MAX_SCAN_PAGES = 1000;

/**
 * TopicStore on the topics table (partition key `topicId`). A user topic is stored as given
 * (the raw topic-file object, under `definition`); the classifier's schema validates it when it
 * is loaded, so this store only checks it has an id.
 */
export function createDynamoDbTopicStore(options: DynamoDbTableOptions & { clock?: Clock }): TopicStore {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;

  return {
    async listUserTopics() {
      const rows: TopicRow[] = [];
      let startKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_SCAN_PAGES; page++) {
        const output = await callStore({ table: tableName, operation: 'listUserTopics' }, () =>
          client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey })),
        );
        for (const row of output.Items ?? []) {
          rows.push(
            parseRow(topicRowSchema, row, { table: tableName, operation: 'listUserTopics', key: `topicId=${String(row.topicId)}` }),
          );
        }
        startKey = output.LastEvaluatedKey;
        if (!startKey) break;
      }
      return rows.sort((a, b) => a.topicId.localeCompare(b.topicId)).map((row) => row.definition);
    },

    async putUserTopic(topic) {
      if (typeof topic.id !== 'string' || topic.id.length === 0) {
        throw new InvalidMessageError('user topic is invalid: id: must be a non-empty string');
      }
      const row: TopicRow = { topicId: topic.id, definition: topic, updatedAt: clock.now().toISOString() };
      await callStore({ table: tableName, operation: 'putUserTopic', key: `topicId=${topic.id}` }, () =>
        client.send(new PutCommand({ TableName: tableName, Item: row })),
      );
    },
  };
}
