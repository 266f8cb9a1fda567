import { javaUnavailableReason, startDynamoDbLocal } from '../dynamodb-local.ts';
import { describeStoreSuite } from './store-suite.ts';

// DynamoDB Local is a Java program: without java on PATH this engine is skipped, loudly.
const skipReason = javaUnavailableReason();
describeStoreSuite(
  'DynamoDB Local',
  () => startDynamoDbLocal(),
  skipReason ? { skipReason: `${skipReason}; install a JRE (Java 17+) to run it` } : {},
);
