import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { ConfigError } from '../../core/errors.ts';
import { loadOnce } from '../../core/load-once.ts';
import { ParameterReadError } from '../errors.ts';

export interface SsmParameterReaderOptions {
  /** Seconds a value is cached before it is read again. */
  maxAgeSeconds: number;
  /** Client settings; the SDK's own chain and `AWS_ENDPOINT_URL_SSM` when absent. */
  clientConfig?: SSMClientConfig;
}

/** Reads one plain SSM parameter by name, cached; a missing parameter is a configuration error. */
export type SsmParameterReader = (name: string) => Promise<string>;

/**
 * SSM parameters read through Powertools Parameters (e.g. the API's own Function URL, which the
 * stack can only hand to it this way). Reading fails with a retryable error; a parameter that
 * does not exist with a `ConfigError`.
 */
export function createSsmParameterReader(options: SsmParameterReaderOptions): SsmParameterReader {
  // Powertools and the SDK client load at the first read, not with the bundle.
  const loadProvider = loadOnce(() =>
    import('@aws-lambda-powertools/parameters/ssm').then(
      ({ SSMProvider }) => new SSMProvider({ clientConfig: options.clientConfig ?? {} }),
    ),
  );
  return async function readSsmParameter(name) {
    let value: string | undefined;
    try {
      value = await (await loadProvider()).get(name, { maxAge: options.maxAgeSeconds });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      if ((cause as { name?: unknown }).name === 'ParameterNotFound') {
        throw new ConfigError(`parameter read failed: it does not exist (SSM parameter ${name})`, { cause: error });
      }
      const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new ParameterReadError(`parameter read failed: ${text} (SSM parameter ${name})`, { cause: error });
    }
    if (value === undefined || value.length === 0) throw new ConfigError(`parameter read failed: it is empty (SSM parameter ${name})`);
    return value;
  };
}
