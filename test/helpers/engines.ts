/**
 * Embedded engines for tests: dynalite and fauxqs in this process, in memory, on 127.0.0.1
 * ephemeral ports, each with an SDK client pointed at it. Tables and queues come from
 * `infra/topology.ts` through the same code the local runtime uses.
 *
 *   const dynamo = await startDynalite();
 *   const tables = await createTables(dynamo.client, 'test-abc');
 *   afterAll(() => dynamo.stop());
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine, type FauxqsEngine } from '../../infra/local/engines.ts';
import { createDocumentClient, type DynamoDbClient } from '../../shared/store/dynamodb/index.ts';
import type { AwsJsonObjectTransport, RetryOptions } from '../../shared/aws-http/index.ts';
import { createSqsClient, type SqsClient } from '../../shared/queue/sqs/sqs-client.ts';

export { localCredentials, localRegion } from '../../infra/local/engines.ts';
export {
  createQueues,
  createTables,
  localDeadLetterQueueName,
  localQueueName,
  localTableName,
  type CreateQueuesOptions,
  type ProvisionedQueue,
  type ProvisionedQueues,
  type ProvisionedTables,
} from '../../infra/local/provision.ts';

export interface TestDynalite {
  endpoint: string;
  /** The SDK's client: for creating tables and seeding or inspecting rows. */
  client: DynamoDBClient;
  /** The stores' client, as the functions ship it (ours, signed HTTP). */
  documents: DynamoDbClient;
  /** Destroys the client and stops the engine. */
  stop(): Promise<void>;
}

export interface TestFauxqs {
  endpoint: string;
  /** The SDK's client: for creating queues and seeding or inspecting messages. */
  client: SQSClient;
  /** The adapters' client, as the functions ship it (ours, signed HTTP). */
  queues: SqsClient;
  /** fauxqs itself, for `inspectQueue` and friends. */
  server: FauxqsEngine['server'];
  stop(): Promise<void>;
}

/** dynalite in memory by default; pass `path` to persist (restart tests). */
export async function startDynalite(options: { path?: string } = {}): Promise<TestDynalite> {
  const engine = await startDynaliteEngine(options);
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
  const documents = createStoreClient(engine.endpoint);
  return {
    endpoint: engine.endpoint,
    client,
    documents,
    async stop() {
      client.destroy();
      documents.destroy();
      await engine.stop();
    },
  };
}

/** The stores' client as the functions ship it (ours: signed JSON over HTTP) to a local engine's endpoint. */
export function createStoreClient(endpoint: string, retry?: RetryOptions): DynamoDbClient {
  return createDocumentClient({ endpoint, region: localRegion, credentials: localCredentials, ...(retry ? { retry } : {}) });
}

/**
 * The stores' client for an engine under test: as the one-process runtime's, its requests handed
 * over as objects where the engine takes them so (dynalite in this process), else as the
 * functions ship it (signed JSON over HTTP to its endpoint).
 */
export function storeClientFor(engine: { endpoint: string; directTransport?: AwsJsonObjectTransport }): DynamoDbClient {
  return engine.directTransport ? createDocumentClient({ transport: engine.directTransport }) : createStoreClient(engine.endpoint);
}

/** fauxqs in memory by default; pass `dataDir` to persist. */
export async function startFauxqs(options: { dataDir?: string } = {}): Promise<TestFauxqs> {
  const engine = await startFauxqsEngine(options);
  const client = new SQSClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
  const queues = createSqsClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
  return {
    endpoint: engine.endpoint,
    client,
    queues,
    server: engine.server,
    async stop() {
      client.destroy();
      queues.destroy();
      await engine.stop();
    },
  };
}

/** A fresh resource prefix, so tests sharing an engine never see each other's tables or queues. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
