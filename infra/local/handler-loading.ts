/**
 * Builds each function's Lambda handler for one-process mode: from a test's factory when one is
 * given, else from the `createHandler(deps)` of the function's `entry` module in the topology.
 */
import { ConfigError } from '../../shared/core/errors.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { topology, type FunctionName, type FunctionSpec } from '../topology.ts';
import { errorMessage } from './error-message.ts';
import type { ProvisionedQueues, ProvisionedTables } from './provision.ts';

/**
 * Builds one function's Lambda handler: a handler module's `createHandler(deps)`, or a test's
 * stand-in. It may be async (importing a bundle) and may ignore `deps` for a handler that builds
 * its own from `process.env`, which `context` says how to point at this runtime's engines.
 */
export type HandlerFactory = (deps: Deps, context: HandlerFactoryContext) => unknown;

/** Where this runtime's engines and API listen, for handlers that are configured like Lambda's. */
export interface HandlerFactoryContext {
  /** `{ dynamodb, sqs }` endpoints of the embedded engines. */
  endpoints: { dynamodb: string; sqs: string };
  /** `http://127.0.0.1:<port>` of the local HTTP API (the Function URL's stand-in). */
  apiUrl: string;
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Each function's handler, by name; its type is the trigger's business. */
export type HandlerMap = ReadonlyMap<FunctionName, unknown>;

/** Builds the handler of every function in the topology, in its order, one after the other. */
export async function loadHandlers(
  factories: Partial<Record<FunctionName, HandlerFactory>> | undefined,
  deps: Deps,
  context: HandlerFactoryContext,
): Promise<HandlerMap> {
  const handlers = new Map<FunctionName, unknown>();
  for (const [name, spec] of Object.entries(topology.functions) as [FunctionName, FunctionSpec][]) {
    const factory = factories?.[name] ?? (await importHandlerFactory(name, spec));
    handlers.set(name, requireFunction(await factory(deps, context), name));
  }
  return handlers;
}

/** `functions/<name>/handler.ts`: the one shape of an `entry`, the shape the import below can find. */
const HANDLER_ENTRY = /^functions\/([a-z0-9-]+)\/handler\.ts$/;

async function importHandlerFactory(name: FunctionName, spec: FunctionSpec): Promise<HandlerFactory> {
  const folder = HANDLER_ENTRY.exec(spec.entry)?.[1];
  if (folder === undefined) {
    throw new ConfigError(
      `function module could not be loaded: its entry is not functions/<name>/handler.ts (function ${name}, ${spec.entry})`,
    );
  }
  let module: { createHandler?: unknown };
  try {
    // A pattern, not a computed URL: the CLI's build (scripts/build-cli.mjs) bundles every
    // functions/*/handler.ts it matches as a chunk of its own, loaded here on use.
    module = (await import(`../../functions/${folder}/handler.ts`)) as { createHandler?: unknown };
  } catch (error) {
    throw new ConfigError(`function module could not be loaded: ${errorMessage(error)} (function ${name}, ${spec.entry})`, {
      cause: error,
    });
  }
  if (typeof module.createHandler !== 'function') {
    throw new ConfigError(`function module does not export createHandler(deps) (function ${name}, ${spec.entry})`);
  }
  return module.createHandler as HandlerFactory;
}

function requireFunction(handler: unknown, name: FunctionName): unknown {
  if (typeof handler !== 'function') {
    throw new ConfigError(`createHandler(deps) did not return a function (function ${name})`);
  }
  return handler;
}
