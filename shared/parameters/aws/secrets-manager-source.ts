import { GetParameterError } from '@aws-lambda-powertools/parameters';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ResourceNotFoundException, SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
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
  const client = new SecretsManagerClient(options.clientConfig ?? {});
  // One provider per stage: Powertools caches by secret id alone, so one provider would hand
  // the current value back for AWSPREVIOUS.
  const providers = {
    AWSCURRENT: new SecretsProvider({ awsSdkV3Client: client }),
    AWSPREVIOUS: new SecretsProvider({ awsSdkV3Client: client }),
  };
  // A missing AWSPREVIOUS is an answer too; Powertools does not cache failures, so we do.
  const noPrevious = new Map<string, number>();

  async function read(name: SecretName, stage: keyof typeof providers): Promise<string | undefined> {
    const arn = options.arns[name];
    if (arn === undefined) return undefined;
    if (stage === 'AWSPREVIOUS' && (noPrevious.get(arn) ?? 0) > Date.now()) return undefined;
    try {
      const value = await providers[stage].get(arn, { maxAge: options.maxAgeSeconds, sdkOptions: { VersionStage: stage } });
      if (typeof value !== 'string' || value.length === 0) {
        throw new ParameterReadError(`secret read failed: the ${stage} value is not a non-empty string (secret ${name})`);
      }
      return value;
    } catch (error) {
      if (stage === 'AWSPREVIOUS' && isMissingVersion(error)) {
        noPrevious.set(arn, Date.now() + options.maxAgeSeconds * 1000);
        return undefined;
      }
      if (error instanceof ParameterReadError) throw error;
      throw new ParameterReadError(`secret read failed: ${causeText(error)} (secret ${name}, ${stage})`, { cause: error });
    }
  }

  return {
    current: (name) => read(name, 'AWSCURRENT'),
    previous: (name) => read(name, 'AWSPREVIOUS'),
  };
}

/** Secrets Manager's answer for a stage no version carries. */
function isMissingVersion(error: unknown): boolean {
  const cause = error instanceof GetParameterError ? error.cause : error;
  return cause instanceof ResourceNotFoundException || (cause as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException';
}

/** The SDK error's name and message; never a value. */
function causeText(error: unknown): string {
  const cause = error instanceof GetParameterError && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
