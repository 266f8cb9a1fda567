/**
 * Dead-letter queues of a deployed stack over the SQS API, for `news-alerts dlq`: finding the
 * stack's queues and peeking at dead letters. Moving them back is the redrive adapter's job
 * (`shared/queue/sqs/dead-letter-redrive.ts`, through `createQueueAdapters`).
 */
import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { topologyTagKeys } from '../infra/aws/resource-tags.ts';
import { topology, type QueueName } from '../infra/topology.ts';
import type { DeadLetterInput } from '../shared/dead-letters/describe-dead-letter.ts';
import type { QueuePair } from '../shared/queue/sqs/dead-letter-redrive.ts';
import { DeployedStackError, describeAwsFailure } from './deployed-stack.ts';

const queueNames = Object.keys(topology.queues) as QueueName[];

/**
 * The queue pairs of a deployed stack: its `AWS::SQS::Queue` resources, the work queues told
 * apart by their topology tag, each DLQ found through the work queue's RedrivePolicy.
 */
export async function queuePairsFromStack(
  cloudFormation: CloudFormationClient,
  sqs: SQSClient,
  stackName: string,
): Promise<Record<QueueName, QueuePair>> {
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
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
    );
    const dlqArn = (JSON.parse(Attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    if (!Attributes.QueueArn || !dlqArn) continue;
    const [, , , , account, dlqName] = dlqArn.split(':');
    const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlqName, QueueOwnerAWSAccountId: account }));
    if (dlqUrl) pairs[name] = { name, url, arn: Attributes.QueueArn, dlqUrl, dlqArn };
  }
  const missing = queueNames.filter((name) => !pairs[name]);
  if (missing.length > 0) {
    throw new DeployedStackError(
      `stack queues not found: ${missing.join(', ')} (no queue tagged ${topologyTagKeys.queue} with a dead-letter queue); deploy the current stack (${stackName})`,
    );
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
