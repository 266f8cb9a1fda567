import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../infra/local/api-server.ts';
import { createEventSourceLoop, settleBatch, type EventSourceLoop, type SqsBatchHandler } from '../../infra/local/event-source-loop.ts';
import { countMessages, inspectMessages } from '../../infra/local/queue-inspection.ts';
import { createScheduler } from '../../infra/local/scheduler.ts';
import { createTtlSweeper } from '../../infra/local/ttl-sweeper.ts';
import { topology } from '../../infra/topology.ts';
import { silentLog } from '../../shared/core/logger.ts';
import {
  createQueues,
  createTables,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type ProvisionedQueue,
  type TestDynalite,
  type TestFauxqs,
} from '../helpers/engines.ts';

/** Polls `condition` until it holds; a bound for the test, never a timing assertion. */
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

interface Seen {
  body: string;
  receiveCount: number;
}

describe('event-source loop (fauxqs)', () => {
  let sqs: TestFauxqs;
  const loops: EventSourceLoop[] = [];
  const maxReceiveCount = 2;

  beforeAll(async () => {
    sqs = await startFauxqs();
  });
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((loop) => loop.stop()));
  });
  afterAll(async () => {
    await sqs.stop();
  });

  /** A fresh queue with a DLQ, a 1 s visibility timeout and maxReceiveCount 2. */
  async function freshQueue(): Promise<ProvisionedQueue> {
    const queues = await createQueues(sqs.queues, {
      prefix: uniquePrefix(),
      queues: { ...topology.queues, poll: { ...topology.queues.poll, maxReceiveCount } },
      visibilityTimeoutSeconds: 1,
    });
    return queues.poll;
  }

  async function send(queue: ProvisionedQueue, bodies: string[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
  }

  function startLoop(queue: ProvisionedQueue, batchSize: number, handler: SqsBatchHandler): EventSourceLoop {
    const loop = createEventSourceLoop({
      functionName: 'test-consumer',
      client: sqs.queues,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize,
      handler,
      log: silentLog,
      waitTimeSeconds: 1,
    });
    loops.push(loop);
    loop.start();
    return loop;
  }

  function seenOf(record: SQSRecord): Seen {
    return { body: record.body, receiveCount: Number(record.attributes.ApproximateReceiveCount) };
  }

  it('hands the handler batches of at most batchSize, as real SQS records', async () => {
    // Prepare
    const queue = await freshQueue();
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: 'with-attributes',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'probe' } },
      }),
    );
    await send(queue, ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    const batches: SQSRecord[][] = [];

    // Act
    startLoop(queue, 3, (event: SQSEvent) => {
      batches.push(event.Records);
    });
    await waitUntil(() => batches.flat().length >= 7, 'all 7 messages');

    // Assess
    expect(batches.every((batch) => batch.length <= 3)).toBe(true);
    expect(batches.some((batch) => batch.length === 3)).toBe(true);
    const records = batches.flat();
    expect(new Set(records.map((record) => record.body)).size).toBe(7);
    const probe = records.find((record) => record.body === 'with-attributes');
    expect(probe).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      md5OfBody: md5('with-attributes'),
      messageAttributes: { kind: { dataType: 'String', stringValue: 'probe' } },
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(probe?.messageId).toMatch(/\S/);
    expect(probe?.receiptHandle).toMatch(/\S/);
    expect(Number(probe?.attributes.SentTimestamp)).toBeGreaterThan(0);
    await waitUntil(async () => (await countMessages(sqs.queues, queue.url)).notVisible === 0, 'deletes');
    expect(await countMessages(sqs.queues, queue.url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('on a partial batch failure redelivers only the failed record and deletes the others', async () => {
    // Prepare
    const queue = await freshQueue();
    await send(queue, ['a', 'b', 'c', 'd']);
    const seen: Seen[] = [];

    // Act: b fails on its first delivery only.
    startLoop(queue, 10, (event): SQSBatchResponse => {
      seen.push(...event.Records.map(seenOf));
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    await waitUntil(() => seen.some((s) => s.body === 'b' && s.receiveCount === 2), 'b redelivered');
    await waitUntil(async () => {
      const counts = await countMessages(sqs.queues, queue.url);
      return counts.visible + counts.notVisible === 0;
    }, 'queue drained');

    // Assess
    const times = (body: string) => seen.filter((s) => s.body === body).length;
    expect([times('a'), times('b'), times('c'), times('d')]).toEqual([1, 2, 1, 1]);
    expect((await countMessages(sqs.queues, queue.dlqUrl)).visible).toBe(0);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    // Prepare
    const queue = await freshQueue();
    await send(queue, ['x', 'y', 'z']);
    const seen: Seen[] = [];
    let calls = 0;

    // Act
    startLoop(queue, 10, (event) => {
      seen.push(...event.Records.map(seenOf));
      calls++;
      if (calls === 1) throw new Error('crash mid-batch');
    });
    await waitUntil(() => seen.filter((s) => s.receiveCount === 2).length === 3, 'x, y, z redelivered');
    await waitUntil(async () => {
      const counts = await countMessages(sqs.queues, queue.url);
      return counts.visible + counts.notVisible === 0;
    }, 'queue drained');

    // Assess
    expect(
      seen
        .filter((s) => s.receiveCount === 1)
        .map((s) => s.body)
        .sort(),
    ).toEqual(['x', 'y', 'z']);
    expect(
      seen
        .filter((s) => s.receiveCount === 2)
        .map((s) => s.body)
        .sort(),
    ).toEqual(['x', 'y', 'z']);
    expect(seen).toHaveLength(6);
  });

  it('fails the whole batch when batchItemFailures names an unknown message', async () => {
    // Prepare
    const queue = await freshQueue();
    await send(queue, ['p', 'q']);
    const seen: Seen[] = [];

    // Act
    startLoop(queue, 10, (event) => {
      seen.push(...event.Records.map(seenOf));
      const first = event.Records[0]?.attributes.ApproximateReceiveCount === '1';
      return first ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : undefined;
    });
    await waitUntil(() => seen.filter((s) => s.receiveCount === 2).length === 2, 'p and q redelivered');

    // Assess
    expect(seen.map((s) => s.body).sort()).toEqual(['p', 'p', 'q', 'q']);
  });

  it('moves a poison message to the DLQ after maxReceiveCount receives, without blocking the others', async () => {
    // Prepare
    const queue = await freshQueue();
    await send(queue, ['poison', 'good-1', 'good-2']);
    const seen: Seen[] = [];

    // Act
    startLoop(queue, 10, (event) => {
      seen.push(...event.Records.map(seenOf));
      // Good messages arriving while the poison is being retried go through too.
      if (event.Records.some((r) => r.body === 'poison') && !seen.some((s) => s.body === 'good-3')) {
        void send(queue, ['good-3']);
      }
      return { batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await waitUntil(async () => (await countMessages(sqs.queues, queue.dlqUrl)).visible === 1, 'poison in the DLQ');
    await waitUntil(() => seen.some((s) => s.body === 'good-3'), 'good-3 handled');

    // Assess
    expect(seen.filter((s) => s.body === 'poison').map((s) => s.receiveCount)).toEqual([1, 2]);
    for (const body of ['good-1', 'good-2', 'good-3']) {
      expect(seen.filter((s) => s.body === body)).toEqual([{ body, receiveCount: 1 }]);
    }
    const dlqName = queue.dlqArn.split(':').at(-1) ?? '';
    const deadLetters = inspectMessages(sqs.server, dlqName);
    expect(deadLetters.map((d) => d.body)).toEqual(['poison']);
    expect(deadLetters[0]?.receiveCount).toBeGreaterThanOrEqual(maxReceiveCount);
    // Inspecting leaves it there for a redrive.
    expect((await countMessages(sqs.queues, queue.dlqUrl)).visible).toBe(1);
    await waitUntil(async () => {
      const counts = await countMessages(sqs.queues, queue.url);
      return counts.visible + counts.notVisible === 0;
    }, 'main queue drained');
  });

  it('stop() waits for the batch in flight to finish and settle', async () => {
    // Prepare
    const queue = await freshQueue();
    await send(queue, ['slow']);
    const order: string[] = [];
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const loop = startLoop(queue, 10, async () => {
      entered();
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('handler finished');
    });
    await handlerEntered;

    // Act
    await loop.stop().then(() => order.push('stop resolved'));

    // Assess
    expect(order).toEqual(['handler finished', 'stop resolved']);
    expect(loop.inFlight).toBe(0);
    expect(await countMessages(sqs.queues, queue.url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });
});

describe('settleBatch (Lambda ReportBatchItemFailures rules)', () => {
  const records = ['1', '2'].map((id) => ({ messageId: id }) as SQSRecord);

  it('treats nothing, null, {} and an empty list as full success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(settleBatch(records, response).failed).toEqual([]);
    }
  });

  it('fails only the listed records', () => {
    const outcome = settleBatch(records, { batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(outcome.succeeded.map((r) => r.messageId)).toEqual(['1']);
    expect(outcome.failed.map((r) => r.messageId)).toEqual(['2']);
  });

  it('fails the whole batch on an empty, missing or unknown identifier or a malformed response', () => {
    for (const response of [
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{}] },
      { batchItemFailures: [{ itemIdentifier: '9' }] },
      { batchItemFailures: 'all' },
      'ok',
    ]) {
      expect(settleBatch(records, response).failed).toHaveLength(2);
    }
  });
});

describe('engines persisted in a data folder', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-engines-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps dynalite tables and rows across a restart on the same folder', async () => {
    // Prepare
    const path = join(dataDir, 'dynamodb');
    const first = await startDynalite({ path });
    const tables = await createTables(first.documents, 'persist');
    await first.client.send(
      new PutItemCommand({ TableName: tables.items, Item: { itemKey: { S: 'story-1' }, expiresAt: { N: '4102444800' } } }),
    );
    await first.stop();

    // Act
    const second = await startDynalite({ path });
    try {
      const again = await createTables(second.documents, 'persist');
      const { Item } = await second.client.send(new GetItemCommand({ TableName: again.items, Key: { itemKey: { S: 'story-1' } } }));

      // Assess
      expect(again).toEqual(tables);
      expect(Item).toEqual({ itemKey: { S: 'story-1' }, expiresAt: { N: '4102444800' } });
    } finally {
      await second.stop();
    }
  });

  it('keeps fauxqs queues and queued messages across a restart on the same folder', async () => {
    // Prepare
    const sqsDir = join(dataDir, 'sqs');
    const first = await startFauxqs({ dataDir: sqsDir });
    const queues = await createQueues(first.queues, { prefix: 'persist' });
    await first.client.send(new SendMessageCommand({ QueueUrl: queues.alert.url, MessageBody: 'survives' }));
    await first.stop();

    // Act
    const second = await startFauxqs({ dataDir: sqsDir });
    try {
      const again = await createQueues(second.queues, { prefix: 'persist' });
      const { Messages = [] } = await second.client.send(
        new ReceiveMessageCommand({ QueueUrl: again.alert.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );

      // Assess
      expect(again.alert.arn).toBe(queues.alert.arn);
      expect(Messages.map((m) => m.Body)).toEqual(['survives']);
    } finally {
      await second.stop();
    }
  });
});

describe('TTL sweeper (dynalite)', () => {
  let dynamo: TestDynalite;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  const now = new Date('2030-01-01T00:00:00Z');
  const nowSeconds = now.getTime() / 1000;

  async function keys(tableName: string, ids: string[]): Promise<string[]> {
    const present: string[] = [];
    for (const id of ids) {
      const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key: { itemKey: { S: id } } }));
      if (Item) present.push(id);
    }
    return present;
  }

  it('deletes rows whose expiry is past and keeps live rows and rows without one', async () => {
    // Prepare
    const tables = await createTables(dynamo.documents, uniquePrefix());
    const put = (id: string, expiresAt?: number) =>
      dynamo.client.send(
        new PutItemCommand({
          TableName: tables.items,
          Item: { itemKey: { S: id }, ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }) },
        }),
      );
    await put('expired', nowSeconds - 10);
    await put('live', nowSeconds + 3600);
    await put('no-expiry');
    const sweeper = createTtlSweeper({
      client: dynamo.documents,
      tables: [{ tableName: tables.items, ttlAttribute: 'expiresAt', keyAttributes: ['itemKey'] }],
      log: silentLog,
      clock: { now: () => now },
    });

    // Act
    const result = await sweeper.sweepOnce();

    // Assess
    expect(result).toEqual({ deleted: 1, byTable: { [tables.items]: 1 }, truncated: false });
    expect(await keys(tables.items, ['expired', 'live', 'no-expiry'])).toEqual(['live', 'no-expiry']);
  });

  it('bounds each sweep and finishes the work over the next sweeps', async () => {
    // Prepare
    const tables = await createTables(dynamo.documents, uniquePrefix());
    const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];
    for (const id of ids) {
      await dynamo.client.send(
        new PutItemCommand({ TableName: tables.items, Item: { itemKey: { S: id }, expiresAt: { N: String(nowSeconds - 1) } } }),
      );
    }
    const sweeper = createTtlSweeper({
      client: dynamo.documents,
      tables: [{ tableName: tables.items, ttlAttribute: 'expiresAt', keyAttributes: ['itemKey'] }],
      log: silentLog,
      clock: { now: () => now },
      maxDeletesPerSweep: 2,
      pageSize: 2,
    });

    // Act
    const first = await sweeper.sweepOnce();
    const rest = [await sweeper.sweepOnce(), await sweeper.sweepOnce(), await sweeper.sweepOnce()];

    // Assess
    expect(first).toMatchObject({ deleted: 2, truncated: true });
    expect(first.deleted + rest.reduce((sum, r) => sum + r.deleted, 0)).toBe(5);
    expect(await keys(tables.items, ids)).toEqual([]);
  });
});

describe('scheduler', () => {
  it('runs each job once at start and on demand, and stop() waits for a run in progress', async () => {
    // Prepare
    const runs: string[] = [];
    const scheduler = createScheduler(
      [
        {
          name: 'plan',
          everyMinutes: 60,
          run: async () => {
            runs.push('plan');
            await new Promise((resolve) => setTimeout(resolve, 50));
            return runs.length;
          },
        },
      ],
      silentLog,
    );

    // Act
    scheduler.start();
    const result = await scheduler.runNow('plan');
    const third = scheduler.runNow('plan');
    await scheduler.stop();

    // Assess
    expect(result).toBe(2);
    expect(await third).toBe(3);
    expect(runs).toEqual(['plan', 'plan', 'plan']);
    expect(scheduler.running).toBe(0);
    await expect(scheduler.runNow('nope')).rejects.toThrow(/no schedule named nope/);
  });
});

describe('local API server (Function URL events)', () => {
  let server: ApiServer;
  const events: unknown[] = [];

  beforeAll(async () => {
    server = await startApiServer({
      port: 0,
      log: silentLog,
      maxBodyBytes: 1024,
      handler: (event) => {
        events.push(event);
        if (event.rawPath === '/boom') throw new Error('handler failure');
        if (event.rawPath === '/inferred') return { ok: true };
        return {
          statusCode: 201,
          headers: { 'content-type': 'application/json', 'x-count': 3 },
          cookies: ['a=1; Path=/'],
          body: JSON.stringify({ path: event.rawPath }),
        };
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('turns a request into an APIGatewayProxyEventV2 and writes the structured result back', async () => {
    // Act
    const response = await fetch(`${server.url}/subscribe?topic=talks&topic=sanctions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'yes', Cookie: 'session=abc; theme=dark' },
      body: JSON.stringify({ email: 'a@example.org' }),
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.get('set-cookie')).toBe('a=1; Path=/');
    expect(await response.json()).toEqual({ path: '/subscribe' });
    expect(events.at(-1)).toMatchObject({
      version: '2.0',
      rawPath: '/subscribe',
      rawQueryString: 'topic=talks&topic=sanctions',
      queryStringParameters: { topic: 'talks,sanctions' },
      cookies: ['session=abc', 'theme=dark'],
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: '{"email":"a@example.org"}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/subscribe', sourceIp: '127.0.0.1' } },
    });
  });

  it('base64-encodes binary bodies', async () => {
    await fetch(`${server.url}/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 1]),
    });
    expect(events.at(-1)).toMatchObject({ body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });
  });

  it('infers a JSON 200 for a result without statusCode, answers 502 when the handler throws', async () => {
    const inferred = await fetch(`${server.url}/inferred`);
    expect(inferred.status).toBe(200);
    expect(inferred.headers.get('content-type')).toBe('application/json');
    expect(await inferred.json()).toEqual({ ok: true });
    const failed = await fetch(`${server.url}/boom`);
    expect(failed.status).toBe(502);
  });

  it('refuses a body over the limit with 413 without calling the handler', async () => {
    const before = events.length;
    const response = await fetch(`${server.url}/big`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(response.status).toBe(413);
    expect(events).toHaveLength(before);
  });
});
