/**
 * Loads a function's bundle the way Lambda's Node.js runtime does at a cold start: import the
 * handler module, take the named export. Whatever goes wrong (a file that is missing, does not
 * parse, imports a module the bundle left out, throws at load, or exports no function) becomes a
 * `BundleLoadError` naming the function, so a broken artifact fails CI by name.
 *
 * Bundles must be staged under `node_modules` (as `synthesizeStack({ bundle: true })` does):
 * there Node resolves the `@aws-sdk/*` packages they leave to the runtime, and vitest hands them
 * to Node's own loader untouched instead of transforming them through Vite first.
 */
import { pathToFileURL } from 'node:url';

/** A function's bundle could not become a handler. */
export class BundleLoadError extends Error {
  override name = 'BundleLoadError';
  /** A broken artifact stays broken: loading it again cannot help. */
  readonly retryable = false;

  constructor(
    message: string,
    readonly functionName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A Lambda handler as a bundle exports it. */
export type BundledHandler = (event: unknown, context: unknown) => unknown;

export interface BundleToLoad {
  /** The topology name of the function, for messages. */
  name: string;
  /** Absolute path of the handler module. */
  file: string;
  /** The export Lambda calls; default `handler`. */
  exportName?: string;
}

/** Imports the bundle and returns its handler export. */
export async function loadBundledHandler(bundle: BundleToLoad): Promise<BundledHandler> {
  const exportName = bundle.exportName ?? 'handler';
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(bundle.file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new BundleLoadError(
      `function bundle could not be loaded: ${describe(error)} (function ${bundle.name}, ${bundle.file})`,
      bundle.name,
      { cause: error },
    );
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw new BundleLoadError(
      `function bundle does not export a ${exportName} function: it exports ${JSON.stringify(Object.keys(module))} (function ${bundle.name}, ${bundle.file})`,
      bundle.name,
    );
  }
  return handler as BundledHandler;
}

/** The error's code and first line: enough to tell a missing module from a syntax error. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const firstLine = error.message.split('\n')[0] ?? error.message;
  return code ? `${code}: ${firstLine}` : `${error.name}: ${firstLine}`;
}
