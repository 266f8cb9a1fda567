import { NewsAlertsError } from '../core/errors.ts';

/**
 * A secret or parameter the deployment has could not be read (network, permission,
 * throttling). Retried: the next attempt may well succeed. The message names the secret or
 * parameter, never a value.
 */
export class ParameterReadError extends NewsAlertsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, ...options });
  }
}
