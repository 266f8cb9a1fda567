import { performance } from 'node:perf_hooks';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../infra/local/index.ts';
import { createQueues, createTables } from '../infra/local/index.ts';
import type { QueueName } from '../infra/topology.ts';
import { nullEventSink } from '../shared/core/events.ts';
import { silentLog } from '../shared/core/logger.ts';
import { DEFAULT_FAN_OUT_MAX_PAGES, DEFAULT_FAN_OUT_PAGE_SIZE, fanOut } from '../shared/fanout/fan-out.ts';
import type { AlertMessage } from '../shared/messages/schemas.ts';
import { createSqsMessageQueue } from '../shared/queue/sqs/sqs-message-queue.ts';
import { createHttpTransport } from '../shared/aws-http/index.ts';
import { createSqsClient, sqsService } from '../shared/queue/sqs/sqs-client.ts';
import {
  BatchWriteCommand,
  createDocumentClient,
  dynamoDbService,
  createDynamoDbDigestStore,
  createDynamoDbSubscriptionStore,
  subscriptionPartitionOf,
} from '../shared/store/dynamodb/index.ts';

export interface FanoutFigures {
  subscribers: number;
  deliveries: number;
  invocations: number;
  seconds: number;
  deliveriesPerSecond: number;
  sqsRequests: Record<string, number>;
  sqsRequestsPerDelivery: number;
  dynamodbRequests: Record<string, number>;
}

/**
 * One alert to N subscribers of a topic, each with one webhook, through the real fan-out with the
 * real DynamoDB and SQS adapters on dynalite and fauxqs (in process, in memory): pages of 500,
 * two pages per invocation, the rest handed to follow-up messages as in Lambda. Times the fan-out
 * invocations only (not the setup, not the consumption of follow-ups) and counts the requests
 * fan-out makes.
 */
export async function benchFanout(options: { subscribers?: number } = {}): Promise<FanoutFigures> {
  const total = options.subscribers ?? 10_000;
  const dynamodbEngine = await startDynaliteEngine();
  const sqsEngine = await startFauxqsEngine();
  const config = { region: localRegion, credentials: localCredentials };
  // Make the tables and queues, uncounted.
  const dynamodb = createDocumentClient({ ...config, endpoint: dynamodbEngine.endpoint });
  const sqs = createSqsClient({ ...config, endpoint: sqsEngine.endpoint });
  const consumer = new SQSClient({ ...config, endpoint: sqsEngine.endpoint });
  const http = createHttpTransport(dynamoDbService, { ...config, endpoint: dynamodbEngine.endpoint });
  const sqsHttp = createHttpTransport(sqsService, { ...config, endpoint: sqsEngine.endpoint });
  try {
    const prefix = 'bench-fanout';
    const tables = await createTables(dynamodb, prefix);
    const queues = await createQueues(sqs, { prefix });
    // The stores' client (ours, as shipped), its requests counted by operation at the transport.
    const dynamodbCounts: Record<string, number> = {};
    let counting = false;
    const document = createDocumentClient({
      transport: {
        send(operation, body) {
          if (counting) dynamodbCounts[`${operation}Command`] = (dynamodbCounts[`${operation}Command`] ?? 0) + 1;
          return http.send(operation, body);
        },
        close: () => http.close?.(),
      },
    });

    // Setup (not timed): 10,000 subscription rows, 25 per BatchWriteItem.
    const rows = Array.from({ length: total }, (_, n) => ({
      topicId: subscriptionPartitionOf('un-meeting', `bench-${String(n).padStart(6, '0')}`),
      subscriberId: `bench-${String(n).padStart(6, '0')}`,
      topics: ['un-meeting'],
      channels: [{ kind: 'webhook', channelId: 'hook', url: `https://hooks.example.org/${n}`, format: 'json' }],
      minScore: 0,
      state: 'active',
    }));
    for (let i = 0; i < rows.length; i += 25) {
      await document.send(
        new BatchWriteCommand({
          RequestItems: { [tables.subscriptions]: rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }

    // The queue's client (ours, as shipped), its requests counted by operation at the transport.
    const sqsCounts: Record<string, number> = {};
    const queueClient = createSqsClient({
      transport: {
        send(operation, body, endpointHint) {
          sqsCounts[`${operation}Command`] = (sqsCounts[`${operation}Command`] ?? 0) + 1;
          return sqsHttp.send(operation, body, endpointHint);
        },
      },
    });
    counting = true;
    const urls = Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as Record<QueueName, string>;
    const deps = {
      subscriptions: createDynamoDbSubscriptionStore({ client: document, tableName: tables.subscriptions }),
      digests: createDynamoDbDigestStore({ client: document, tableName: tables.digests }),
      queue: createSqsMessageQueue(queueClient, urls),
      clock: { now: () => new Date() },
      log: silentLog,
      events: nullEventSink,
    };
    const pending: AlertMessage[] = [benchAlert('bench')];

    let deliveries = 0;
    let invocations = 0;
    let busyMs = 0;
    for (let message = pending.shift(); message; message = pending.shift()) {
      const started = performance.now();
      const summary = await fanOut(message, deps, { pageSize: DEFAULT_FAN_OUT_PAGE_SIZE, maxPages: DEFAULT_FAN_OUT_MAX_PAGES });
      busyMs += performance.now() - started;
      invocations += 1;
      deliveries += summary.deliveries.webhook + summary.deliveries.email;
      // The follow-ups, as the alert queue's event source would hand them over (not counted).
      if (summary.followUps.length > 0) pending.push(...(await receiveAll(consumer, urls.alert)));
    }
    const sqsTotal = Object.values(sqsCounts).reduce((a, b) => a + b, 0);
    return {
      subscribers: total,
      deliveries,
      invocations,
      seconds: Number((busyMs / 1000).toFixed(2)),
      deliveriesPerSecond: Math.round(deliveries / (busyMs / 1000)),
      sqsRequests: sqsCounts,
      sqsRequestsPerDelivery: Number((sqsTotal / deliveries).toFixed(4)),
      dynamodbRequests: dynamodbCounts,
    };
  } finally {
    sqs.destroy();
    sqsHttp.close?.();
    consumer.destroy();
    dynamodb.destroy();
    http.close?.();
    await sqsEngine.stop();
    await dynamodbEngine.stop();
  }
}

/** One on-topic alert as poll-feed queues it, from a feed named `feedId`: what the fan-out benches hand out. */
export function benchAlert(feedId: string): AlertMessage {
  return {
    version: 1,
    storyId: `${feedId}-story`,
    item: {
      itemKey: `${feedId}#1`,
      feedId,
      source: `${feedId} wire`,
      guid: null,
      link: `https://${feedId}.example/1`,
      title: 'Security Council holds emergency meeting',
      summary: 'The Security Council met on Monday.',
      published: '2025-02-24T10:00:00Z',
      author: null,
      categories: [],
    },
    topics: [{ topic: 'un-meeting', label: 'UN meeting', score: 0.9, matched: [] }],
  };
}

/** Receives and deletes every message now in a queue (the bench's stand-in for an event source). */
export async function receiveAll(consumer: SQSClient, queueUrl: string): Promise<AlertMessage[]> {
  const bodies: AlertMessage[] = [];
  for (;;) {
    const { Messages = [] } = await consumer.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}') as AlertMessage));
    await consumer.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

/** One line for the terminal. */
export function formatFanoutBench(f: FanoutFigures): string {
  return (
    `  ${f.deliveries} deliveries queued for one alert to ${f.subscribers} subscribers in ${f.seconds} s of fan-out ` +
    `(${f.invocations} invocations): ${f.deliveriesPerSecond} deliveries/s; ` +
    `SQS ${JSON.stringify(f.sqsRequests)} = ${f.sqsRequestsPerDelivery} requests per delivery; DynamoDB ${JSON.stringify(f.dynamodbRequests)}`
  );
}
