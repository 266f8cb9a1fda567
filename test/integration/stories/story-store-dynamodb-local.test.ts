import { javaUnavailableReason, startDynamoDbLocal } from '../dynamodb-local.ts';
import { describeStoryStoreSuite } from './story-store-suite.ts';

// DynamoDB Local is a Java program: without java on PATH this engine is skipped, loudly.
const skipReason = javaUnavailableReason();
describeStoryStoreSuite(
  'DynamoDB Local',
  () => startDynamoDbLocal(),
  skipReason ? { skipReason: `${skipReason}; install a JRE (Java 17+) to run it` } : {},
);
