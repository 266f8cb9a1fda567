/**
 * fauxqs without its HTTP app until something asks over HTTP: the engine's router carries every
 * SQS action fauxqs's own app registers, a process that only hands requests to the router never
 * loads Fastify, and the loopback endpoint builds fauxqs's app at its first request, on the same
 * queues, and closes with the engine.
 */
import { buildApp } from 'fauxqs';
import { afterEach, describe, expect, it } from 'vitest';
import { localCredentials, localRegion, startFauxqsEngine, type FauxqsEngine } from '../../../infra/local/engines.ts';
import { openFauxqsSqs } from '../../../infra/local/fauxqs-sqs.ts';
import { createSqsClient } from '../../../shared/queue/sqs/sqs-client.ts';
import { startProcess } from '../../helpers/cli-process.ts';

/** Starts the engine, sends and receives through the router, then says whether Fastify was loaded, before and after one HTTP request. */
const childProcess = `
import { createRequire } from 'node:module';
import { startFauxqsEngine } from './infra/local/engines.ts';
import { createSqsClient } from './shared/queue/sqs/sqs-client.ts';
const require = createRequire(import.meta.url);
const fastifyLoaded = () => Object.keys(require.cache).some((path) => path.includes('/node_modules/fastify/'));
const engine = await startFauxqsEngine();
const sqs = createSqsClient({ transport: engine.directTransport });
const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'direct' });
await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hello' });
const { Messages = [] } = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
const before = fastifyLoaded();
const queues = await (await fetch(engine.endpoint + '/_fauxqs/queues')).json();
console.log(JSON.stringify({ received: Messages.map((m) => m.Body), before, after: fastifyLoaded(), queues: queues.map((q) => q.name) }));
await engine.stop();
`;

describe('fauxqs built without its HTTP app', () => {
  const engines: FauxqsEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
  });

  it("registers on the engine's router every SQS action fauxqs's own app registers, with the same handlers", async () => {
    // Prepare
    const ours = await openFauxqsSqs();
    const theirs = new Map<string, unknown>();
    const { router } = ours;
    const prototype = Object.getPrototypeOf(router) as { register(action: string, handler: unknown): void };
    const register = prototype.register;
    prototype.register = function watched(this: unknown, action: string, handler: unknown) {
      theirs.set(action, handler);
      return register.call(this, action, handler);
    };

    // Act
    let app: ReturnType<typeof buildApp> | undefined;
    try {
      app = buildApp({ logger: false, stores: ours.stores as never });
    } finally {
      prototype.register = register;
    }

    // Assess
    try {
      const handlers = (router as unknown as { handlers: Map<string, unknown> }).handlers;
      expect([...handlers.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [action, handler] of theirs) expect(handlers.get(action), action).toBe(handler);
    } finally {
      await app?.close();
      ours.close();
    }
  });

  it('answers through the router without loading Fastify, and builds fauxqs app at the first HTTP request', async () => {
    // Prepare
    const child = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childProcess]);

    // Act
    const { code, stdout, stderr } = await child.exited;

    // Assess
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ received: ['hello'], before: false, after: true, queues: ['direct'] });
  });

  it('serves over HTTP the queues and messages the router holds, and the router sees what HTTP sent', async () => {
    // Prepare
    const engine = await startFauxqsEngine();
    engines.push(engine);
    const direct = createSqsClient({ transport: engine.directTransport });
    const wire = createSqsClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
    const { QueueUrl } = await direct.call('CreateQueue', { QueueName: 'shared' });
    if (!QueueUrl) throw new Error('no queue URL');

    // Act
    await direct.call('SendMessage', { QueueUrl, MessageBody: 'from the router' });
    const overHttp = await wire.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
    await wire.call('SendMessage', { QueueUrl, MessageBody: 'over HTTP' });
    const direct2 = await direct.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
    wire.destroy();

    // Assess
    expect(new URL(engine.endpoint).hostname).toBe('127.0.0.1');
    expect(overHttp.Messages?.map((message) => message.Body)).toEqual(['from the router']);
    expect(direct2.Messages?.map((message) => message.Body)).toEqual(['over HTTP']);
    expect(engine.server.inspectQueue('shared')?.messages.inflight).toHaveLength(2);
  });

  it('stops with a client connection held open, and refuses requests afterwards', async () => {
    // Prepare
    const engine = await startFauxqsEngine();
    const wire = createSqsClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
    const { QueueUrl } = await wire.call('CreateQueue', { QueueName: 'held' });
    // A long poll keeps its keep-alive connection busy when the engine stops.
    const waiting = wire.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 }).then(
      () => 'answered',
      () => 'failed',
    );

    // Act
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await engine.stop();
    const refused = await fetch(`${engine.endpoint}/_fauxqs/queues`).then(
      () => 'answered',
      () => 'refused',
    );

    // Assess: the 20 s long poll is over (answered or cut) well within its wait, and nothing listens
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused).toBe('refused');
    wire.destroy();
  });
});
