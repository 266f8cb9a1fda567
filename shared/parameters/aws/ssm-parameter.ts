import { createAwsJsonClient, createHttpTransport, type AwsJsonService, type HttpTransportOptions } from '../../aws-http/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { ParameterReadError } from '../errors.ts';
import { keepAnswers } from './kept-answers.ts';

export interface SsmParameterReaderOptions {
  /** Seconds a value is cached before it is read again. */
  maxAgeSeconds: number;
  /** Region and credentials; the environment's (Lambda's role) when absent, and `AWS_ENDPOINT_URL_SSM`. */
  clientConfig?: Pick<HttpTransportOptions, 'region' | 'credentials'>;
}

/** Reads one plain SSM parameter by name, cached; a missing parameter is a configuration error. */
export type SsmParameterReader = (name: string) => Promise<string>;

/** SSM's JSON 1.1 protocol, on the client our DynamoDB and SQS adapters use. */
const ssmService: AwsJsonService = {
  name: 'SSM',
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  endpointVariable: 'AWS_ENDPOINT_URL_SSM',
  contentType: 'application/x-amz-json-1.1',
};

/**
 * SSM parameters read with `GetParameter` (e.g. the API's own Function URL, which the stack can
 * only hand to it this way), each value cached for `maxAgeSeconds` (kept-answers.ts: concurrent
 * calls share one read). Our own signed JSON client,
 * not the SDK's and Powertools Parameters: one request type needs neither. Reading fails with a
 * retryable error; a parameter that does not exist, or is empty, with a `ConfigError`.
 */
export function createSsmParameterReader(options: SsmParameterReaderOptions): SsmParameterReader {
  const client = createAwsJsonClient(ssmService.name, createHttpTransport(ssmService, options.clientConfig ?? {}));
  const kept = keepAnswers<string>(options.maxAgeSeconds);

  async function getParameter(name: string): Promise<string> {
    let value: unknown;
    try {
      const { output } = await client.call('GetParameter', { Name: name });
      value = (output.Parameter as { Value?: unknown } | undefined)?.Value;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ParameterNotFound') {
        throw new ConfigError(`parameter read failed: it does not exist (SSM parameter ${name})`, { cause: error });
      }
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ParameterReadError(`parameter read failed: ${text} (SSM parameter ${name})`, { cause: error });
    }
    if (typeof value !== 'string' || value.length === 0)
      throw new ConfigError(`parameter read failed: it is empty (SSM parameter ${name})`);
    return value;
  }

  return function readSsmParameter(name) {
    return kept(name, () => getParameter(name));
  };
}
