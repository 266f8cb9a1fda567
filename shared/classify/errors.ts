import { ConfigError } from '../core/errors.ts';

/** A topic file that is not valid JSON or fails the topic schema. Never retryable. */
export class TopicDefinitionError extends ConfigError {
  /** Where the topic came from (a file path, "builtin", a store key), when known. */
  readonly source: string | undefined;

  constructor(message: string, options: { source?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause, retryable: false });
    this.source = options.source;
  }
}

/** A subscriber filter query that does not parse. Never retryable. */
export class FilterQueryError extends ConfigError {
  /** Character offset in the query where the problem was found. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(message, { retryable: false });
    this.position = position;
  }
}
