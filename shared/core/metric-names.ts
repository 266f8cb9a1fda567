/**
 * The metrics the handlers publish (Powertools Metrics, CloudWatch embedded metric format) and
 * the dashboard and alarms read: one list, so the two cannot drift apart. Every metric carries
 * the `service` dimension (the stack's service name, one per stage) and, where listed, one more.
 */

/** CloudWatch namespace of every news-alerts metric. */
export const metricNamespace = 'NewsAlerts';

/** Dimension names besides `service`. */
export type MetricDimension = 'channel' | 'topic' | 'feedback';

export interface MetricSpec {
  unit: 'Count' | 'Seconds';
  /** The extra dimension, when the metric is split by one. */
  dimension?: MetricDimension;
  description: string;
}

export const metricSpecs = {
  FeedsPolled: { unit: 'Count', description: 'Feeds fetched successfully (new content or 304)' },
  FeedsFailed: { unit: 'Count', description: 'Feed polls that ended in an error' },
  ItemsNew: { unit: 'Count', description: 'Items seen for the first time' },
  AlertsQueued: { unit: 'Count', dimension: 'topic', description: 'Alerts queued, by topic' },
  DeliveriesSent: { unit: 'Count', dimension: 'channel', description: 'Deliveries sent, by channel (webhook, email)' },
  DeliveriesRetried: { unit: 'Count', dimension: 'channel', description: 'Deliveries that failed and will be retried' },
  DeliveriesDeadLettered: {
    unit: 'Count',
    dimension: 'channel',
    description: 'Deliveries given up on (permanent failure or last receive)',
  },
  PublicationToDelivery: {
    unit: 'Seconds',
    dimension: 'channel',
    description: "Time from an item's publication to its delivery",
  },
  EmailFeedback: { unit: 'Count', dimension: 'feedback', description: 'SES feedback handled, by kind (bounce, complaint)' },
  WebSubPushesAccepted: { unit: 'Count', description: 'WebSub pushes with a valid signature, handled as polls' },
  WebSubPushesRefused: { unit: 'Count', description: 'WebSub pushes refused: unsigned, badly signed, or for no subscription' },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof metricSpecs;
