import { createAwsJsonClient, createHttpTransport, type AwsJsonService, type HttpTransportOptions } from '../../aws-http/index.ts';
import type { SecretName } from '../../core/resource-names.ts';
import { ParameterReadError } from '../errors.ts';
import type { SecretSource } from '../secret-source.ts';
import { keepAnswers } from './kept-answers.ts';

export interface SecretsManagerSourceOptions {
  /** ARN of each secret this function may read (its environment's `*_SECRET_ARN`); others are absent. */
  arns: Partial<Record<SecretName, string>>;
  /** Seconds a value is cached before it is read again: how long a rotation takes to reach us. */
  maxAgeSeconds: number;
  /**
   * Region, credentials and endpoint; absent, the environment's (Lambda's role,
   * `AWS_ENDPOINT_URL_SECRETS_MANAGER`). The CLI passes those its SDK client resolved for a
   * deployed stack, its endpoint included when the operator set one (LocalStack's single endpoint).
   */
  clientConfig?: Pick<HttpTransportOptions, 'region' | 'credentials' | 'endpoint'>;
}

/** Secrets Manager's JSON 1.1 protocol, on the client our DynamoDB and SQS adapters use. */
const secretsManagerService: AwsJsonService = {
  name: 'SecretsManager',
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  contentType: 'application/x-amz-json-1.1',
};

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';

/**
 * Secrets read from Secrets Manager at run time (`GetSecretValue`), each answer cached for
 * `maxAgeSeconds` (kept-answers.ts: concurrent calls share one read). The current value is the `AWSCURRENT` stage, the previous one `AWSPREVIOUS`
 * (what `put-secret-value` leaves behind), so tokens signed before a rotation still verify; a
 * secret with no previous version is an answer too, cached as long. Our own signed JSON client,
 * not the SDK's and Powertools Parameters: one request type needs neither.
 */
export function createSecretsManagerSource(options: SecretsManagerSourceOptions): SecretSource {
  const client = createAwsJsonClient(secretsManagerService.name, createHttpTransport(secretsManagerService, options.clientConfig ?? {}));
  // By stage and ARN: the current and the previous value of one secret are two answers.
  const kept = keepAnswers<string | undefined>(options.maxAgeSeconds);

  function read(name: SecretName, stage: Stage): Promise<string | undefined> {
    const arn = options.arns[name];
    if (arn === undefined) return Promise.resolve(undefined);
    return kept(`${stage} ${arn}`, () => getSecretValue(name, arn, stage));
  }

  async function getSecretValue(name: SecretName, arn: string, stage: Stage): Promise<string | undefined> {
    let value: unknown;
    try {
      const { output } = await client.call('GetSecretValue', { SecretId: arn, VersionStage: stage });
      value = output.SecretString;
    } catch (error) {
      if (stage === 'AWSPREVIOUS' && (error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
      throw new ParameterReadError(`secret read failed: ${causeText(error)} (secret ${name}, ${stage})`, { cause: error });
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw new ParameterReadError(`secret read failed: the ${stage} value is not a non-empty string (secret ${name})`);
    }
    return value;
  }

  return {
    current: (name) => read(name, 'AWSCURRENT'),
    previous: (name) => read(name, 'AWSPREVIOUS'),
  };
}

/** The service error's name and message; never a value. */
function causeText(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
