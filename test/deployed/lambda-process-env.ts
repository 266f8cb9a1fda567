/**
 * `process.env` as Lambda would present it to one function: the variables its template sets, the
 * ones the Lambda runtime adds (region, credentials, function name, memory …), and the SDK's
 * per-service endpoints pointing at the embedded engines, as `AWS_ENDPOINT_URL_*` does under
 * LocalStack. Every bundle in this process shares one `process.env`, so the switch replaces it
 * before each invocation: a handler reads its variables synchronously at its cold start, and
 * so sees exactly its own function's environment, not another function's. (The SDK reads its
 * own settings, region, credentials and endpoints, later; those are the same for every function.)
 */
import { envVariableNames } from '../../shared/config/env.ts';

export interface LambdaRuntimeSettings {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Endpoint of each AWS service the bundles call, by its `AWS_ENDPOINT_URL_<SERVICE>` suffix (`DYNAMODB`, `SQS` …). */
  endpoints: Record<string, string>;
}

export interface LambdaFunctionSettings {
  /** The deployed function's name (`AWS_LAMBDA_FUNCTION_NAME`). */
  functionName: string;
  memoryMb: number;
  /** The template's `Runtime`, e.g. `nodejs24.x`. */
  runtime: string;
  /** The template's `Handler`, e.g. `index.handler`. */
  handler: string;
  /** Where the code is unpacked (`LAMBDA_TASK_ROOT`): the staged asset directory. */
  taskRoot: string;
}

/** The variables Lambda's runtime sets for one function (beside the template's own). */
export function lambdaRuntimeVariables(runtime: LambdaRuntimeSettings, fn: LambdaFunctionSettings): Record<string, string> {
  const variables: Record<string, string> = {
    AWS_REGION: runtime.region,
    AWS_DEFAULT_REGION: runtime.region,
    AWS_ACCESS_KEY_ID: runtime.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: runtime.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: fn.taskRoot,
    _HANDLER: fn.handler,
  };
  for (const [service, endpoint] of Object.entries(runtime.endpoints)) variables[`AWS_ENDPOINT_URL_${service}`] = endpoint;
  return variables;
}

export interface ProcessEnvSwitch {
  /** Makes `process.env` the given environment; every variable another function had is gone. */
  enter(environment: Record<string, string>): void;
  /** Puts back the variables this switch touched as they were before it was created. */
  restore(): void;
}

/**
 * A switch over the variables of `environments` plus every `AWS_*` and `POWERTOOLS_*` variable
 * and every variable of the env schema, so nothing of the developer's shell (a profile, a
 * generic `AWS_ENDPOINT_URL`, `POWERTOOLS_DEV`) leaks into a bundle.
 */
export function createProcessEnvSwitch(environments: Iterable<Record<string, string>>): ProcessEnvSwitch {
  const saved = new Map<string, string | undefined>();
  const manage = (name: string) => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
  };
  for (const name of envVariableNames) manage(name);
  for (const environment of environments) for (const name of Object.keys(environment)) manage(name);
  for (const name of Object.keys(process.env)) if (/^(AWS_|POWERTOOLS_)/.test(name)) manage(name);

  const clear = () => {
    for (const name of saved.keys()) delete process.env[name];
  };
  return {
    enter(environment) {
      clear();
      for (const [name, value] of Object.entries(environment)) {
        manage(name);
        process.env[name] = value;
      }
    },
    restore() {
      clear();
      for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
    },
  };
}
