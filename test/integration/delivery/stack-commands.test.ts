import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SendMessageCommand, TagQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqCommand } from '../../../cli/tasks/dlq.ts';
import { subscribersCommand } from '../../../cli/tasks/subscribers.ts';
import { topologyTagKeys } from '../../../infra/aws/resource-tags.ts';
import { tableNameOutputKey } from '../../../infra/aws/stack-outputs.ts';
import type { QueueName, TableName } from '../../../infra/topology.ts';
import { deliveryMessage } from '../../unit/delivery/fixtures.ts';
import { captureIo } from '../../helpers/capture-io.ts';
import {
  createQueues,
  createTables,
  localCredentials,
  localRegion,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type ProvisionedQueues,
  type ProvisionedTables,
  type TestDynalite,
  type TestFauxqs,
} from '../../helpers/engines.ts';

/**
 * `subscribers` and `dlq` against a deployed stack, the way they find it in AWS: CloudFormation
 * (a stand-in on 127.0.0.1 answering DescribeStacks and ListStackResources in awsQuery XML) for
 * the tables and queues, DynamoDB and SQS on dynalite and fauxqs with the queues tagged as the
 * CDK stack tags them. fauxqs has no StartMessageMoveTask, so redrive falls back to its move loop.
 */

let dynamo: TestDynalite;
let sqs: TestFauxqs;
let tables: ProvisionedTables;
let queues: ProvisionedQueues;
let standIn: Server;
let cloudFormation: CloudFormationClient;

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function startStandIn(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      res.setHeader('content-type', 'text/xml');
      const ns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
      if (form.get('StackName') !== 'NewsAlerts') {
        res.statusCode = 400;
        res.end(
          `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(form.get('StackName') ?? '')} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      if (form.get('Action') === 'DescribeStacks') {
        const outputs = (Object.keys(tables) as TableName[])
          .map(
            (table) =>
              `<member><OutputKey>${tableNameOutputKey(table)}</OutputKey><OutputValue>${xml(tables[table])}</OutputValue></member>`,
          )
          .join('');
        res.end(
          `<DescribeStacksResponse xmlns="${ns}"><DescribeStacksResult><Stacks><member><StackName>NewsAlerts</StackName><StackId>arn:aws:cloudformation:${localRegion}:000000000000:stack/NewsAlerts/1</StackId>` +
            `<CreationTime>2030-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`,
        );
        return;
      }
      // ListStackResources: every queue and DLQ, plus something that is not a queue.
      const urls = Object.values(queues).flatMap((q) => [q.url, q.dlqUrl]);
      const members = [...urls.map((url, i) => ['AWS::SQS::Queue', url, `Queue${i}`]), ['AWS::Lambda::Function', 'fn-1', 'Fn']]
        .map(
          ([type, id, logical]) =>
            `<member><LogicalResourceId>${logical}</LogicalResourceId><PhysicalResourceId>${xml(id!)}</PhysicalResourceId><ResourceType>${type}</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>2030-01-01T00:00:00Z</LastUpdatedTimestamp></member>`,
        )
        .join('');
      res.end(
        `<ListStackResourcesResponse xmlns="${ns}"><ListStackResourcesResult><StackResourceSummaries>${members}</StackResourceSummaries></ListStackResourcesResult></ListStackResourcesResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const clients = () => ({ cloudFormation, dynamodb: dynamo.client, sqs: sqs.client });

beforeAll(async () => {
  dynamo = await startDynalite();
  sqs = await startFauxqs();
  const prefix = uniquePrefix('stack');
  tables = await createTables(dynamo.documents, prefix);
  queues = await createQueues(sqs.queues, { prefix });
  for (const [name, q] of Object.entries(queues) as [QueueName, ProvisionedQueues[QueueName]][]) {
    await sqs.client.send(new TagQueueCommand({ QueueUrl: q.url, Tags: { [topologyTagKeys.queue]: name } }));
  }
  const started = await startStandIn();
  standIn = started.server;
  cloudFormation = new CloudFormationClient({ endpoint: started.endpoint, region: localRegion, credentials: localCredentials });
});

afterAll(async () => {
  cloudFormation?.destroy();
  await new Promise<void>((resolve) => standIn?.close(() => resolve()));
  await Promise.all([dynamo?.stop(), sqs?.stop()]);
});

describe('operator commands on a deployed stack', () => {
  it('adds and lists subscribers in the stack’s table', async () => {
    const add = captureIo();
    const list = captureIo();
    const flags = {
      id: 'ops',
      topics: ['sanctions'],
      email: 'ops@example.org',
      webhooks: [],
      slack: [],
      paused: false,
      cadence: 'weekly',
      weeklyDay: 'fri',
    };

    expect(await subscribersCommand({ action: 'add', stack: 'NewsAlerts', json: false, subscriber: flags }, add.io, clients())).toBe(0);
    expect(await subscribersCommand({ action: 'list', stack: 'NewsAlerts', json: false }, list.io, clients())).toBe(0);

    expect(add.out()).toContain('saved subscriber ops in stack NewsAlerts');
    expect(list.out()).toContain('weekly at 8:00 UTC on fri');
  });

  it('lists a dead letter without taking it, then redrives it to its queue', async () => {
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queues.email.dlqUrl,
        MessageBody: JSON.stringify(deliveryMessage({ channel: { kind: 'email', channelId: 'mail', address: 'a@example.org' } })),
      }),
    );
    const list = captureIo();
    const again = captureIo();
    const redrive = captureIo();

    await dlqCommand({ action: 'list', queue: 'email', stack: 'NewsAlerts', json: true, limit: 10 }, list.io, clients());
    await dlqCommand({ action: 'list', queue: 'email', stack: 'NewsAlerts', json: true, limit: 10 }, again.io, clients());
    await dlqCommand({ action: 'redrive', queue: 'email', stack: 'NewsAlerts', json: true, limit: 10 }, redrive.io, clients());

    const listed = JSON.parse(list.out()) as { queues: { messages: { what: string }[] }[] };
    expect(listed.queues[0]!.messages).toEqual([
      expect.objectContaining({ what: expect.stringContaining('delivery to sub-1 → email mail') }),
    ]);
    // Listing released what it looked at: a second look sees it too.
    expect((JSON.parse(again.out()) as typeof listed).queues[0]!.messages).toHaveLength(1);
    expect(JSON.parse(redrive.out())).toMatchObject({ redrive: [{ queue: 'email', method: 'move-loop', moved: 1, failed: 0 }] });
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.email.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
  });
});
