import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger interface domain code sees. Fields are structured; never put secrets in them. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** The Powertools logger behind each Lambda `Log`, so handlers can add its context middleware. */
const powertoolsLoggers = new WeakMap<Log, Logger>();

/** The Powertools logger of a Lambda `Log`; undefined for terminal and test logs. */
export function powertoolsLoggerOf(log: Log): Logger | undefined {
  return powertoolsLoggers.get(log);
}

/** Structured JSON for Lambda (CloudWatch), via Powertools. */
export function createLambdaLogger(serviceName: string, level: LogLevel): { log: Log; powertools: Logger } {
  const powertools = new Logger({ serviceName, logLevel: level });
  const log: Log = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  };
  powertoolsLoggers.set(log, powertools);
  return { log, powertools };
}

const order: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

/** Readable lines for a terminal (one-process mode and the CLI): `level component message k=v`. */
export function createConsoleLogger(
  component: string,
  level: LogLevel = 'INFO',
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Log {
  const emit = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const extras = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ')
      : '';
    write(`${lvl.padEnd(5)} ${component} ${message}${extras ? ` ${extras}` : ''}`);
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARN', m, f),
    error: (m, f) => emit('ERROR', m, f),
  };
}

/** A logger that keeps nothing: for tests that do not read logs. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
