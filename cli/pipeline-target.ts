/**
 * Where operator commands (`subscribers`, `dlq`) act: a deployed stack (AWS or LocalStack, found
 * by its CloudFormation outputs and resources, clients from the SDK's default chain) or the
 * one-process runtime's data folder.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultResourcePrefix, localDeadLetterQueueName } from '../infra/local/provision.ts';
import { inspectMessages } from '../infra/local/queue-inspection.ts';
import type { QueueName, TableName } from '../infra/topology.ts';
import type { DeadLetterInput } from '../shared/dead-letters/describe-dead-letter.ts';
import { peekDeadLetters, queuePairsFromStack, type QueuePair } from './dead-letter-queues.ts';
import { readStackOutputs, tableNamesFromOutputs } from './deployed-stack.ts';
import { defaultDataDir, openLocalData } from './local-data.ts';

export interface TargetChoice {
  /** A deployed stack's name; when set, the data folder is not used. */
  stack?: string | undefined;
  /** The one-process data folder (default `./.news-alerts`). */
  dataDir?: string | undefined;
}

/** Clients for a deployed stack; tests pass their own (endpoints of local engines). */
export interface AwsTargetClients {
  cloudFormation: CloudFormationClient;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
}

export interface PipelineTarget {
  /** `stack NewsAlerts` or `data folder /path`. */
  description: string;
  dynamodb: DynamoDBClient;
  tables: Record<TableName, string>;
  /** Present when opened with `queues: true`. */
  queues?: {
    sqs: SQSClient;
    pairs: Record<QueueName, QueuePair>;
    /** Dead letters left in place. */
    peek(queue: QueueName, limit: number): Promise<DeadLetterInput[]>;
    /** Whether SQS's StartMessageMoveTask is worth trying (not on fauxqs). */
    useMoveTask: boolean;
  };
  close(): Promise<void>;
}

export async function openPipelineTarget(
  choice: TargetChoice,
  options: { queues: boolean; tables: readonly TableName[] },
  clients?: AwsTargetClients,
): Promise<PipelineTarget> {
  if (choice.stack !== undefined) return openStack(choice.stack, options, clients);
  const data = await openLocalData(choice.dataDir ?? defaultDataDir, { queues: options.queues });
  const queues = data.queues;
  return {
    description: `data folder ${data.dataDir}`,
    dynamodb: data.dynamodb,
    tables: data.tables,
    ...(queues
      ? {
          queues: {
            sqs: queues.sqs,
            pairs: Object.fromEntries(
              Object.entries(queues.provisioned).map(([name, q]) => [name, { name: name as QueueName, url: q.url, arn: q.arn, dlqUrl: q.dlqUrl, dlqArn: q.dlqArn }]),
            ) as Record<QueueName, QueuePair>,
            // fauxqs's in-process inspection: nothing is received, nothing moves.
            peek: async (queue, limit) => inspectMessages(queues.server, localDeadLetterQueueName(defaultResourcePrefix, queue), limit),
            useMoveTask: false,
          },
        }
      : {}),
    close: data.close,
  };
}

async function openStack(stack: string, options: { queues: boolean; tables: readonly TableName[] }, given?: AwsTargetClients): Promise<PipelineTarget> {
  const clients = given ?? { cloudFormation: new CloudFormationClient({}), dynamodb: new DynamoDBClient({}), sqs: new SQSClient({}) };
  const close = async () => {
    if (given) return;
    clients.cloudFormation.destroy();
    clients.dynamodb.destroy();
    clients.sqs.destroy();
  };
  try {
    const description = await readStackOutputs(clients.cloudFormation, stack);
    const tables = tableNamesFromOutputs(description, stack, options.tables) as Record<TableName, string>;
    const pairs = options.queues ? await queuePairsFromStack(clients.cloudFormation, clients.sqs, stack) : undefined;
    return {
      description: `stack ${stack}`,
      dynamodb: clients.dynamodb,
      tables,
      ...(pairs
        ? { queues: { sqs: clients.sqs, pairs, peek: (queue: QueueName, limit: number) => peekDeadLetters(clients.sqs, pairs[queue], limit), useMoveTask: true } }
        : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
