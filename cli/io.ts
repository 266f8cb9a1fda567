import type { Readable, Writable } from 'node:stream';

/** The streams a command talks to; tests pass their own. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** Exit codes: 0 success, 1 failure, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage mistake (unknown flag, missing argument): exit code 2. */
export class UsageError extends Error {}
