/**
 * startLocalRuntime as a whole: stand-in handlers (the real ones are tested elsewhere) over the
 * real engines, persisted in a data folder, stopped by stop() and by a real SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  IdleTimeoutError,
  startLocalRuntime,
  type HandlerFactory,
  type HandlerFactoryContext,
  type LocalRuntime,
} from '../../infra/local/runtime.ts';
import type { FunctionName } from '../../infra/topology.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { createSqsConsumer } from '../../shared/runtime/sqs-consumer.ts';
import { localCredentials, localRegion } from '../helpers/engines.ts';

const noop: HandlerFactory = () => async () => undefined;

/** Every function a no-op unless the test says otherwise. */
function standIns(overrides: Partial<Record<FunctionName, HandlerFactory>>): Partial<Record<FunctionName, HandlerFactory>> {
  return {
    'plan-polls': noop,
    'poll-feed': noop,
    'fan-out': noop,
    'deliver-webhook': noop,
    'deliver-email': noop,
    'http-api': () => async () => ({ statusCode: 200, body: 'ok' }),
    ...overrides,
  };
}

describe('startLocalRuntime', () => {
  let dataDir: string;
  let runtime: LocalRuntime | undefined;
  const alerts: string[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-runtime-'));
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('drives schedule → queue → queue with Lambda semantics and dead-letters a poison message', async () => {
    // Prepare: plan-polls enqueues three feeds, poll-feed forwards each to the alert queue
    // except the poison one, which always fails.
    runtime = await startLocalRuntime({
      dataDir,
      apiPort: 0,
      schedules: false,
      visibilityTimeoutSeconds: 1,
      log: silentLog,
      handlers: standIns({
        'plan-polls': (deps) => async () => {
          await deps.queue.send('poll', [{ feedId: 'a' }, { feedId: 'poison' }, { feedId: 'b' }]);
          return { enqueued: 3 };
        },
        'poll-feed': (deps) =>
          createSqsConsumer({
            name: 'poll-feed',
            schema: z.object({ feedId: z.string() }),
            log: silentLog,
            handleMessage: async (message) => {
              if (message.feedId === 'poison') throw new Error('cannot poll this feed');
              await deps.queue.send('alert', [{ from: message.feedId }]);
            },
          }),
        'fan-out': () => async (event: SQSEvent) => {
          alerts.push(...event.Records.map((r) => (JSON.parse(r.body) as { from: string }).from));
        },
      }),
    });

    // Act
    const summary = await runtime.runSchedule('plan-polls');
    await runtime.waitForIdle({ includeNotVisible: true, timeoutMs: 25_000 });

    // Assess
    expect(summary).toEqual({ enqueued: 3 });
    expect(alerts.sort()).toEqual(['a', 'b']);
    const depths = await runtime.queueDepths();
    expect(depths.poll).toEqual({ visible: 0, notVisible: 0, delayed: 0, deadLetters: { visible: 1, notVisible: 0, delayed: 0 } });
    for (const queue of ['alert', 'webhook', 'email'] as const) {
      expect(depths[queue], queue).toEqual({
        visible: 0,
        notVisible: 0,
        delayed: 0,
        deadLetters: { visible: 0, notVisible: 0, delayed: 0 },
      });
    }
    const deadLetters = await runtime.receiveDlq('poll');
    expect(deadLetters.map((d) => JSON.parse(d.body))).toEqual([{ feedId: 'poison' }]);
    // fauxqs counts the receive that moved it, so 5 handled receives read as 5 or 6.
    expect(deadLetters[0]?.receiveCount).toBeGreaterThanOrEqual(5);
    expect(runtime.consumerStats()['poll-feed']).toMatchObject({ succeeded: 2, failed: 5 });
    expect(await (await fetch(`${runtime.apiUrl}/health`)).text()).toBe('ok');
  });

  it('keeps dead letters and table rows across stop() and a restart on the same data folder', async () => {
    // Prepare
    const first = runtime!;
    const dynamodb = new DynamoDBClient({ region: localRegion, credentials: localCredentials, endpoint: first.endpoints.dynamodb });
    await dynamodb.send(new PutItemCommand({ TableName: first.tables.items, Item: { itemKey: { S: 'seen-1' } } }));
    dynamodb.destroy();

    // Act
    await first.stop();
    runtime = await startLocalRuntime({ dataDir, apiPort: 0, schedules: false, log: silentLog, handlers: standIns({}) });

    // Assess
    const again = new DynamoDBClient({ region: localRegion, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb });
    const { Item } = await again.send(new GetItemCommand({ TableName: runtime.tables.items, Key: { itemKey: { S: 'seen-1' } } }));
    again.destroy();
    expect(Item).toEqual({ itemKey: { S: 'seen-1' } });
    expect((await runtime.queueDepths()).poll.deadLetters.visible).toBe(1);
    // The visibility override of the first run is gone: the topology's value is back.
    expect(runtime.wiring.consumers.find((c) => c.function === 'poll-feed')?.batchSize).toBe(5);
  });

  it('listens on loopback only (engines and API)', async (context) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (!external) return context.skip();
    const ports = [runtime!.endpoints.dynamodb, runtime!.endpoints.sqs, runtime!.apiUrl].map((url) => Number(new URL(url).port));
    for (const port of ports) {
      expect(await canConnect(external, port), `port ${port} on ${external}`).toBe(false);
      expect(await canConnect('127.0.0.1', port), `port ${port} on 127.0.0.1`).toBe(true);
    }
  });
});

describe('handler factories', () => {
  it('awaits an async factory and tells it where the engines and the API listen', async () => {
    // Prepare: a plan-polls built asynchronously, reporting the context it was given.
    const dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-factory-'));
    let seen: HandlerFactoryContext | undefined;
    const runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      schedules: false,
      log: silentLog,
      handlers: standIns({
        'plan-polls': async (_deps, context) => {
          await new Promise((resolveLater) => setTimeout(resolveLater, 10));
          seen = context;
          return async () => ({ built: 'async' });
        },
      }),
    });
    try {
      // Act
      const result = await runtime.runSchedule('plan-polls');

      // Assess
      expect(result).toEqual({ built: 'async' });
      expect(seen?.endpoints).toEqual(runtime.endpoints);
      expect(seen?.apiUrl).toBe(runtime.apiUrl);
      expect(seen?.tables).toEqual(runtime.tables);
      expect(seen?.queues.poll.url).toBe(runtime.env.QUEUE_POLL_URL);
      expect(seen?.region).toBe(localRegion);
      expect(seen?.credentials).toEqual(localCredentials);
    } finally {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("fails to start with the factory's error when a factory rejects", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-factory-'));
    try {
      // Act
      const starting = startLocalRuntime({
        dataDir,
        inMemory: true,
        apiPort: 0,
        schedules: false,
        log: silentLog,
        handlers: standIns({
          'fan-out': async () => {
            throw new Error('bundle could not be loaded (function fan-out)');
          },
        }),
      });

      // Assess
      await expect(starting).rejects.toThrow('bundle could not be loaded (function fan-out)');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('waitForIdle', () => {
  it('waits for a batch in flight and names what is busy when it runs out of time', async () => {
    // Prepare: a poll-feed that holds its batch until released.
    let release!: () => void;
    const gate = new Promise<void>((resolveGate) => (release = resolveGate));
    let entered!: () => void;
    const handling = new Promise<void>((resolveEntered) => (entered = resolveEntered));
    const dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-idle-'));
    const runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      schedules: false,
      log: silentLog,
      handlers: standIns({
        'poll-feed': () => async () => {
          entered();
          await gate;
        },
      }),
    });
    try {
      await runtime.deps.queue.send('poll', [{ feedId: 'held' }]);
      await handling;

      // Act + Assess
      await expect(runtime.waitForIdle({ timeoutMs: 300 })).rejects.toThrow(IdleTimeoutError);
      await expect(runtime.waitForIdle({ timeoutMs: 300 })).rejects.toThrow(/batches in flight 1/);
      release();
      await runtime.waitForIdle({ timeoutMs: 10_000 });
      expect((await runtime.queueDepths()).poll).toMatchObject({ visible: 0, notVisible: 0 });
    } finally {
      release();
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stop()', () => {
  it("ends the consumers' long polls rather than waiting them out", async () => {
    // Prepare: consumers that long-poll for 20 s, the longest SQS allows.
    const handled: string[] = [];
    const runtime = await startLocalRuntime({
      dataDir: join(tmpdir(), 'news-alerts-unused'),
      inMemory: true,
      apiPort: 0,
      schedules: false,
      waitTimeSeconds: 20,
      log: silentLog,
      handlers: standIns({
        'poll-feed': () => async (event: SQSEvent) => {
          handled.push(...event.Records.map((record) => record.body));
        },
      }),
    });
    await runtime.deps.queue.send('poll', [{ feedId: 'before' }]);
    await runtime.waitForIdle({ timeoutMs: 10_000 });
    // Every loop is waiting in its receive now.
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));

    // Act
    const started = Date.now();
    await runtime.stop();

    // Assess
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(handled).toEqual([JSON.stringify({ feedId: 'before' })]);
  });
});

describe('installSignalHandlers', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-signal-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The child compiles the runtime with tsx first: tens of seconds on a busy machine.
  it('on SIGTERM lets the batch in flight finish, deletes its message, and exits 0', async () => {
    // Prepare: a child process running the runtime with a slow poll-feed.
    const runtimeModule = resolve('infra/local/index.ts');
    const script = join(dataDir, 'child.mts');
    writeFileSync(
      script,
      `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installSignalHandlers, startLocalRuntime } from ${JSON.stringify(runtimeModule)};
const dataDir = ${JSON.stringify(join(dataDir, 'data'))};
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const noop = () => async () => undefined;
const runtime = await startLocalRuntime({
  dataDir, apiPort: 0, schedules: false, log: silent,
  handlers: {
    'plan-polls': noop, 'fan-out': noop, 'deliver-webhook': noop, 'deliver-email': noop,
    'http-api': () => async () => ({ statusCode: 200 }),
    'poll-feed': () => async (event) => {
      process.stdout.write('handling\\n');
      await new Promise((resolve) => setTimeout(resolve, 500));
      writeFileSync(join(dataDir, 'handled'), event.Records.map((r) => r.body).join('\\n'));
    },
  },
});
installSignalHandlers(runtime, { log: silent });
await runtime.deps.queue.send('poll', [{ feedId: 'slow' }]);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

    // Act: SIGTERM while the handler is running.
    await new Promise<void>((resolveHandling, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('handling')) resolveHandling();
      });
      child.once('exit', () => reject(new Error(`child exited before handling: ${stderr}`)));
    });
    child.kill('SIGTERM');
    const code = await exited;

    // Assess
    expect(code, stderr).toBe(0);
    const handled = join(dataDir, 'data', 'handled');
    expect(existsSync(handled)).toBe(true);
    expect(readFileSync(handled, 'utf8')).toBe(JSON.stringify({ feedId: 'slow' }));
    // The message was deleted before exit: a new run on the same folder finds nothing to redo.
    const after = await startLocalRuntime({
      dataDir: join(dataDir, 'data'),
      apiPort: 0,
      schedules: false,
      log: silentLog,
      handlers: standIns({}),
    });
    try {
      expect((await after.queueDepths()).poll).toMatchObject({ visible: 0, notVisible: 0 });
    } finally {
      await after.stop();
    }
  }, 120_000);
});

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolveConnect(false);
    });
  });
}
