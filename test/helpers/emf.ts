/**
 * Reading what Powertools Metrics wrote: CloudWatch embedded metric format (EMF) documents, one
 * JSON line each. Powertools writes them through the global `console` only in its dev mode, the
 * way its documentation tests them:
 *
 *   vi.stubEnv('POWERTOOLS_DEV', 'true');                 // before the Metrics are created
 *   vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');   // dev mode alone turns them off
 *   const capture = captureEmf();                          // spies on console.log
 */
import { vi } from 'vitest';

/** One EMF document, read back. */
export interface EmfDocument {
  namespace: string;
  /** Dimension names of each dimension set (`[['service', 'channel']]`). */
  dimensionSets: string[][];
  /** Dimension values by name. */
  dimensions: Record<string, string>;
  /** Unit of each metric, by name. */
  units: Record<string, string>;
  /** Values of each metric (a metric recorded several times has several). */
  values: Record<string, number[]>;
}

export interface EmfCapture {
  /** Documents written since the capture started or was last cleared, in order. */
  documents(): EmfDocument[];
  clear(): void;
  restore(): void;
}

/** Spies on console.log and keeps the EMF documents written to it (other lines are dropped). */
export function captureEmf(): EmfCapture {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
  return {
    documents: () => spy.mock.calls.flatMap(([line]) => (typeof line === 'string' ? parseEmf(line) : [])),
    clear: () => spy.mockClear(),
    restore: () => spy.mockRestore(),
  };
}

/** The EMF document of a line, or nothing for a line that is not one. */
export function parseEmf(line: string): EmfDocument[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  const aws = parsed._aws as
    | { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }
    | undefined;
  const directive = aws?.CloudWatchMetrics[0];
  if (!directive) return [];
  const names = [...new Set(directive.Dimensions.flat())];
  return [
    {
      namespace: directive.Namespace,
      dimensionSets: directive.Dimensions,
      dimensions: Object.fromEntries(names.map((name) => [name, String(parsed[name])])),
      units: Object.fromEntries(directive.Metrics.map((metric) => [metric.Name, metric.Unit])),
      values: Object.fromEntries(
        directive.Metrics.map((metric) => {
          const value = parsed[metric.Name];
          return [metric.Name, (Array.isArray(value) ? value : [value]) as number[]];
        }),
      ),
    },
  ];
}

/**
 * The sum of a metric's values over the documents whose dimensions include `dimensions`
 * (CloudWatch's Sum statistic).
 */
export function sumOf(documents: EmfDocument[], metric: string, dimensions: Record<string, string> = {}): number {
  return valuesOf(documents, metric, dimensions).reduce((sum, value) => sum + value, 0);
}

/** Every value of a metric over the documents whose dimensions include `dimensions`. */
export function valuesOf(documents: EmfDocument[], metric: string, dimensions: Record<string, string> = {}): number[] {
  return documents
    .filter((document) => Object.entries(dimensions).every(([name, value]) => document.dimensions[name] === value))
    .flatMap((document) => document.values[metric] ?? []);
}
