/**
 * Our DynamoDB client: the stores' commands (`commands.ts`) sent as DynamoDB's JSON protocol
 * through the shared AWS JSON client (shared/aws-http: signed HTTPS in the functions and the
 * CLI, dynalite's listener in process in the one-process runtime, the SDK standard mode's retries).
 */
import {
  createAwsJsonClient,
  type AwsJsonService,
  type AwsJsonTransport,
  type AwsMetadata,
  type AwsServiceError,
  type RetryOptions,
} from '../../aws-http/index.ts';
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import type { DynamoDbCommand } from './commands.ts';

/** DynamoDB's JSON protocol, as the transports address and sign it. */
export const dynamoDbService: AwsJsonService = {
  name: 'DynamoDB',
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
};

/** A DynamoDB error answer, with the fields the stores read. */
export type DynamoDbServiceError = AwsServiceError & {
  /** ConditionalCheckFailedException with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: the item, in wire form. */
  readonly Item?: Record<string, AttributeValue>;
  /** TransactionCanceledException: why each action of the transaction was cancelled. */
  readonly CancellationReasons?: CancellationReason[];
};

/** What the stores hold: sends a command and returns its output. */
export interface DynamoDbClient {
  send<Input extends object, Output extends object>(command: DynamoDbCommand<Input, Output>): Promise<Output & { $metadata: AwsMetadata }>;
  /** Closes the transport's sockets. */
  destroy(): void;
}

/** A client over `transport`. */
export function createDynamoDbClient(transport: AwsJsonTransport, retry: RetryOptions = {}): DynamoDbClient {
  const json = createAwsJsonClient(dynamoDbService.name, transport, retry);
  return {
    async send(command) {
      const { output, $metadata } = await json.call(command.operation, command.toWire());
      return Object.assign(command.fromWire(output), { $metadata });
    },
    destroy() {
      json.destroy();
    },
  };
}
