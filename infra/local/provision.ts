/**
 * Creates the tables and queues of `infra/topology.ts` in the embedded engines, idempotently:
 * on a data folder that already has them, nothing is lost and the queue attributes are brought
 * back to the spec. Our own clients do it (the stores' and the queues' ones): the SDK stays out of
 * the one process.
 */
import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ScanCommand,
  type DynamoDbClient,
} from '../../shared/store/dynamodb/index.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { ConfigError } from '../../shared/core/errors.ts';
import { topology, type QueueName, type QueueSpec, type TableName, type TableSpec } from '../topology.ts';

/** The prefix of every local table and queue name unless a caller picks another. */
export const defaultResourcePrefix = 'news-alerts';

export function localTableName(prefix: string, table: TableName): string {
  return `${prefix}-${table}`;
}

export function localQueueName(prefix: string, queue: QueueName): string {
  return `${prefix}-${queue}`;
}

export function localDeadLetterQueueName(prefix: string, queue: QueueName): string {
  return `${prefix}-${queue}-dlq`;
}

export interface ProvisionedQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export type ProvisionedQueues = Record<QueueName, ProvisionedQueue>;
export type ProvisionedTables = Record<TableName, string>;

/** Waits this long at most for a table to become ACTIVE (dynalite: immediately). */
const TABLE_ACTIVE_TIMEOUT_MS = 10_000;

/**
 * Creates every table of the topology (keys, GSIs, on-demand billing) named `<prefix>-<table>`;
 * a table that exists is kept, after checking its key schema still matches the spec (and given
 * the indexes the spec gained since, see `addMissingIndexes`). TTL is not
 * configured: dynalite has none, the local TTL sweeper stands in. Returns the table names.
 */
export async function createTables(
  client: DynamoDbClient,
  prefix: string = defaultResourcePrefix,
  tables: Record<TableName, TableSpec> = topology.tables,
): Promise<ProvisionedTables> {
  const names = {} as ProvisionedTables;
  for (const [table, spec] of Object.entries(tables) as [TableName, TableSpec][]) {
    const tableName = localTableName(prefix, table);
    await createTable(client, tableName, spec);
    names[table] = tableName;
  }
  return names;
}

async function createTable(client: DynamoDbClient, tableName: string, spec: TableSpec): Promise<void> {
  try {
    await createEmptyTable(client, tableName, spec);
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name !== 'ResourceInUseException') throw error;
    await checkExistingTable(client, tableName, spec);
  }
}

async function createEmptyTable(client: DynamoDbClient, tableName: string, spec: TableSpec): Promise<void> {
  const attributes = new Set<string>([spec.partitionKey]);
  if (spec.sortKey) attributes.add(spec.sortKey);
  for (const index of spec.indexes) {
    attributes.add(index.partitionKey);
    if (index.sortKey) attributes.add(index.sortKey);
  }
  // Every key in this project is a string.
  const attributeDefinitions: AttributeDefinition[] = [...attributes].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions,
      KeySchema: keySchema(spec.partitionKey, spec.sortKey),
      GlobalSecondaryIndexes:
        spec.indexes.length > 0
          ? spec.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: keySchema(index.partitionKey, index.sortKey),
              Projection: { ProjectionType: 'ALL' },
            }))
          : undefined,
    }),
  );
  await waitForActive(client, tableName);
}

function keySchema(partitionKey: string, sortKey?: string): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey, KeyType: 'HASH' }];
  if (sortKey) schema.push({ AttributeName: sortKey, KeyType: 'RANGE' });
  return schema;
}

/** A data folder from an older, different schema must fail loudly, not half-work. */
async function checkExistingTable(client: DynamoDbClient, tableName: string, spec: TableSpec): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const actual = JSON.stringify(Table?.KeySchema ?? []);
  const expected = JSON.stringify(keySchema(spec.partitionKey, spec.sortKey));
  if (actual !== expected) {
    throw new ConfigError(
      `local table has a different key schema: found ${actual}, the topology wants ${expected} (table ${tableName}); use a fresh data folder`,
    );
  }
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  if (spec.indexes.some((index) => !present.has(index.name))) await addMissingIndexes(client, tableName, spec);
}

/**
 * A data folder from before an index was added (e.g. the feeds table's `byDue`): dynalite cannot
 * add an index to a table (UpdateTable), so the table is rebuilt with its rows: read, dropped,
 * created with every index, written back. Local tables are small; the rows are held in memory
 * meanwhile, so a crash in between loses them (the config file brings feeds and subscribers
 * back with `apply-config`).
 */
async function addMissingIndexes(client: DynamoDbClient, tableName: string, spec: TableSpec): Promise<void> {
  // Rows go through the document commands: they were written by them, so they come back unchanged.
  const rows: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await createEmptyTable(client, tableName, spec);
  for (let i = 0; i < rows.length; i += 25) {
    let pending = rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0 && attempt < 10; attempt++) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
    if (pending.length > 0)
      throw new ConfigError(`local table was not rebuilt: ${pending.length} rows not written back (table ${tableName})`);
  }
}

/**
 * dynalite makes a table ACTIVE on a timer of `createTableMs` (0 here) after answering its
 * CreateTable, so a look a millisecond or two after the first finds it so; looks back off to
 * 20 ms apart. A fixed 20 ms before the second look made the nine tables of a fresh data folder cost
 * ~0.2 s of every start.
 */
async function waitForActive(client: DynamoDbClient, tableName: string): Promise<void> {
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new ConfigError(`local table did not become active: status ${Table?.TableStatus} (table ${tableName})`);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

export interface CreateQueuesOptions {
  prefix?: string;
  queues?: Record<QueueName, QueueSpec>;
  /**
   * Test/dev knob: one visibility timeout for every queue instead of the spec's (e.g. 1 s so a
   * failed message is retried and dead-lettered within a test). Never use it to run for real:
   * a visibility shorter than the consumer's run time redelivers messages still being handled.
   */
  visibilityTimeoutSeconds?: number;
}

/**
 * Creates every queue of the topology with its dead-letter queue: `<prefix>-<queue>` with the
 * spec's VisibilityTimeout and a RedrivePolicy (maxReceiveCount) to `<prefix>-<queue>-dlq`,
 * which keeps messages for `dlqRetentionSeconds`. Existing queues keep their messages and get
 * their attributes set to the spec again.
 */
export async function createQueues(client: SqsClient, options: CreateQueuesOptions = {}): Promise<ProvisionedQueues> {
  const prefix = options.prefix ?? defaultResourcePrefix;
  const specs = options.queues ?? topology.queues;
  const provisioned = {} as ProvisionedQueues;
  for (const [queue, spec] of Object.entries(specs) as [QueueName, QueueSpec][]) {
    const dlq = await ensureQueue(client, localDeadLetterQueueName(prefix, queue), {
      MessageRetentionPeriod: String(spec.dlqRetentionSeconds),
    });
    const main = await ensureQueue(client, localQueueName(prefix, queue), {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
    });
    provisioned[queue] = { url: main.url, arn: main.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
  }
  return provisioned;
}

/**
 * CreateQueue with attributes fails on an existing queue whose attributes differ (SQS
 * semantics), so: create bare, then set the attributes, which works either way.
 */
async function ensureQueue(
  client: SqsClient,
  queueName: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.call('CreateQueue', { QueueName: queueName });
  if (!QueueUrl) throw new ConfigError(`local queue was not created: no URL returned (queue ${queueName})`);
  await client.call('SetQueueAttributes', { QueueUrl, Attributes: attributes });
  const { Attributes } = await client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
  const arn = Attributes?.QueueArn;
  if (!arn) throw new ConfigError(`local queue has no ARN (queue ${queueName})`);
  return { url: QueueUrl, arn };
}
