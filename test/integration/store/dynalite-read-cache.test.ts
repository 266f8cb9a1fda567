/**
 * dynalite's store with our hooks (the one-process runtime's store, on LevelDB): reads of keys
 * found absent and of rows found are answered from the cache, and every kind of write is seen by
 * the next read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynaliteDirectTransport } from '../../../infra/local/dynalite-direct.ts';
import { withDynaliteStoreHooks } from '../../../infra/local/dynalite-store-hooks.ts';
import { createTtlSweeper } from '../../../infra/local/ttl-sweeper.ts';
import { createAwsJsonClient } from '../../../shared/aws-http/index.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import { createDocumentClient } from '../../../shared/store/dynamodb/index.ts';

type Callback = (error: Error | null, value?: unknown) => void;

/** dynalite's store as the hooks leave it: callback methods on its LevelDB. */
interface Level {
  get(key: string, callback: Callback): void;
  put(key: string, value: unknown, callback: Callback): void;
  del(key: string, callback: Callback): void;
  close(): Promise<void>;
}

const table = 'cached-items';

/** The store's key of a row of the table, as dynalite makes it. */
function rowKey(pk: string): string {
  const { createKey } = createRequire(import.meta.url)('dynalite/db') as { createKey(item: object, table: object): string };
  const description = {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  };
  return `item-${table}~${createKey({ pk: { S: pk } }, description)}`;
}

describe('dynalite’s store behind its read cache', () => {
  let folder: string;
  let level: Level;
  let readCache: { hits: number; misses: number };
  let client: ReturnType<typeof createAwsJsonClient>;
  let documents: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'dynalite-read-cache-'));
    const hooked = withDynaliteStoreHooks(() => dynalite({ path: folder, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
    level = (hooked.store as { db: Level }).db;
    readCache = hooked.readCache;
    const transport = createDynaliteDirectTransport(hooked.store);
    client = createAwsJsonClient('DynamoDB', transport, {});
    documents = createDocumentClient({ transport });
    await client.call('CreateTable', {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    // Even with no delay, a table goes ACTIVE only after the CreateTable answer.
    while (((await client.call('DescribeTable', { TableName: table })).output.Table as { TableStatus: string }).TableStatus !== 'ACTIVE') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  afterAll(async () => {
    await level?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const get = async (pk: string) => (await client.call('GetItem', { TableName: table, Key: { pk: { S: pk } } })).output.Item;
  const batchGet = async (pks: string[]) => {
    const { output } = await client.call('BatchGetItem', { RequestItems: { [table]: { Keys: pks.map((pk) => ({ pk: { S: pk } })) } } });
    const items = (output.Responses as Record<string, { pk: { S: string }; note?: { S: string } }[]>)[table] ?? [];
    return items.map((item) => `${item.pk.S}:${item.note?.S ?? ''}`).sort();
  };
  /** Reads `pk` until the read is answered from the cache: it is then known absent there. */
  const cachedAbsent = async (pk: string) => {
    expect(await get(pk)).toBeUndefined();
    const hits = readCache.hits;
    expect(await get(pk)).toBeUndefined();
    expect(readCache.hits).toBe(hits + 1);
  };

  it('answers a BatchGetItem asked again from the cache: its row and its keys found absent', async () => {
    // Prepare
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'present' }, note: { S: 'here' } } });
    expect(await batchGet(['present', 'gone-1', 'gone-2'])).toEqual(['present:here']);
    const before = { ...readCache };

    // Act
    const found = await batchGet(['present', 'gone-1', 'gone-2']);

    // Assess
    expect(found).toEqual(['present:here']);
    expect(readCache.hits - before.hits).toBe(3);
    expect(readCache.misses - before.misses).toBe(0);
  });

  it('answers a second read of a row from the cache with the row, frozen: no reader can change what the cache keeps', async () => {
    // Prepare
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'kept' }, tags: { L: [{ S: 'a' }] } } });
    expect(await get('kept')).toEqual({ pk: { S: 'kept' }, tags: { L: [{ S: 'a' }] } });
    const hits = readCache.hits;
    const read = (): Promise<{ tags: { L: unknown[] } }> =>
      new Promise((resolve, reject) => level.get(rowKey('kept'), (error, value) => (error ? reject(error) : resolve(value as never))));

    // Act
    const answered = await get('kept');
    const kept = await read();
    const change = () => kept.tags.L.push({ S: 'b' });

    // Assess
    expect(readCache.hits).toBeGreaterThan(hits);
    expect(answered).toEqual({ pk: { S: 'kept' }, tags: { L: [{ S: 'a' }] } });
    expect(change).toThrow(TypeError);
    expect(await get('kept')).toEqual({ pk: { S: 'kept' }, tags: { L: [{ S: 'a' }] } });
  });

  it('sees an UpdateItem of a row it holds', async () => {
    // Prepare
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'changed' }, note: { S: 'before' } } });
    await get('changed');
    const hits = readCache.hits;
    expect(await get('changed')).toEqual({ pk: { S: 'changed' }, note: { S: 'before' } });
    expect(readCache.hits).toBe(hits + 1);

    // Act
    await client.call('UpdateItem', {
      TableName: table,
      Key: { pk: { S: 'changed' } },
      UpdateExpression: 'SET #n = :n',
      ExpressionAttributeNames: { '#n': 'note' },
      ExpressionAttributeValues: { ':n': { S: 'after' } },
    });

    // Assess
    expect(await get('changed')).toEqual({ pk: { S: 'changed' }, note: { S: 'after' } });
  });

  it('sees a PutItem of a key it holds as absent', async () => {
    // Prepare
    await cachedAbsent('put');

    // Act
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'put' }, note: { S: 'put' } } });

    // Assess
    expect(await get('put')).toEqual({ pk: { S: 'put' }, note: { S: 'put' } });
  });

  it('sees an UpdateItem that creates a row it holds as absent', async () => {
    // Prepare
    await cachedAbsent('update');

    // Act
    await client.call('UpdateItem', {
      TableName: table,
      Key: { pk: { S: 'update' } },
      UpdateExpression: 'SET #n = :n',
      ExpressionAttributeNames: { '#n': 'note' },
      ExpressionAttributeValues: { ':n': { S: 'updated' } },
    });

    // Assess
    expect(await get('update')).toEqual({ pk: { S: 'update' }, note: { S: 'updated' } });
  });

  it('sees a BatchWriteItem’s puts of keys it holds as absent', async () => {
    // Prepare
    await cachedAbsent('batch-1');
    await cachedAbsent('batch-2');

    // Act
    await client.call('BatchWriteItem', {
      RequestItems: {
        [table]: ['batch-1', 'batch-2'].map((pk) => ({ PutRequest: { Item: { pk: { S: pk }, note: { S: 'batched' } } } })),
      },
    });

    // Assess
    expect(await batchGet(['batch-1', 'batch-2'])).toEqual(['batch-1:batched', 'batch-2:batched']);
  });

  it('sees a DeleteItem and a BatchWriteItem’s delete, and then a put again', async () => {
    // Prepare
    for (const pk of ['deleted', 'batch-deleted']) await client.call('PutItem', { TableName: table, Item: { pk: { S: pk } } });
    expect(await batchGet(['deleted', 'batch-deleted'])).toEqual(['batch-deleted:', 'deleted:']);

    // Act
    await client.call('DeleteItem', { TableName: table, Key: { pk: { S: 'deleted' } } });
    await client.call('BatchWriteItem', { RequestItems: { [table]: [{ DeleteRequest: { Key: { pk: { S: 'batch-deleted' } } } }] } });
    const afterDeletes = [await get('deleted'), await get('batch-deleted')];
    await cachedAbsent('deleted');
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'deleted' }, note: { S: 'back' } } });

    // Assess
    expect(afterDeletes).toEqual([undefined, undefined]);
    expect(await get('deleted')).toEqual({ pk: { S: 'deleted' }, note: { S: 'back' } });
  });

  it('sees the TTL sweep’s deletes, and a row written again after them', async () => {
    // Prepare
    await cachedAbsent('expiring');
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'expiring' }, expiresAt: { N: '100' } } });
    expect(await get('expiring')).toEqual({ pk: { S: 'expiring' }, expiresAt: { N: '100' } });
    const sweeper = createTtlSweeper({
      client: documents,
      tables: [{ tableName: table, ttlAttribute: 'expiresAt', keyAttributes: ['pk'] }],
      log: silentLog,
      clock: { now: () => new Date(1_000_000) },
    });

    // Act
    const swept = await sweeper.sweepOnce();
    const afterSweep = await get('expiring');
    await cachedAbsent('expiring');
    await client.call('PutItem', { TableName: table, Item: { pk: { S: 'expiring' }, note: { S: 'again' } } });

    // Assess
    expect(swept.deleted).toBe(1);
    expect(afterSweep).toBeUndefined();
    expect(await get('expiring')).toEqual({ pk: { S: 'expiring' }, note: { S: 'again' } });
  });

  it('does not keep a read made while a write of the key is in flight', async () => {
    // Prepare: keys as dynalite's item store writes them (another table's, so the Scan below does
    // not list them); whether LevelDB shows a put before it completes varies, so several are tried.
    const keys = Array.from({ length: 20 }, (_, i) => `item-elsewhere~in-flight-${i}`);
    const read = (key: string): Promise<unknown> =>
      new Promise((resolve, reject) => level.get(key, (error, value) => (error ? reject(error) : resolve(value))));
    for (const key of keys) expect(await read(key)).toBeUndefined();

    // Act
    const afterWrites: { during: unknown; after: unknown }[] = [];
    for (const key of keys) {
      const written = new Promise<void>((resolve, reject) => level.put(key, { key }, (error) => (error ? reject(error) : resolve())));
      const during = await read(key);
      await written;
      afterWrites.push({ during, after: await read(key) });
    }

    // Assess
    for (const [i, { during, after }] of afterWrites.entries()) {
      expect([undefined, { key: keys[i] }]).toContainEqual(during);
      expect(after).toEqual({ key: keys[i] });
    }
  });

  it('still lists every row through Query and Scan, which read LevelDB itself', async () => {
    // Act
    const { output } = await client.call('Scan', { TableName: table });

    // Assess
    const keys = (output.Items as { pk: { S: string } }[]).map((item) => item.pk.S).sort();
    expect(keys).toEqual(['batch-1', 'batch-2', 'changed', 'deleted', 'expiring', 'kept', 'present', 'put', 'update']);
  });
});
