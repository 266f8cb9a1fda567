/**
 * The runtime's storage: embedded DynamoDB (dynalite) and SQS (fauxqs) engines, their clients,
 * and the topology's tables and queues created in them. The stores and the queues run on our own
 * clients, the ones the functions ship with, their requests handed to the engines in process as
 * objects (no JSON text, no HTTP): DynamoDB's to dynalite's validations and actions, SQS's to
 * fauxqs's SQS router. The same clients create the tables and queues and sweep TTLs: the AWS SDK
 * is not loaded in this process.
 */
import { join } from 'node:path';
import { startDynaliteEngine, startFauxqsEngine, type DynaliteEngine, type FauxqsEngine } from './engines.ts';
import { assertDataFolderFree, prepareDataFolder, recordDataFolderHolder } from './data-folder.ts';
import { createQueues, createTables, type ProvisionedQueues, type ProvisionedTables } from './provision.ts';
import { createSqsClient, type SqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { createDocumentClient, type DynamoDbClient } from '../../shared/store/dynamodb/index.ts';
import type { CleanupStack } from './runtime-shutdown.ts';

export interface RuntimeEnginesOptions {
  /** Absolute data folder; the engines keep their data in `dynamodb/` and `sqs/` below it. */
  dataDir: string;
  /** Keep everything in memory instead. */
  inMemory?: boolean;
  /** Prefix of table and queue names. */
  prefix: string;
  /** One visibility timeout for every queue instead of the topology's. */
  visibilityTimeoutSeconds?: number;
}

export interface RuntimeEngines {
  dynamodbEngine: DynaliteEngine;
  sqsEngine: FauxqsEngine;
  /** The stores' client: ours, as shipped, its requests handed to dynalite in process as objects; it also made the tables and sweeps TTLs. */
  documents: DynamoDbClient;
  /** The queues' client: ours, as shipped, its requests handed to fauxqs's SQS router in process as objects. */
  sqs: SqsClient;
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  /** Destroys the clients, then stops the SQS and DynamoDB engines. */
  close(): Promise<void>;
}

/**
 * Starts both engines and creates the topology's tables and queues. Each step that succeeds
 * records its undo in `cleanups`, so a failure later in the runtime's start leaves nothing open.
 */
export async function startRuntimeEngines(options: RuntimeEnginesOptions, cleanups: CleanupStack): Promise<RuntimeEngines> {
  const { dataDir, inMemory } = options;
  let releaseFolder = () => {};
  if (!inMemory) {
    prepareDataFolder(dataDir);
    await assertDataFolderFree(dataDir);
    releaseFolder = recordDataFolderHolder(dataDir);
    cleanups.push(releaseFolder);
  }
  const dynamodbEngine = await startDynaliteEngine({ path: inMemory ? undefined : join(dataDir, 'dynamodb') });
  cleanups.push(() => dynamodbEngine.stop());
  const sqsEngine = await startFauxqsEngine({ dataDir: inMemory ? undefined : join(dataDir, 'sqs') });
  cleanups.push(() => sqsEngine.stop());

  const documents = createDocumentClient({ transport: dynamodbEngine.directTransport });
  const sqs = createSqsClient({ transport: sqsEngine.directTransport });
  cleanups.push(() => sqs.destroy());

  const tables = await createTables(documents, options.prefix);
  const queues = await createQueues(sqs, { prefix: options.prefix, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });

  return {
    dynamodbEngine,
    sqsEngine,
    documents,
    sqs,
    tables,
    queues,
    async close() {
      sqs.destroy();
      await sqsEngine.stop();
      await dynamodbEngine.stop();
      releaseFolder();
    },
  };
}
