/**
 * Dead-letter queues over the SQS API, for `news-alerts dlq`: finding a deployed stack's queues,
 * peeking at dead letters, and moving them back to their source queue — with SQS's own
 * StartMessageMoveTask where the engine has it (AWS, LocalStack), else a move loop (receive from
 * the DLQ, send to the source, then delete; never a visibility change to 0, which fauxqs 2.4
 * with persistence turns into a lost message).
 */
import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { topologyTagKeys } from '../infra/aws/resource-tags.ts';
import { topology, type QueueName } from '../infra/topology.ts';
import type { DeadLetterInput } from '../shared/delivery/describe-dead-letter.ts';
import { DeployedStackError, describeAwsFailure } from './deployed-stack.ts';

/** A work queue and its dead-letter queue. */
export interface QueuePair {
  name: QueueName;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export const queueNames = Object.keys(topology.queues) as QueueName[];

/** Most messages one redrive moves by the loop; run it again for more. */
export const MAX_MOVED_PER_REDRIVE = 10_000;
/** How long a message received by the move loop stays hidden if its send fails. */
const MOVE_VISIBILITY_SECONDS = 60;
/** Error names of engines without StartMessageMoveTask. */
const NO_MOVE_TASK = new Set(['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException', 'InvalidParameterValue']);

/**
 * The queue pairs of a deployed stack: its `AWS::SQS::Queue` resources, the work queues told
 * apart by their topology tag, each DLQ found through the work queue's RedrivePolicy.
 */
export async function queuePairsFromStack(cloudFormation: CloudFormationClient, sqs: SQSClient, stackName: string): Promise<Record<QueueName, QueuePair>> {
  const urls: string[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < 50; page++) {
      const output = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
      for (const resource of output.StackResourceSummaries ?? []) {
        if (resource.ResourceType === 'AWS::SQS::Queue' && resource.PhysicalResourceId) urls.push(resource.PhysicalResourceId);
      }
      nextToken = output.NextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    throw new DeployedStackError(`listing the stack's queues failed: ${describeAwsFailure(error)} (${stackName})`, { cause: error });
  }
  const pairs: Partial<Record<QueueName, QueuePair>> = {};
  for (const url of urls) {
    const { Tags = {} } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
    const name = Tags[topologyTagKeys.queue] as QueueName | undefined;
    if (!name || !queueNames.includes(name)) continue;
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }));
    const dlqArn = (JSON.parse(Attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    if (!Attributes.QueueArn || !dlqArn) continue;
    const [, , , , account, dlqName] = dlqArn.split(':');
    const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName, QueueOwnerAWSAccountId: account }));
    if (dlqUrl) pairs[name] = { name, url, arn: Attributes.QueueArn, dlqUrl, dlqArn };
  }
  const missing = queueNames.filter((name) => !pairs[name]);
  if (missing.length > 0) {
    throw new DeployedStackError(`stack queues not found: ${missing.join(', ')} (no queue tagged ${topologyTagKeys.queue} with a dead-letter queue); deploy the current stack (${stackName})`);
  }
  return pairs as Record<QueueName, QueuePair>;
}

/**
 * Up to `limit` dead letters, oldest first as SQS returns them, left in the queue: received with
 * a short visibility timeout and released again (AWS and LocalStack; not for fauxqs, where the
 * local runtime's own inspection is used instead).
 */
export async function peekDeadLetters(sqs: SQSClient, pair: QueuePair, limit: number): Promise<DeadLetterInput[]> {
  const received: Message[] = [];
  while (received.length < limit) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.dlqUrl,
        MaxNumberOfMessages: Math.min(10, limit - received.length),
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    if (Messages.length === 0) break;
    received.push(...Messages);
  }
  for (let i = 0; i < received.length; i += 10) {
    const chunk = received.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: pair.dlqUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return received.map((message) => ({
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    // Our own receive counted once.
    receiveCount: Math.max(0, Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1),
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? 0)),
  }));
}

export type RedriveResult = { queue: QueueName; method: 'move-task'; taskHandle: string } | { queue: QueueName; method: 'move-loop'; moved: number; failed: number };

/**
 * Puts a queue's dead letters back on the queue. With `useMoveTask`, asks SQS to do it
 * (StartMessageMoveTask, asynchronous: the result carries the task handle) and falls back to the
 * move loop when the engine lacks it.
 */
export async function redriveDeadLetters(sqs: SQSClient, pair: QueuePair, options: { useMoveTask: boolean }): Promise<RedriveResult> {
  if (options.useMoveTask) {
    try {
      const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: pair.dlqArn, DestinationArn: pair.arn }));
      return { queue: pair.name, method: 'move-task', taskHandle: TaskHandle ?? '' };
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!NO_MOVE_TASK.has(name)) throw error;
    }
  }
  return moveLoop(sqs, pair);
}

/** Receive from the DLQ, send to the source queue, delete what was sent; bounded. */
export async function moveLoop(sqs: SQSClient, pair: QueuePair): Promise<RedriveResult> {
  let moved = 0;
  let failed = 0;
  while (moved + failed < MAX_MOVED_PER_REDRIVE) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pair.url,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0 ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    failed += Messages.length - ok.size;
    const toDelete = Messages.filter((_, index) => ok.has(String(index)));
    if (toDelete.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: pair.dlqUrl,
          Entries: toDelete.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    moved += toDelete.length;
    // Sends that failed stay in the DLQ (visible again after MOVE_VISIBILITY_SECONDS): stop here.
    if (ok.size < Messages.length) break;
  }
  return { queue: pair.name, method: 'move-loop', moved, failed };
}
