/**
 * The synthesized bundles as the local runtime's handlers: one `HandlerFactory` per topology
 * function that derives the function's environment from the template (tokens resolved to the
 * runtime's engines, tables, queues and API), imports the function's bundle from the cloud
 * assembly, and returns its exported `handler`, the real Lambda entry, which builds its own
 * dependencies from `process.env` at its first invocation. `deps` from the runtime is ignored.
 */
import { randomBytes } from 'node:crypto';
import type { HandlerFactory, HandlerFactoryContext } from '../../infra/local/runtime.ts';
import type { FunctionName, SecretName } from '../../infra/topology.ts';
import { indexTemplate } from '../infra/template-topology.ts';
import { loadBundledHandler, type BundledHandler } from './bundle-loader.ts';
import type { CloudAssembly, FunctionBundle } from './cloud-assembly.ts';
import { createProcessEnvSwitch, lambdaRuntimeVariables, type ProcessEnvSwitch } from './lambda-process-env.ts';
import { checkFunctionEnvironment, templateEnvironments, type FunctionEnvironment } from './template-environment.ts';

export interface BundledFunctionsOptions {
  assembly: CloudAssembly;
  bundles: Map<FunctionName, FunctionBundle>;
  /**
   * Variables that differ from the deployed stack on purpose, applied over the template's: the
   * mail transport (SMTP to a local listener instead of SES) and the permission for loopback
   * fixtures. Each is named here so nothing else can drift unseen.
   */
  localVariables: Record<string, string>;
  /** The 12-digit account of local ARNs. Default `000000000000`, as LocalStack uses. */
  accountId?: string;
  /**
   * Stores a generated secret's value in a Secrets Manager stand-in and returns its ARN, which
   * the secret's `Ref` then resolves to, for handlers that read secrets at run time. Called once
   * per secret. Without it, a `Ref` gets `localSecretArn` and only dynamic references resolve.
   */
  secretArn?: (secret: SecretName, value: string) => string;
  /**
   * Endpoints of further AWS services the bundles call (a Secrets Manager or SSM stand-in), by
   * the `AWS_ENDPOINT_URL_<SERVICE>` suffix: `{ SECRETS_MANAGER: url, SSM: url }`.
   */
  endpoints?: Record<string, string>;
}

export interface InvocationCount {
  invoked: number;
  /** Invocations that threw, rejected, or reported batch item failures. */
  failed: number;
  /** The first few failures' messages, for an assertion's diff. */
  failures: string[];
}

export interface BundledFunctions {
  /** For `startLocalRuntime({ handlers })`. */
  handlers: Record<FunctionName, HandlerFactory>;
  /** The local values of the stack's generated secrets (the admin token, the unsubscribe and subscriber-id keys). */
  secretValues: Record<SecretName, string>;
  /** Each function's full environment as its bundle sees it; filled once the runtime has started. */
  environments: Map<FunctionName, FunctionEnvironment>;
  /** Invocations per function so far. */
  invocations(): Record<FunctionName, InvocationCount>;
  /** Puts `process.env` back as it was; call it after the runtime stopped. */
  restoreEnvironment(): void;
}

/** Handler factories that run the bundles of `assembly`. */
export function createBundledFunctions(options: BundledFunctionsOptions): BundledFunctions {
  const { assembly, bundles } = options;
  const accountId = options.accountId ?? '000000000000';
  const index = indexTemplate(assembly.template);
  // Like the stack's generated secrets: 64 letters and digits.
  const secretValues = Object.fromEntries([...index.secrets.values()].map((secret) => [secret, randomBytes(32).toString('hex')])) as Record<
    SecretName,
    string
  >;

  const environments = new Map<FunctionName, FunctionEnvironment>();
  const counts = new Map<FunctionName, InvocationCount>();
  let processEnv: ProcessEnvSwitch | undefined;

  /** Every function's environment, derived once: all factories get the same context. */
  function prepare(context: HandlerFactoryContext): ProcessEnvSwitch {
    if (processEnv) return processEnv;
    const storeSecret = options.secretArn;
    const secretArns = storeSecret
      ? Object.fromEntries(
          (Object.entries(secretValues) as [SecretName, string][]).map(([secret, value]) => [secret, storeSecret(secret, value)]),
        )
      : undefined;
    const fromTemplate = templateEnvironments(assembly.template, {
      tables: context.tables,
      queues: context.queues,
      functionUrl: `${context.apiUrl}/`,
      secretValues,
      ...(secretArns ? { secretArns } : {}),
      region: context.region,
      accountId,
      stackName: assembly.stackName,
    });
    for (const [name, bundle] of bundles) {
      const variables = fromTemplate.get(name);
      if (!variables) throw new Error(`function environment not found: the template has no function ${name} (function ${name})`);
      const environment = { ...variables, ...options.localVariables };
      checkFunctionEnvironment(name, environment);
      const props = assembly.template.Resources[bundle.logicalId]?.Properties ?? {};
      environments.set(name, {
        ...lambdaRuntimeVariables(
          {
            region: context.region,
            credentials: context.credentials,
            // SQS at the origin of its queue URLs, as in AWS: the SDK then sends every request there.
            endpoints: { DYNAMODB: context.endpoints.dynamodb, SQS: new URL(context.queues.poll.url).origin, ...options.endpoints },
          },
          {
            functionName: `${assembly.stackName}-${bundle.logicalId}`,
            memoryMb: Number(props.MemorySize ?? 128),
            runtime: String(props.Runtime),
            handler: String(props.Handler),
            taskRoot: bundle.assetDir,
          },
        ),
        ...environment,
      });
    }
    processEnv = createProcessEnvSwitch(environments.values());
    return processEnv;
  }

  function environmentOf(name: FunctionName): FunctionEnvironment {
    const environment = environments.get(name);
    if (!environment) throw new Error(`function environment not found: it was never derived (function ${name})`);
    return environment;
  }

  function wrap(name: FunctionName, handler: BundledHandler, env: ProcessEnvSwitch): BundledHandler {
    const count: InvocationCount = { invoked: 0, failed: 0, failures: [] };
    counts.set(name, count);
    const fail = (reason: string) => {
      count.failed += 1;
      if (count.failures.length < 5) count.failures.push(reason);
    };
    return function invokeBundle(event, context) {
      // Synchronously before the call: the handler's cold start reads process.env right away.
      env.enter(environmentOf(name));
      count.invoked += 1;
      let result: unknown;
      try {
        result = handler(event, context);
      } catch (error) {
        fail(String(error));
        throw error;
      }
      return Promise.resolve(result).then(
        (value) => {
          const itemFailures = (value as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
          if (itemFailures && itemFailures.length > 0) fail(`batch item failures: ${JSON.stringify(itemFailures)}`);
          return value;
        },
        (error: unknown) => {
          fail(String(error));
          throw error;
        },
      );
    };
  }

  const handlers = Object.fromEntries(
    [...bundles].map(([name, bundle]) => [
      name,
      async (_deps: unknown, context: HandlerFactoryContext) => {
        const env = prepare(context);
        // The function's environment is in place while its module loads, as in its own sandbox.
        env.enter(environmentOf(name));
        const handler = await loadBundledHandler({ name, file: bundle.file, exportName: bundle.exportName });
        return wrap(name, handler, env);
      },
    ]),
  ) as Record<FunctionName, HandlerFactory>;

  return {
    handlers,
    secretValues,
    environments,
    invocations: () =>
      Object.fromEntries(
        [...bundles.keys()].map((name) => [name, { ...(counts.get(name) ?? { invoked: 0, failed: 0, failures: [] }) }]),
      ) as Record<FunctionName, InvocationCount>,
    restoreEnvironment: () => processEnv?.restore(),
  };
}
