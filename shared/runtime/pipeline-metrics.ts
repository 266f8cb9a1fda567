import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type middy from '@middy/core';
import { metricNamespace, metricSpecs, type MetricDimension, type MetricName, type MetricSpec } from '../core/metric-names.ts';
import type { Log } from '../core/logger.ts';

export interface PipelineMetricsOptions {
  /** The `service` dimension of every metric (POWERTOOLS_SERVICE_NAME). */
  serviceName: string;
  /** Where Powertools' own warnings go (an invalid value, a dimension left out). */
  log: Log;
}

/**
 * The handlers' metrics: Powertools Metrics, written as CloudWatch embedded metric format (EMF)
 * lines on stdout, in the catalogue's namespace and with its units. An EMF document holds one
 * value per dimension, so a metric split by a dimension (`channel=webhook`, `topic=talks`) is
 * kept in a Metrics instance of its own per value, and publishing publishes those with the
 * undimensioned ones. Create one per cold start; the `logMetrics` middleware
 * ({@link withMetricsFlush}) publishes after every invocation.
 */
export class PipelineMetrics extends Metrics {
  readonly #serviceName: string;
  readonly #log: Log;
  /** By `<dimension>=<value>`: bounded by the channels, feedback kinds and topics there are. */
  readonly #split = new Map<string, Metrics>();

  constructor(options: PipelineMetricsOptions) {
    super({ namespace: metricNamespace, serviceName: options.serviceName, logger: powertoolsLogger(options.log) });
    this.#serviceName = options.serviceName;
    this.#log = options.log;
  }

  /** Adds one value of a catalogue metric; one split by a dimension needs that dimension's value. */
  record(name: MetricName, value: number, dimensionValue?: string): void {
    const spec: MetricSpec = metricSpecs[name];
    const unit = MetricUnit[spec.unit];
    if (spec.dimension === undefined) {
      this.addMetric(name, unit, value);
      return;
    }
    if (!dimensionValue) throw new RangeError(`metric ${name} needs a ${spec.dimension} value`);
    this.#splitFor(spec.dimension, dimensionValue).addMetric(name, unit, value);
  }

  /**
   * Publishes what this invocation recorded: one EMF document per dimension value, and one for
   * the undimensioned metrics. Nothing recorded, nothing written (Powertools would warn each time,
   * e.g. on every HTTP request).
   */
  override publishStoredMetrics(): this {
    for (const metrics of this.#split.values()) {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
    if (this.hasStoredMetrics()) return super.publishStoredMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  #splitFor(dimension: MetricDimension, value: string): Metrics {
    const key = `${dimension}=${value}`;
    let metrics = this.#split.get(key);
    if (!metrics) {
      metrics = new Metrics({
        namespace: metricNamespace,
        serviceName: this.#serviceName,
        defaultDimensions: { [dimension]: value },
        logger: powertoolsLogger(this.#log),
      });
      this.#split.set(key, metrics);
    }
    return metrics;
  }
}

/**
 * Adds the Powertools `logMetrics` middleware when metrics are on: whatever the invocation
 * recorded is published once, after it ends (also when it fails); an invocation that recorded
 * nothing is fine (`throwOnEmptyMetrics: false`).
 */
export function withMetricsFlush<T extends { use: (m: middy.MiddlewareObj) => T }>(handler: T, metrics: PipelineMetrics | undefined): T {
  return metrics ? handler.use(logMetrics(metrics, { throwOnEmptyMetrics: false })) : handler;
}

/** Powertools' logger interface over ours. */
function powertoolsLogger(log: Log) {
  const text = (content: unknown[]) => content.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: (...content: unknown[]) => log.debug(`metrics: ${text(content)}`),
    info: (...content: unknown[]) => log.info(`metrics: ${text(content)}`),
    warn: (...content: unknown[]) => log.warn(`metrics: ${text(content)}`),
    error: (...content: unknown[]) => log.error(`metrics: ${text(content)}`),
  };
}
