/**
 * What the bundles write to stdout, as CloudWatch Logs would receive it: Powertools' one JSON
 * object per line. The capture keeps every JSON line for the test to query (like Logs Insights),
 * lets warnings and errors through so a failing run shows why, and hides the info chatter.
 */

/** One structured line: Powertools log fields (`level`, `message`, `service` …) and ours (`event` …). */
export type LogRecord = Record<string, unknown>;

export interface StructuredLogCapture {
  /** Every JSON line written since the capture started, in order. */
  readonly records: LogRecord[];
  /** The pipeline events of one type (`feed-polled`, `alert`, `delivered` …) the handlers logged. */
  events(type: string): LogRecord[];
  /** Records at WARN or above. */
  problems(): LogRecord[];
  /** Puts the stream's own `write` back. */
  stop(): void;
}

const quietLevels = new Set(['DEBUG', 'INFO']);

/** Starts capturing `stream` (default `process.stdout`) until `stop()`. */
export function captureStructuredLogs(stream: NodeJS.WriteStream = process.stdout): StructuredLogCapture {
  const records: LogRecord[] = [];
  const originalWrite = stream.write;
  let partial = '';

  // Console writes one whole line per call; a partial line is kept until its newline arrives.
  stream.write = function captureWrite(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    const shown = lines.filter((line) => {
      const record = parseRecord(line);
      if (!record) return true;
      records.push(record);
      return !quietLevels.has(String(record.level));
    });
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (shown.length === 0) {
      callback?.();
      return true;
    }
    return originalWrite.call(this, `${shown.join('\n')}\n`, callback as never);
  } as typeof stream.write;

  return {
    records,
    events: (type) => records.filter((record) => record.event === type),
    problems: () => records.filter((record) => record.level !== undefined && !quietLevels.has(String(record.level))),
    stop() {
      stream.write = originalWrite;
      if (partial) originalWrite.call(stream, partial);
      partial = '';
    },
  };
}

function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}
