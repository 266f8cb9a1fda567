/**
 * DynamoDB adapters of the storage ports (shared/store/ports.ts). Each takes
 * `{ client, tableName }`, with the client built once by `createDeps` (or a test).
 */
export { createDocumentClient } from './document-client.ts';
export { BatchWriteCommand, DeleteCommand, ScanCommand } from './commands.ts';
export { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from './table-commands.ts';
export { isConditionalCheckFailed } from './conditional.ts';
export { dynamoDbService, type DynamoDbClient } from './dynamodb-client.ts';
export { createDynamoDbFeedStore, dueShardOf } from './feed-store.ts';
export { createDynamoDbSeenItemStore } from './seen-item-store.ts';
export { createDynamoDbStoryStore } from './story-store.ts';
export { createDynamoDbSubscriptionStore, subscriptionPartitionOf } from './subscription-store.ts';
export { createDynamoDbDeliveryStore } from './delivery-store.ts';
export { createDynamoDbTopicStore } from './topic-store.ts';
export { createDynamoDbDigestStore } from './digest-store.ts';
export { createDynamoDbRateLimitStore } from './rate-limit-store.ts';
export { createDynamoDbHeadlineStore } from './headline-store.ts';
