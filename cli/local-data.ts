/**
 * The one-process runtime's data folder, opened by a CLI command while the pipeline is stopped:
 * dynalite over `<dir>/dynamodb` and fauxqs over `<dir>/sqs`, with the topology's tables and
 * queues (created if missing, exactly as `news-alerts run` does).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import { assertDataFolderFree, localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../infra/local/index.ts';
import { createQueues, createTables, defaultResourcePrefix, type ProvisionedQueues, type ProvisionedTables } from '../infra/local/index.ts';
import { ConfigError } from '../shared/core/errors.ts';

export interface LocalData {
  dataDir: string;
  tables: ProvisionedTables;
  dynamodb: DynamoDBClient;
  /** Present when opened with `queues: true`. */
  queues?: { provisioned: ProvisionedQueues; sqs: SQSClient; server: FauxqsServer };
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
  await assertDataFolderFree(dir);

  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const dynamodbEngine = await startDynaliteEngine({ path: join(dir, 'dynamodb') });
    cleanups.push(() => dynamodbEngine.stop());
    const dynamodb = new DynamoDBClient({ endpoint: dynamodbEngine.endpoint, region: localRegion, credentials: localCredentials });
    cleanups.push(() => dynamodb.destroy());
    const tables = await createTables(dynamodb, defaultResourcePrefix);
    let queues: LocalData['queues'];
    if (options.queues) {
      const sqsEngine = await startFauxqsEngine({ dataDir: join(dir, 'sqs') });
      cleanups.push(() => sqsEngine.stop());
      const sqs = new SQSClient({ endpoint: sqsEngine.endpoint, region: localRegion, credentials: localCredentials });
      cleanups.push(() => sqs.destroy());
      queues = { provisioned: await createQueues(sqs, { prefix: defaultResourcePrefix }), sqs, server: sqsEngine.server };
    }
    return { dataDir: dir, tables, dynamodb, ...(queues ? { queues } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}
