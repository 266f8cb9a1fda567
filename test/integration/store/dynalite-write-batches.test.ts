/**
 * dynalite's store with our hooks (the one-process runtime's store, on LevelDB): the writes of
 * one turn go to LevelDB as one batch, every request still gets its own answer, and what was
 * answered as written is in the store, also when the server is closed right after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDynaliteDirectTransport } from '../../../infra/local/dynalite-direct.ts';
import { withDynaliteStoreHooks } from '../../../infra/local/dynalite-store-hooks.ts';
import { createAwsJsonClient } from '../../../shared/aws-http/index.ts';

const table = 'batched-items';

/** dynalite on `folder` with our hooks, a client, the batching's counts, and its store's graceful close (what closing its server ends with). */
function open(folder: string) {
  const hooked = withDynaliteStoreHooks(() => dynalite({ path: folder, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  const client = createAwsJsonClient('DynamoDB', createDynaliteDirectTransport(hooked.store), {});
  const { lifecycleManager } = hooked.store as { lifecycleManager: { gracefulClose(): Promise<void> } };
  return { client, counts: hooked.writeBatches, close: () => lifecycleManager.gracefulClose() };
}

type Opened = ReturnType<typeof open>;

async function scanPks(client: Opened['client']): Promise<string[]> {
  const { output } = await client.call('Scan', { TableName: table, ConsistentRead: true });
  return (output.Items as { pk: { S: string } }[]).map((item) => item.pk.S).sort();
}

describe('dynalite’s writes batched per turn', () => {
  let folder: string;
  let store: Opened;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'dynalite-write-batches-'));
    store = open(folder);
    await store.client.call('CreateTable', {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    while (
      ((await store.client.call('DescribeTable', { TableName: table })).output.Table as { TableStatus: string }).TableStatus !== 'ACTIVE'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  afterEach(async () => {
    await store?.close().catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes a burst of requests’ rows in a few batches, each request answered as before, every row kept', async () => {
    // Prepare
    const before = { ...store.counts };
    const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `put-${String(i).padStart(2, '0')}` } } } }));

    // Act
    const answers = await Promise.all([
      store.client.call('BatchWriteItem', { RequestItems: { [table]: puts } }),
      ...Array.from({ length: 10 }, (_, i) =>
        store.client.call('UpdateItem', {
          TableName: table,
          Key: { pk: { S: `update-${i}` } },
          UpdateExpression: 'ADD hits :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    ]);
    const counts = { writes: store.counts.writes - before.writes, batches: store.counts.batches - before.batches };
    await store.close();
    store = open(folder);

    // Assess
    expect(answers[0]?.output).toEqual({ UnprocessedItems: {} });
    expect(answers[1]?.output).toEqual({ Attributes: { pk: { S: 'update-0' }, hits: { N: '1' } } });
    expect(counts.writes).toBe(35);
    expect(counts.batches).toBeLessThanOrEqual(2);
    expect(await scanPks(store.client)).toEqual([
      ...puts.map((put) => put.PutRequest.Item.pk.S),
      ...Array.from({ length: 10 }, (_, i) => `update-${i}`),
    ]);
  });

  it('keeps writes queued when the store starts closing: closing waits for the turn’s batch', async () => {
    // Prepare
    const before = store.counts.writes;
    const writes = Array.from({ length: 5 }, (_, i) =>
      store.client.call('PutItem', { TableName: table, Item: { pk: { S: `late-${i}` } } }),
    );
    // The puts reach the queue within this turn (their table read and lock are microtasks); the batch is written at its end.
    for (let spins = 0; store.counts.writes - before < 5; spins++) {
      if (spins > 10_000) throw new Error('the puts never reached the queue in this turn');
      await Promise.resolve();
    }

    // Act
    const closing = store.close();
    const answers = await Promise.allSettled(writes);
    await closing;
    store = open(folder);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill('fulfilled'));
    expect(await scanPks(store.client)).toEqual(['late-0', 'late-1', 'late-2', 'late-3', 'late-4']);
  });
});
