/**
 * The one-process runtime's data folder, opened by a CLI command: while the pipeline is stopped,
 * dynalite over `<dir>/dynamodb` and fauxqs over `<dir>/sqs`, with the topology's tables and
 * queues (created if missing, exactly as `news-alerts run` does); while a `news-alerts run`
 * holds it, that run's engines, through the endpoints it names in `<dir>/running.json`. Our own
 * clients do all of it, making the tables and queues included: the AWS SDK is not loaded.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertDataFolderFree,
  inspectMessages,
  inspectMessagesOverHttp,
  localCredentials,
  localRegion,
  readRunningPipeline,
  startDynaliteEngine,
  startFauxqsEngine,
  type DeadLetter,
} from '../infra/local/index.ts';
import { createQueues, createTables, defaultResourcePrefix, type ProvisionedQueues, type ProvisionedTables } from '../infra/local/index.ts';
import { ConfigError } from '../shared/core/errors.ts';
import { createDocumentClient, type DynamoDbClient } from '../shared/store/dynamodb/index.ts';
import { createSqsClient, type SqsClient } from '../shared/queue/sqs/sqs-client.ts';

export interface LocalData {
  dataDir: string;
  tables: ProvisionedTables;
  /** The stores' client (ours, as the functions ship it), to the same engine. */
  documents: DynamoDbClient;
  /** Present when opened with `queues: true`; `inspect` lists a queue's messages without touching them. */
  queues?: {
    provisioned: ProvisionedQueues;
    /** The queues' client: ours, as the functions ship it. */
    sqs: SqsClient;
    inspect(queueName: string, limit: number): Promise<DeadLetter[]>;
  };
  /** Set when a running `news-alerts run` holds the folder and the command went through its engines. */
  viaRunningPipeline?: { pid: number };
  close(): Promise<void>;
}

/**
 * Opens a data folder. Fails with a ConfigError when it does not exist (a typo must not create an
 * empty one) or when a running `news-alerts run` holds it.
 */
export async function openLocalData(dataDir: string, options: { queues: boolean }): Promise<LocalData> {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, 'dynamodb'))) {
    throw new ConfigError(
      `data folder not found: no pipeline has run there yet (${dir}); pass --data-dir, or --stack for a deployed stack`,
    );
  }
  // A running pipeline holds the folder: go through its engines (see infra/local running-pipeline.ts).
  const running = await readRunningPipeline(dir);
  if (running) return connectToRunning(dir, running, options);
  await assertDataFolderFree(dir);

  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const dynamodbEngine = await startDynaliteEngine({ path: join(dir, 'dynamodb') });
    cleanups.push(() => dynamodbEngine.stop());
    // Our clients hand their requests to the engines in this process, as the runtime's do.
    const documents = createDocumentClient({ transport: dynamodbEngine.directTransport });
    cleanups.push(() => documents.destroy());
    const tables = await createTables(documents, defaultResourcePrefix);
    let queues: LocalData['queues'];
    if (options.queues) {
      const sqsEngine = await startFauxqsEngine({ dataDir: join(dir, 'sqs') });
      cleanups.push(() => sqsEngine.stop());
      const sqs = createSqsClient({ transport: sqsEngine.directTransport });
      cleanups.push(() => sqs.destroy());
      const server = sqsEngine.server;
      queues = {
        provisioned: await createQueues(sqs, { prefix: defaultResourcePrefix }),
        sqs,
        inspect: async (queueName, limit) => inspectMessages(server, queueName, limit),
      };
    }
    return { dataDir: dir, tables, documents, ...(queues ? { queues } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The engines of the `news-alerts run` holding the folder, reached over loopback: the same
 * tables and queues (creating them is a no-op: the run made them), nothing started here.
 */
async function connectToRunning(
  dir: string,
  running: { pid: number; dynamodb: string; sqs: string },
  options: { queues: boolean },
): Promise<LocalData> {
  const clientConfig = { region: localRegion, credentials: localCredentials };
  const documents = createDocumentClient({ ...clientConfig, endpoint: running.dynamodb });
  const sqs = options.queues ? createSqsClient({ ...clientConfig, endpoint: running.sqs }) : undefined;
  const close = async () => {
    documents.destroy();
    sqs?.destroy();
  };
  try {
    const tables = await createTables(documents, defaultResourcePrefix);
    const queues: LocalData['queues'] = sqs
      ? {
          provisioned: await createQueues(sqs, { prefix: defaultResourcePrefix }),
          sqs,
          inspect: (queueName, limit) => inspectMessagesOverHttp(running.sqs, queueName, limit),
        }
      : undefined;
    return { dataDir: dir, tables, documents, ...(queues ? { queues } : {}), viaRunningPipeline: { pid: running.pid }, close };
  } catch (error) {
    await close();
    throw new ConfigError(
      `data folder in use: the running "news-alerts run" (process ${running.pid}) did not answer: ${(error as Error).message} (${dir})`,
    );
  }
}
