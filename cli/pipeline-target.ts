/**
 * Where operator commands (`feeds`, `subscribers`, `dlq`, `apply-config`) act: a deployed stack
 * (AWS or LocalStack, found by its CloudFormation outputs and resources, clients from the SDK's
 * default chain) or the one-process runtime's data folder (its embedded engines). Either way the
 * commands get ports, never clients: the stores come from `createStores` and the redrive from
 * `createQueueAdapters`, the factories `createDeps` builds the pipeline's own from. The stack's
 * side (`stack-target.ts`, with the AWS SDK) loads only when a stack is named.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { defaultResourcePrefix, localDeadLetterQueueName } from '../infra/local/index.ts';
import type { QueueName, TableName } from '../infra/topology.ts';
import type { DeadLetterInput } from '../shared/dead-letters/describe-dead-letter.ts';
import type { RedriveOutcome } from '../shared/queue/ports.ts';
import { createQueueAdapters } from '../shared/queue/sqs/queue-adapters.ts';
import { createStores, type Stores } from '../shared/runtime/store-factories.ts';
import { openLocalData } from './local-data.ts';
import { defaultDataDir } from './options.ts';

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

/** The dead-letter queues of a target. */
export interface DeadLetterQueues {
  /** Up to `limit` dead letters of a queue, left in place. */
  peek(queue: QueueName, limit: number): Promise<DeadLetterInput[]>;
  /** Moves a queue's dead letters back to it (SQS StartMessageMoveTask in AWS; a move loop locally). */
  redrive(queue: QueueName): Promise<RedriveOutcome>;
}

export interface PipelineTarget<T extends TableName> {
  /** `stack NewsAlerts` or `data folder /path`. */
  description: string;
  /** The stores over the tables asked for … */
  stores: Pick<Stores, T>;
  /** … and those tables' physical names, for output. */
  tableNames: Record<T, string>;
  /** Present when opened with `queues: true`. */
  deadLetters?: DeadLetterQueues;
  close(): Promise<void>;
}

/** Opens a target with the stores of `tables` (and, with `queues`, its dead-letter queues). */
export async function openPipelineTarget<T extends TableName>(
  choice: TargetChoice,
  options: { queues: boolean; tables: readonly T[] },
  clients?: AwsTargetClients,
): Promise<PipelineTarget<T>> {
  if (choice.stack !== undefined) {
    const { openStack } = await import('./stack-target.ts');
    return openStack(choice.stack, options, clients);
  }
  const data = await openLocalData(choice.dataDir ?? defaultDataDir, { queues: options.queues });
  const queues = data.queues;
  const tables = Object.fromEntries(options.tables.map((table) => [table, data.tables[table]])) as Record<T, string>;
  return {
    description: `data folder ${data.dataDir}${data.viaRunningPipeline ? ` (through the running pipeline, process ${data.viaRunningPipeline.pid})` : ''}`,
    stores: createStores(data.documents, tables),
    tableNames: tables,
    ...(queues
      ? {
          deadLetters: {
            // fauxqs's in-process inspection: nothing is received, nothing moves.
            peek: (queue, limit) => queues.inspect(localDeadLetterQueueName(defaultResourcePrefix, queue), limit),
            // fauxqs has no StartMessageMoveTask.
            redrive: createQueueAdapters(queues.sqs, urlsOf(queues.provisioned), { useMoveTask: false }).deadLetters.redrive,
          },
        }
      : {}),
    close: data.close,
  };
}

/** Each queue's URL by name. */
export function urlsOf(queues: Record<QueueName, { url: string }>): Record<QueueName, string> {
  return Object.fromEntries(Object.entries(queues).map(([name, queue]) => [name, queue.url])) as Record<QueueName, string>;
}
