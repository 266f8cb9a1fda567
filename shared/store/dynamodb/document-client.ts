import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DocumentClient every adapter uses. Optional fields of our records are `undefined` when
 * absent; DynamoDB rejects `undefined`, so the marshaller drops them.
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** What every adapter receives: the client (injectable, created once) and its table's name. */
export interface DynamoDbTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}
