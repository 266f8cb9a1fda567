/**
 * dynalite and fauxqs in this process with the topology's tables and queues, `createDeps`
 * pointed at them (test clock, collected events), plus a raw DocumentClient to read rows
 * (TTL attributes) and a queue drain.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../../../infra/local/engines.ts';
import { buildLocalEnv } from '../../../infra/local/local-env.ts';
import { createQueues, createTables, type ProvisionedTables } from '../../../infra/local/provision.ts';
import type { QueueName } from '../../../infra/topology.ts';
import { createDeps } from '../../../shared/runtime/create-deps.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import { silentLog } from '../../../shared/runtime/logger.ts';
import { createDocumentClient } from '../../../shared/store/dynamodb/index.ts';

export interface PipelineEngines {
  deps: Deps;
  clock: { now(): Date; advanceMinutes(minutes: number): void };
  tables: ProvisionedTables;
  row(table: string, key: Record<string, string>): Promise<Record<string, unknown> | undefined>;
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startPipelineEngines(start = '2030-01-01T12:00:00.000Z'): Promise<PipelineEngines> {
  const [dynalite, fauxqs] = await Promise.all([startDynaliteEngine(), startFauxqsEngine()]);
  const clientOptions = { region: localRegion, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...clientOptions, endpoint: dynalite.endpoint });
  const doc: DynamoDBDocumentClient = createDocumentClient(dynamodb);
  const sqs = new SQSClient({ ...clientOptions, endpoint: fauxqs.endpoint });
  const prefix = `stories${randomUUID().slice(0, 8)}`;
  const tables = await createTables(dynamodb, prefix);
  const queues = await createQueues(sqs, { prefix });
  const env = buildLocalEnv({
    tables,
    queues,
    outboxDir: '/nonexistent-outbox',
    publicBaseUrl: 'http://127.0.0.1:1',
    allowPrivateNetwork: true,
    overrides: { LOG_LEVEL: 'SILENT', ITEM_RETENTION_DAYS: '30' },
  });
  let current = new Date(start).getTime();
  const clock = { now: () => new Date(current), advanceMinutes: (minutes: number) => (current += minutes * 60_000) };
  const deps = createDeps(env, {
    dynamodbEndpoint: dynalite.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    ...clientOptions,
    clock,
    log: silentLog,
    events: { emit() {} },
    mailer: { send: async () => { throw new Error('these tests send no mail'); } },
  });

  return {
    deps,
    clock,
    tables,
    async row(table, key) {
      return (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    },
    async drain(queue) {
      const bodies: unknown[] = [];
      for (let round = 0; round < 100; round++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues[queue].url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) break;
        bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null')));
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues[queue].url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      }
      return bodies;
    },
    async stop() {
      dynamodb.destroy();
      sqs.destroy();
      await fauxqs.stop();
      await dynalite.stop();
    },
  };
}
