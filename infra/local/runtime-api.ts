/**
 * The `http` trigger: the local HTTP API standing in for the Function URL. It starts before the
 * handlers are built, so its URL can go into their env; requests get 503 until `serve` is called.
 */
import { createServer } from 'node:net';
import { ConfigError } from '../../shared/core/errors.ts';
import type { Log } from '../../shared/core/logger.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from './api-server.ts';
import { errorMessage } from './error-message.ts';
import type { HandlerMap } from './handler-loading.ts';
import type { CleanupStack } from './runtime-shutdown.ts';
import { functionsWithTrigger, type LocalWiring } from './runtime-triggers.ts';

export interface RuntimeApi {
  server: ApiServer;
  /** Hands requests to the http function's handler; returns its wiring (none when the topology has no http function). */
  serve(handlers: HandlerMap): LocalWiring['http'];
}

/** Starts the local HTTP API for the topology's one http function (if any) on 127.0.0.1:`port` (default 3000). */
export async function startRuntimeApi(options: { port?: number; log: Log }, cleanups: CleanupStack): Promise<RuntimeApi> {
  const httpFunctions = functionsWithTrigger('http');
  if (httpFunctions.length > 1) {
    throw new ConfigError(`the local runtime serves one http function, the topology has ${httpFunctions.map(([n]) => n).join(', ')}`);
  }
  const port = options.port ?? 3000;
  let httpHandler: FunctionUrlHandler | undefined;
  let server: ApiServer;
  try {
    server = await startApiServer({
      port,
      log: options.log,
      functionName: httpFunctions[0]?.[0],
      timeoutSeconds: httpFunctions[0]?.[1].timeoutSeconds,
      handler: (event, context) => {
        if (!httpHandler) return { statusCode: 503, body: 'Service Unavailable' };
        return httpHandler(event, context);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const free = await findFreePort(port + 1);
      throw new ConfigError(`port ${port} is in use: ${free ? `try --port ${free}` : 'pass another --port'}`, { cause: error });
    }
    throw new ConfigError(`local API server did not start: ${errorMessage(error)} (port ${port})`, { cause: error });
  }
  cleanups.push(() => server.close());

  return {
    server,
    serve(handlers) {
      if (!httpFunctions[0]) return [];
      const [name] = httpFunctions[0];
      httpHandler = handlers.get(name) as FunctionUrlHandler;
      return [{ function: name, url: server.url }];
    },
  };
}

/** The first port from `from` (ten tries) that can be listened on at 127.0.0.1 now. */
async function findFreePort(from: number): Promise<number | undefined> {
  for (let port = from; port < from + 10 && port <= 65535; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return undefined;
}
