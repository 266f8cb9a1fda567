/**
 * Our SQS client: SQS's JSON protocol (`AmazonSQS.<Operation>`, the queue URL in the body) on the
 * shared AWS JSON client (shared/aws-http: SigV4, keep-alive HTTPS, the SDK standard mode's
 * retries), for the operations the adapters and the one-process runtime's loops and provisioning use. Inputs and
 * outputs are the SDK's shapes, which are the wire's: the SDK stays out of the functions' load.
 */
import type {
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  CreateQueueRequest,
  CreateQueueResult,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
  SetQueueAttributesRequest,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
} from '@aws-sdk/client-sqs';
import {
  createAwsJsonClient,
  createHttpTransport,
  type AwsJsonService,
  type AwsJsonTransport,
  type AwsMetadata,
  type HttpTransportOptions,
  type RetryOptions,
} from '../../aws-http/index.ts';

/** SQS's JSON protocol, as the transports address and sign it. */
export const sqsService: AwsJsonService = {
  name: 'SQS',
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  endpointVariable: 'AWS_ENDPOINT_URL_SQS',
  // Asks SQS for its query protocol's error code too (`x-amzn-query-error`), as the SDK does.
  headers: { 'x-amzn-query-mode': 'true' },
};

/** The operations we send: input and output of each. */
export interface SqsOperations {
  SendMessage: [SendMessageRequest, SendMessageResult];
  SendMessageBatch: [SendMessageBatchRequest, SendMessageBatchResult];
  ReceiveMessage: [ReceiveMessageRequest, ReceiveMessageResult];
  DeleteMessage: [DeleteMessageRequest, object];
  DeleteMessageBatch: [DeleteMessageBatchRequest, DeleteMessageBatchResult];
  ChangeMessageVisibility: [ChangeMessageVisibilityRequest, object];
  ChangeMessageVisibilityBatch: [ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResult];
  GetQueueAttributes: [GetQueueAttributesRequest, GetQueueAttributesResult];
  StartMessageMoveTask: [StartMessageMoveTaskRequest, StartMessageMoveTaskResult];
  /** The one-process runtime's provisioning (infra/local provision.ts). */
  CreateQueue: [CreateQueueRequest, CreateQueueResult];
  SetQueueAttributes: [SetQueueAttributesRequest, object];
}

/** What the queue adapters hold: sends an operation's input and returns its output. */
export interface SqsClient {
  call<Operation extends keyof SqsOperations>(
    operation: Operation,
    input: SqsOperations[Operation][0],
  ): Promise<SqsOperations[Operation][1] & { $metadata: AwsMetadata }>;
  /** Closes the transport's sockets. */
  destroy(): void;
}

export interface SqsClientOptions extends HttpTransportOptions {
  /** Where requests go instead of signed HTTP (tests). */
  transport?: AwsJsonTransport;
  retry?: RetryOptions;
}

/**
 * A client over signed HTTPS to the endpoint of the options or the environment
 * (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`); with neither, each request goes to its queue
 * URL's origin (the SDK's `useQueueUrlAsEndpoint`), else to the regional endpoint.
 */
export function createSqsClient(options: SqsClientOptions = {}): SqsClient {
  const json = createAwsJsonClient(sqsService.name, options.transport ?? createHttpTransport(sqsService, options), options.retry);
  return {
    async call(operation, input) {
      const queueUrl = (input as { QueueUrl?: unknown }).QueueUrl;
      const { output, $metadata } = await json.call(operation, input, typeof queueUrl === 'string' ? queueUrl : undefined);
      return Object.assign(output as SqsOperations[typeof operation][1], { $metadata });
    },
    destroy() {
      json.destroy();
    },
  };
}
