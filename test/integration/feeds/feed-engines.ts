/**
 * Embedded engines for the feed integration tests: dynalite and fauxqs in this process, the
 * topology's tables and queues under a fresh prefix, and `createDeps` pointed at them with a
 * clock the test moves and an event list it reads.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../../../infra/local/engines.ts';
import { buildLocalEnv } from '../../../infra/local/local-env.ts';
import { createQueues, createTables } from '../../../infra/local/provision.ts';
import type { QueueName } from '../../../infra/topology.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import { createDeps } from '../../../shared/runtime/create-deps.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import type { PipelineEvent } from '../../../shared/runtime/events.ts';
import { silentLog } from '../../../shared/runtime/logger.ts';

export interface TestClock extends Clock {
  set(iso: string): void;
  advanceMinutes(minutes: number): void;
}

export function createTestClock(start: string): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (iso) => (current = new Date(iso).getTime()),
    advanceMinutes: (minutes) => (current += minutes * 60_000),
  };
}

export interface FeedEngines {
  deps: Deps;
  clock: TestClock;
  events: PipelineEvent[];
  /** Receives (and deletes) everything currently in a queue, parsed from JSON. */
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startFeedEngines(): Promise<FeedEngines> {
  const dynalite = await startDynaliteEngine();
  const fauxqs = await startFauxqsEngine();
  const clientOptions = { region: localRegion, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...clientOptions, endpoint: dynalite.endpoint });
  const sqs = new SQSClient({ ...clientOptions, endpoint: fauxqs.endpoint });
  const prefix = `feeds${randomUUID().slice(0, 8)}`;
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
  const clock = createTestClock('2030-01-01T00:00:00.000Z');
  const events: PipelineEvent[] = [];
  const deps = createDeps(env, {
    dynamodbEndpoint: dynalite.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    ...clientOptions,
    clock,
    log: silentLog,
    events: { emit: (event) => events.push(event) },
    // Feeds never send mail; a mailer that refuses keeps the test honest.
    mailer: { send: async () => { throw new Error('feed tests send no mail'); } },
  });

  async function drain(queue: QueueName): Promise<unknown[]> {
    const bodies: unknown[] = [];
    for (let round = 0; round < 100; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues[queue].url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null')));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues[queue].url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return bodies;
  }

  return {
    deps,
    clock,
    events,
    drain,
    async stop() {
      dynamodb.destroy();
      sqs.destroy();
      await fauxqs.stop();
      await dynalite.stop();
    },
  };
}
