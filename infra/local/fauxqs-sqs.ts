/**
 * fauxqs's SQS engine without its HTTP app: its queues' store, its SQS router with the SQS
 * actions, and its SQLite persistence, built from fauxqs's own modules as `startFauxqs` builds
 * them, minus Fastify. `startFauxqs` builds a Fastify app (Fastify, avvio, find-my-way, ajv,
 * fauxqs's S3 and SNS routes) before anything can be asked of it, ~0.1 s of CPU at every start,
 * although the runtime's own client hands its requests to the router directly (fauxqs-direct.ts)
 * and only another process's client needs HTTP: the loopback endpoint builds fauxqs's app on its
 * first request instead (fauxqs-http.ts), on these same stores.
 *
 * As in `startFauxqs`: the data folder's state is loaded before the persistence is set on the
 * stores (so loading writes nothing back), then set on every store and loaded queue; the SNS and
 * S3 stores exist because the database and fauxqs's app hold them too (nothing here uses them).
 * fauxqs's modules are found next to its entry (fauxqs-modules.ts).
 */
import type { FauxqsServer } from 'fauxqs';
import { importFauxqsModule } from './fauxqs-modules.ts';
import fauxqsModulePaths from './fauxqs-module-paths.json' with { type: 'json' };

/** fauxqs's `SqsRouter` (dist/sqs/sqsRouter.js): its actions and the queues' store they run on. */
export interface FauxqsSqsRouter {
  /** fauxqs's `SqsStore`; with a data folder, its `persistence` holds the SQLite database. */
  readonly store: FauxqsSqsStore;
  register(action: string, handler: unknown): void;
  handle(request: FauxqsRouterRequest, reply: FauxqsRouterReply): Promise<unknown>;
}

/** What fauxqs's router reads of a request: its headers (the target, host and region) and the parsed body. */
export interface FauxqsRouterRequest {
  headers: Record<string, string>;
  body: unknown;
}

/** What fauxqs's router writes on its reply besides the answer it returns: the status and headers. */
export interface FauxqsRouterReply {
  status(code: number): FauxqsRouterReply;
  header(name: string, value: string): FauxqsRouterReply;
}

/** What is read of fauxqs's queues in this process: a queue's state, its messages included, untouched. */
export type FauxqsInspection = Pick<FauxqsServer, 'inspectQueue'>;

/** The part of fauxqs's `SqsStore` used here. */
export interface FauxqsSqsStore extends FauxqsInspection {
  persistence?: FauxqsPersistence;
  allQueues(): Iterable<{ persistence?: FauxqsPersistence }>;
  /** Ends the receives waiting on every queue. */
  shutdown(): void;
}

/** fauxqs's `PersistenceManager` (dist/persistence.js): the node:sqlite database of a data folder. */
interface FauxqsPersistence {
  db?: { exec(sql: string): void };
  load(sqsStore: object, snsStore: object, s3Store: object): void;
  close(): void;
}

/** A file of an SQS action in fauxqs-module-paths.json: `./sqs/actions/<export>.js`. */
const ACTION_PATH = /^\.\/sqs\/actions\/(\w+)\.js$/;

/**
 * The SQS actions fauxqs's app registers, from the files fauxqs-module-paths.json lists (one
 * list for the build and this): `sqs/actions/sendMessage.js` exports `sendMessage`, the handler
 * of `SendMessage`.
 */
const fauxqsSqsActions = fauxqsModulePaths.flatMap((path) => {
  const exportName = ACTION_PATH.exec(path)?.[1];
  return exportName ? [{ path, exportName, action: exportName.charAt(0).toUpperCase() + exportName.slice(1) }] : [];
});

/** fauxqs's SQS engine, open: the stores fauxqs's app is built on, the router, and how to close them. */
export interface FauxqsSqs {
  router: FauxqsSqsRouter;
  /** `buildApp`'s `stores` option: the same queues, topics and buckets for fauxqs's HTTP app. */
  stores: { sqsStore: FauxqsSqsStore; snsStore: object; s3Store: object };
  /** Ends waiting receives and closes the database (when there is one); safe to call twice. */
  close(): void;
}

type Constructor<T> = new (...args: never[]) => T;

interface FauxqsModules {
  SqsStore: Constructor<FauxqsSqsStore>;
  SnsStore: Constructor<object>;
  S3Store: Constructor<object>;
  SqsRouter: new (store: FauxqsSqsStore) => FauxqsSqsRouter;
  PersistenceManager: new (dataDir: string) => FauxqsPersistence;
  actions: Map<string, unknown>;
}

let modules: Promise<FauxqsModules> | undefined;

/** fauxqs's store, router, persistence and action modules, imported once. */
function fauxqsModules(): Promise<FauxqsModules> {
  modules ??= (async () => {
    const load = async (path: string, name: string) => {
      const loaded = (await importFauxqsModule(path))[name];
      if (typeof loaded !== 'function') throw new Error(`fauxqs could not be started: ${path} has no ${name}`);
      return loaded;
    };
    const [SqsStore, SnsStore, S3Store, SqsRouter, PersistenceManager, ...handlers] = await Promise.all([
      load('./sqs/sqsStore.js', 'SqsStore'),
      load('./sns/snsStore.js', 'SnsStore'),
      load('./s3/s3Store.js', 'S3Store'),
      load('./sqs/sqsRouter.js', 'SqsRouter'),
      load('./persistence.js', 'PersistenceManager'),
      ...fauxqsSqsActions.map(({ path, exportName }) => load(path, exportName)),
    ]);
    return {
      SqsStore,
      SnsStore,
      S3Store,
      SqsRouter,
      PersistenceManager,
      actions: new Map(fauxqsSqsActions.map(({ action }, i) => [action, handlers[i]])),
    } as FauxqsModules;
  })();
  return modules;
}

/**
 * Opens fauxqs's SQS engine: in memory, or with `dataDir` on its SQLite database there (queues
 * and messages, ready, delayed and in flight, as a previous run left them).
 */
export async function openFauxqsSqs(options: { dataDir?: string } = {}): Promise<FauxqsSqs> {
  const { SqsStore, SnsStore, S3Store, SqsRouter, PersistenceManager, actions } = await fauxqsModules();
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  const persistence = options.dataDir ? new PersistenceManager(options.dataDir) : undefined;
  if (persistence) {
    persistence.load(sqsStore, snsStore, s3Store);
    for (const store of [sqsStore, snsStore, s3Store, ...sqsStore.allQueues()])
      (store as { persistence?: FauxqsPersistence }).persistence = persistence;
  }
  const router = new SqsRouter(sqsStore);
  for (const [action, handler] of actions) router.register(action, handler);
  let closed = false;
  return {
    router,
    stores: { sqsStore, snsStore, s3Store },
    close() {
      if (closed) return;
      closed = true;
      sqsStore.shutdown();
      persistence?.close();
    },
  };
}
