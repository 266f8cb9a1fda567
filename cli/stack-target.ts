/**
 * The deployed stack's side of `pipeline-target.ts`: the tables and queues found by the stack's
 * CloudFormation outputs and resources, the clients from the SDK's default chain (the
 * operator's profiles, SSO, …). A module of its own so that a command on the data folder never
 * loads the AWS SDK.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueName, TableName } from '../infra/topology.ts';
import { createQueueAdapters } from '../shared/queue/sqs/queue-adapters.ts';
import { createSqsClient, type SqsClient } from '../shared/queue/sqs/sqs-client.ts';
import { createStores } from '../shared/runtime/store-factories.ts';
import { createDocumentClient } from '../shared/store/dynamodb/index.ts';
import { peekDeadLetters, queuePairsFromStack } from './dead-letter-queues.ts';
import { settingsOf } from './sdk-client-settings.ts';
import { readStackOutputs, tableNamesFromOutputs } from './deployed-stack.ts';
import { urlsOf, type AwsTargetClients, type PipelineTarget } from './pipeline-target.ts';

/** Opens a deployed stack: its outputs name the tables, its resources the queues. */
export async function openStack<T extends TableName>(
  stack: string,
  options: { queues: boolean; tables: readonly T[] },
  given?: AwsTargetClients,
): Promise<PipelineTarget<T>> {
  const clients = given ?? { cloudFormation: new CloudFormationClient({}), dynamodb: new DynamoDBClient({}), sqs: new SQSClient({}) };
  const documents = createDocumentClient(settingsOf(clients.dynamodb));
  // Redrive on our SQS client, as the functions ship it; finding and peeking at the queues stays on the SDK's.
  const queueClient: SqsClient = createSqsClient(settingsOf(clients.sqs));
  const close = async () => {
    documents.destroy();
    queueClient.destroy();
    if (given) return;
    clients.cloudFormation.destroy();
    clients.dynamodb.destroy();
    clients.sqs.destroy();
  };
  try {
    const description = await readStackOutputs(clients.cloudFormation, stack);
    const tables = tableNamesFromOutputs(description, stack, options.tables);
    const pairs = options.queues ? await queuePairsFromStack(clients.cloudFormation, clients.sqs, stack) : undefined;
    return {
      description: `stack ${stack}`,
      stores: createStores(documents, tables),
      tableNames: tables,
      ...(pairs
        ? {
            deadLetters: {
              peek: (queue: QueueName, limit: number) => peekDeadLetters(clients.sqs, pairs[queue], limit),
              redrive: createQueueAdapters(queueClient, urlsOf(pairs), { useMoveTask: true }).deadLetters.redrive,
            },
          }
        : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
