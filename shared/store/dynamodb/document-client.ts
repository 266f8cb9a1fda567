import { createHttpTransport, type AwsJsonTransport, type HttpTransportOptions, type RetryOptions } from '../../aws-http/index.ts';
import { createDynamoDbClient, dynamoDbService, type DynamoDbClient } from './dynamodb-client.ts';

export interface DocumentClientOptions extends HttpTransportOptions {
  /** Where requests go instead of HTTP (the one-process runtime's: dynalite in process). */
  transport?: AwsJsonTransport;
  retry?: RetryOptions;
}

/**
 * The client every adapter uses: our own over DynamoDB's JSON protocol (`dynamodb-client.ts`),
 * with plain values in and out (optional fields of our records are `undefined` when absent and
 * dropped). Signed HTTPS to the endpoint of the options or the environment, unless a transport
 * is given.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDbClient {
  return createDynamoDbClient(options.transport ?? createHttpTransport(dynamoDbService, options), options.retry);
}

/** What every adapter receives: the client (injectable, created once) and its table's name. */
export interface DynamoDbTableOptions {
  client: DynamoDbClient;
  tableName: string;
}
