import type { MetricName } from '../core/metric-names.ts';
import type { Clock } from '../core/clock.ts';
import type { EventSink, PipelineEvent } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';

/** One value of a catalogue metric, with the value of its dimension when it is split by one. */
export interface MetricPoint {
  name: MetricName;
  value: number;
  dimensionValue?: string;
}

/**
 * The catalogue metrics a pipeline event stands for (`shared/core/metric-names.ts`); most events
 * stand for none. `now` is when the event happened: a delivery's time since publication ends there.
 */
export function metricPointsOf(event: PipelineEvent, now: Date): MetricPoint[] {
  switch (event.type) {
    case 'feed-polled':
      // ItemsNew is recorded even when 0, so "no new items for hours" is a value an alarm can see.
      if (event.status === 'error') return [{ name: 'FeedsFailed', value: 1 }];
      return [
        { name: 'FeedsPolled', value: 1 },
        { name: 'ItemsNew', value: event.new },
      ];
    case 'alert':
      return event.topics.map((match) => ({ name: 'AlertsQueued', value: 1, dimensionValue: match.topic }));
    case 'delivered': {
      const points: MetricPoint[] = [{ name: 'DeliveriesSent', value: 1, dimensionValue: event.channel }];
      const publishedAt = event.publishedAt === undefined ? Number.NaN : Date.parse(event.publishedAt);
      if (Number.isFinite(publishedAt)) {
        const seconds = Math.max(0, (now.getTime() - publishedAt) / 1000);
        points.push({ name: 'PublicationToDelivery', value: seconds, dimensionValue: event.channel });
      }
      return points;
    }
    case 'delivery-failed':
      // Permanent: recorded as failed, or its last receive failed (dead-lettered): given up either way.
      return [{ name: event.permanent ? 'DeliveriesDeadLettered' : 'DeliveriesRetried', value: 1, dimensionValue: event.channel }];
    case 'email-feedback':
      // Every bounce and complaint SES reported, whatever it did to the channel.
      return [{ name: 'EmailFeedback', value: 1, dimensionValue: event.feedback }];
    case 'websub':
      // Refused pushes are counted so a hub signing wrongly (or someone forging pushes) shows.
      if (event.action === 'push-accepted') return [{ name: 'WebSubPushesAccepted', value: 1 }];
      if (event.action === 'push-refused') return [{ name: 'WebSubPushesRefused', value: 1 }];
      return [];
    default:
      return [];
  }
}

/**
 * An EventSink recording each event's metrics ({@link metricPointsOf}) in the handlers'
 * PipelineMetrics, published once per invocation. It never throws: a metric that cannot be
 * recorded must not fail the delivery or poll that reported it.
 */
export function createMetricsEventSink(metrics: Pick<PipelineMetrics, 'record'>, deps: { clock: Clock; log: Log }): EventSink {
  return {
    emit(event) {
      try {
        for (const point of metricPointsOf(event, deps.clock.now())) metrics.record(point.name, point.value, point.dimensionValue);
      } catch (error) {
        deps.log.warn('recording a metric failed', { event: event.type, error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
