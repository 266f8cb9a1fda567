/**
 * AWS's JSON protocols on our own small client, shared by the DynamoDB and SQS adapters: SigV4
 * signing (node:crypto), the signed keep-alive HTTP transport (or an object transport to an
 * engine in the same process), the SDK standard mode's retries and the service error shape.
 */
export { createAwsJsonClient } from './json-client.ts';
export type {
  AwsJsonObjectTransport,
  AwsJsonTransport,
  AwsMetadata,
  AwsObjectAnswer,
  RetryOptions,
} from './json-client.ts';
export { createHttpTransport } from './http-transport.ts';
export type { AwsJsonService, HttpTransportOptions } from './http-transport.ts';
export { AwsServiceError } from './service-error.ts';
