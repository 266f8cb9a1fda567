import type { SecretName } from '../core/resource-names.ts';

/**
 * Where a handler reads the deployment's generated secrets at run time: Secrets Manager in AWS
 * (cached a few minutes, so a rotation takes effect without a redeploy), the data folder in
 * one-process mode, fixed values in tests. Values are never logged.
 */
export interface SecretSource {
  /** The secret's current value; undefined when this deployment has no such secret. */
  current(name: SecretName): Promise<string | undefined>;
  /**
   * The value it had before its last rotation (Secrets Manager's AWSPREVIOUS stage); undefined
   * when it was never rotated or the deployment has no such secret.
   */
  previous(name: SecretName): Promise<string | undefined>;
}

/** The values of one secret: the current one and, after a rotation, the previous one. */
export interface SecretValues {
  current: string;
  previous?: string;
}

/** A source of fixed values: the one-process runtime (from its data folder) and tests. */
export function createStaticSecretSource(values: Partial<Record<SecretName, SecretValues>>): SecretSource {
  return {
    current: async (name) => values[name]?.current,
    previous: async (name) => values[name]?.previous,
  };
}
