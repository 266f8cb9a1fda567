import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { loadOnce } from '../../core/load-once.ts';
import type { SecretName } from '../../core/resource-names.ts';
import { ParameterReadError } from '../errors.ts';
import type { SecretSource } from '../secret-source.ts';

export interface SecretsManagerSourceOptions {
  /** ARN of each secret this function may read (its environment's `*_SECRET_ARN`); others are absent. */
  arns: Partial<Record<SecretName, string>>;
  /** Seconds a value is cached before it is read again: how long a rotation takes to reach us. */
  maxAgeSeconds: number;
  /** Client settings (region, credentials); the SDK's own chain and `AWS_ENDPOINT_URL_SECRETS_MANAGER` when absent. */
  clientConfig?: SecretsManagerClientConfig;
}

/**
 * Secrets read from Secrets Manager at run time through Powertools Parameters, each cached for
 * `maxAgeSeconds`. The current value is the `AWSCURRENT` stage, the previous one `AWSPREVIOUS`
 * (what `put-secret-value` leaves behind), so tokens signed before a rotation still verify.
 */
export function createSecretsManagerSource(options: SecretsManagerSourceOptions): SecretSource {
  // The SDK client and Powertools load at the first read, not with the bundle: a function reads
  // its secrets on some invocations only, and one given no secret ARN never does.
  const loadSdk = loadOnce(() => loadSecretsSdk(options.clientConfig ?? {}));
  // A missing AWSPREVIOUS is an answer too; Powertools does not cache failures, so we do.
  const noPrevious = new Map<string, number>();

  async function read(name: SecretName, stage: Stage): Promise<string | undefined> {
    const arn = options.arns[name];
    if (arn === undefined) return undefined;
    if (stage === 'AWSPREVIOUS' && (noPrevious.get(arn) ?? 0) > Date.now()) return undefined;
    const { providers, GetParameterError, ResourceNotFoundException } = await loadSdk();
    try {
      const value = await providers[stage].get(arn, { maxAge: options.maxAgeSeconds, sdkOptions: { VersionStage: stage } });
      if (typeof value !== 'string' || value.length === 0) {
        throw new ParameterReadError(`secret read failed: the ${stage} value is not a non-empty string (secret ${name})`);
      }
      return value;
    } catch (error) {
      if (
        stage === 'AWSPREVIOUS' &&
        isMissingVersion(error instanceof GetParameterError ? error.cause : error, ResourceNotFoundException)
      ) {
        noPrevious.set(arn, Date.now() + options.maxAgeSeconds * 1000);
        return undefined;
      }
      if (error instanceof ParameterReadError) throw error;
      const cause = error instanceof GetParameterError && error.cause instanceof Error ? error.cause : error;
      throw new ParameterReadError(`secret read failed: ${causeText(cause)} (secret ${name}, ${stage})`, { cause: error });
    }
  }

  return {
    current: (name) => read(name, 'AWSCURRENT'),
    previous: (name) => read(name, 'AWSPREVIOUS'),
  };
}

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';

interface SecretsSdk {
  providers: Record<Stage, SecretsProvider>;
  GetParameterError: typeof import('@aws-lambda-powertools/parameters').GetParameterError;
  ResourceNotFoundException: typeof import('@aws-sdk/client-secrets-manager').ResourceNotFoundException;
}

async function loadSecretsSdk(clientConfig: SecretsManagerClientConfig): Promise<SecretsSdk> {
  const [{ GetParameterError }, { SecretsProvider }, { ResourceNotFoundException, SecretsManagerClient }] = await Promise.all([
    import('@aws-lambda-powertools/parameters'),
    import('@aws-lambda-powertools/parameters/secrets'),
    import('@aws-sdk/client-secrets-manager'),
  ]);
  const client = new SecretsManagerClient(clientConfig);
  // One provider per stage: Powertools caches by secret id alone, so one provider would hand
  // the current value back for AWSPREVIOUS.
  const providers = {
    AWSCURRENT: new SecretsProvider({ awsSdkV3Client: client }),
    AWSPREVIOUS: new SecretsProvider({ awsSdkV3Client: client }),
  };
  return { providers, GetParameterError, ResourceNotFoundException };
}

/** Secrets Manager's answer for a stage no version carries (`cause`: the SDK's error). */
function isMissingVersion(cause: unknown, notFound: SecretsSdk['ResourceNotFoundException']): boolean {
  return cause instanceof notFound || (cause as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException';
}

/** The SDK error's name and message (`cause`: the error Powertools wrapped, if any); never a value. */
function causeText(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
