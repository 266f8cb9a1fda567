import { expect } from 'vitest';
import { AwsServiceError } from '../../shared/aws-http/index.ts';

/**
 * Everything an AWS error from our clients carries, its own fields included, for comparing two
 * paths' errors whole. Request ids differ between two requests, so only their presence is kept.
 */
export function awsErrorFields(error: unknown) {
  expect(error).toBeInstanceOf(AwsServiceError);
  const { $metadata, ...fields } = error as AwsServiceError;
  return {
    name: (error as Error).name,
    message: (error as Error).message,
    fields,
    status: $metadata.httpStatusCode,
    attempts: $metadata.attempts,
    hasRequestId: typeof $metadata.requestId === 'string',
  };
}
