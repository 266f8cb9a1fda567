/**
 * The embedded engines of one-process mode: DynamoDB is dynalite (LevelDB on disk, or in
 * memory), SQS is fauxqs (SQLite on disk, or in memory). Both run in this process and listen on
 * 127.0.0.1 on an ephemeral port, where other processes' clients reach them through their
 * `endpoint`; the runtime's own clients hand their requests over in process, as objects to
 * dynalite's validations and actions and to fauxqs's SQS router (`directTransport`, see
 * dynalite-direct.ts and fauxqs-direct.ts).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { AwsJsonObjectTransport } from '../../shared/aws-http/index.ts';
import { createDynaliteDirectTransport } from './dynalite-direct.ts';
import { createFauxqsDirectTransport } from './fauxqs-direct.ts';
import { serveFauxqsOnLoopback, type FauxqsLoopback } from './fauxqs-http.ts';
import { useDeadlinePollTimer } from './fauxqs-poll-timer.ts';
import { openFauxqsSqs, type FauxqsInspection } from './fauxqs-sqs.ts';
import { commitWithoutFsync } from './fauxqs-sync.ts';
import { useParsedExpressionCache } from './dynalite-expression-cache.ts';
import { useKeptRowKeys } from './dynalite-key-cache.ts';
import { useKeptRowSizes } from './dynalite-row-sizes.ts';
import { withDynaliteStoreHooks } from './dynalite-store-hooks.ts';

/** The region every local client and ARN uses. */
export const localRegion = 'us-east-1';

/** The engines accept any credentials; these keep the SDK from looking for real ones. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DynaliteEngine {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** For our DynamoDB client in this process: requests handed to dynalite as objects, no JSON text, no HTTP. */
  directTransport: AwsJsonObjectTransport;
  /** Closes the server and the LevelDB store; safe to call twice. */
  stop(): Promise<void>;
}

export interface FauxqsEngine {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** fauxqs's queues, for inspection (`inspectQueue`: dead letters, orphans, tests). */
  server: FauxqsInspection;
  /** For our SQS client in this process: requests handed to fauxqs's SQS router as objects, no JSON text, no HTTP. */
  directTransport: AwsJsonObjectTransport;
  /**
   * Answers every receive waiting on a queue now, with what the queue holds (often nothing), as
   * when the wait ends: a stop need not wait out the consumers' long polls.
   */
  endWaitingReceives(): void;
  /** Closes the server and its SQLite store; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1. With `path` its LevelDB store lives in that folder and every
 * table and row survives a restart (the dedup markers must); without, it is in memory.
 */
export async function startDynaliteEngine(options: { path?: string } = {}): Promise<DynaliteEngine> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  useParsedExpressionCache();
  useKeptRowKeys();
  useKeptRowSizes();
  // Tables go ACTIVE at once: nothing locally benefits from DynamoDB's CREATING delay.
  const { started: server, store } = withDynaliteStoreHooks(() =>
    dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directTransport: createDynaliteDirectTransport(store),
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of SDK clients would hold the close open.
        server.closeIdleConnections();
      });
      return stopped;
    },
  };
}

/**
 * Starts fauxqs on 127.0.0.1. With `dataDir` it keeps queues and messages (ready, delayed and
 * in flight) in SQLite there, so queued work survives a restart (and a crash of this process);
 * without, it is in memory. Its store and SQS router are built without fauxqs's HTTP app
 * (fauxqs-sqs.ts), which the loopback endpoint builds at its first request (fauxqs-http.ts).
 */
export async function startFauxqsEngine(options: { dataDir?: string } = {}): Promise<FauxqsEngine> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // A waiting receive wakes at its queue's next deadline, not every 20 ms (fauxqs-poll-timer.ts).
  await useDeadlinePollTimer();
  const sqs = await openFauxqsSqs({ dataDir: options.dataDir });
  let loopback: FauxqsLoopback;
  try {
    // Durable across a crash of this process, as dynalite's tables are, without an fsync per message (fauxqs-sync.ts).
    commitWithoutFsync(sqs.router.store);
    loopback = await serveFauxqsOnLoopback(sqs.stores);
  } catch (error) {
    sqs.close();
    throw error;
  }
  const host = `127.0.0.1:${loopback.port}`;
  const { sqsStore } = sqs.stores;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}`,
    server: sqsStore,
    endWaitingReceives: () => sqsStore.shutdown(),
    directTransport: createFauxqsDirectTransport(sqs.router, { host, region: localRegion, stopped: () => stopped !== undefined }),
    stop() {
      stopped ??= loopback.close().finally(() => sqs.close());
      return stopped;
    },
  };
}
