import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricNamespace, metricSpecs } from '../../../shared/core/metric-names.ts';
import type { PipelineEvent } from '../../../shared/core/events.ts';
import type { Log } from '../../../shared/core/logger.ts';
import { createMetricsEventSink, metricPointsOf } from '../../../shared/runtime/metrics-event-sink.ts';
import { PipelineMetrics, withMetricsFlush } from '../../../shared/runtime/pipeline-metrics.ts';
import { captureEmf, sumOf, type EmfCapture } from '../../helpers/emf.ts';

const now = new Date('2030-01-01T12:00:00.000Z');
const base = { subscriberId: 'sub', storyId: 'story', deliveryKey: 'sub#story#hook' };

function capturingLog(): Log & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('metricPointsOf: pipeline events as catalogue metrics', () => {
  it.each<[string, PipelineEvent, ReturnType<typeof metricPointsOf>]>([
    [
      'a feed polled',
      { type: 'feed-polled', feedId: 'f', url: 'https://f.example/rss', status: 'ok', items: 10, new: 3, duplicates: 7 },
      [
        { name: 'FeedsPolled', value: 1 },
        { name: 'ItemsNew', value: 3 },
      ],
    ],
    [
      'a feed not modified',
      { type: 'feed-polled', feedId: 'f', url: 'https://f.example/rss', status: 'not-modified', items: 0, new: 0, duplicates: 0 },
      [
        { name: 'FeedsPolled', value: 1 },
        { name: 'ItemsNew', value: 0 },
      ],
    ],
    [
      'a feed failed',
      {
        type: 'feed-polled',
        feedId: 'f',
        url: 'https://f.example/rss',
        status: 'error',
        items: 0,
        new: 0,
        duplicates: 0,
        error: 'HTTP 500',
      },
      [{ name: 'FeedsFailed', value: 1 }],
    ],
    [
      'an alert on two topics',
      {
        type: 'alert',
        storyId: 's',
        feedId: 'f',
        title: 't',
        link: null,
        topics: [
          { topic: 'talks', score: 0.9, matched: [] },
          { topic: 'sanctions', score: 0.5, matched: [] },
        ],
      },
      [
        { name: 'AlertsQueued', value: 1, dimensionValue: 'talks' },
        { name: 'AlertsQueued', value: 1, dimensionValue: 'sanctions' },
      ],
    ],
    [
      'a delivery with its publication time',
      { type: 'delivered', channel: 'webhook', ...base, target: 'hooks.example', publishedAt: '2030-01-01T11:58:30.000Z' },
      [
        { name: 'DeliveriesSent', value: 1, dimensionValue: 'webhook' },
        { name: 'PublicationToDelivery', value: 90, dimensionValue: 'webhook' },
      ],
    ],
    [
      'a delivery without one (a digest)',
      { type: 'delivered', channel: 'email', ...base, target: 'a***@example.org', stories: 3 },
      [{ name: 'DeliveriesSent', value: 1, dimensionValue: 'email' }],
    ],
    [
      'a delivery whose item claims a later publication (a feed clock ahead)',
      { type: 'delivered', channel: 'email', ...base, target: 'a***@example.org', publishedAt: '2030-01-01T13:00:00.000Z' },
      [
        { name: 'DeliveriesSent', value: 1, dimensionValue: 'email' },
        { name: 'PublicationToDelivery', value: 0, dimensionValue: 'email' },
      ],
    ],
    [
      'an attempt SQS retries',
      { type: 'delivery-failed', channel: 'webhook', ...base, error: 'HTTP 500', permanent: false, attempt: 2, retryInSeconds: 20 },
      [{ name: 'DeliveriesRetried', value: 1, dimensionValue: 'webhook' }],
    ],
    [
      'a failure on the last receive',
      { type: 'delivery-failed', channel: 'email', ...base, error: 'SMTP 421', permanent: true, attempt: 8, deadLettered: true },
      [{ name: 'DeliveriesDeadLettered', value: 1, dimensionValue: 'email' }],
    ],
    [
      'a permanent failure recorded at once',
      { type: 'delivery-failed', channel: 'webhook', ...base, error: 'HTTP 400', permanent: true },
      [{ name: 'DeliveriesDeadLettered', value: 1, dimensionValue: 'webhook' }],
    ],
    ['a skipped delivery', { type: 'delivery-skipped', channel: 'email', ...base, reason: 'already-sent' }, []],
    [
      'a bounce SES reported',
      {
        type: 'email-feedback',
        feedback: 'bounce',
        bounceType: 'Transient',
        outcome: 'not-paused',
        subscriberId: 'sub',
        channelId: 'mail',
      },
      [{ name: 'EmailFeedback', value: 1, dimensionValue: 'bounce' }],
    ],
    [
      'a complaint no channel was found for',
      { type: 'email-feedback', feedback: 'complaint', outcome: 'unmatched' },
      [{ name: 'EmailFeedback', value: 1, dimensionValue: 'complaint' }],
    ],
  ])('%s', (_what, event, expected) => {
    expect(metricPointsOf(event, now)).toEqual(expected);
  });

  it('only names catalogue metrics, with a dimension value exactly where the catalogue has a dimension', () => {
    const points = metricPointsOf({ type: 'delivered', channel: 'webhook', ...base, target: 'h', publishedAt: now.toISOString() }, now);
    for (const point of points) {
      expect(metricSpecs[point.name]).toBeDefined();
      expect(point.dimensionValue !== undefined).toBe('dimension' in metricSpecs[point.name]);
    }
  });
});

describe('createMetricsEventSink', () => {
  it('never throws: a metric that cannot be recorded is logged, the outcome stands', () => {
    const log = capturingLog();
    const sink = createMetricsEventSink(
      {
        record() {
          throw new RangeError('bad value');
        },
      },
      { clock: { now: () => now }, log },
    );

    expect(() => sink.emit({ type: 'feed-polled', feedId: 'f', url: 'u', status: 'ok', items: 1, new: 1, duplicates: 0 })).not.toThrow();
    expect(log.lines).toEqual([
      { level: 'warn', message: 'recording a metric failed', fields: { event: 'feed-polled', error: 'bad value' } },
    ]);
  });
});

describe('PipelineMetrics', () => {
  let emf: EmfCapture;

  beforeAll(() => {
    // Powertools' documented test setup: EMF through the global console (dev mode), metrics still on.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    emf = captureEmf();
  });
  afterAll(() => {
    emf.restore();
    vi.unstubAllEnvs();
  });
  beforeEach(() => emf.clear());

  it('publishes one EMF document per dimension value and one for the rest, in the catalogue namespace and units', () => {
    const metrics = new PipelineMetrics({ serviceName: 'svc', log: capturingLog() });
    metrics.record('FeedsPolled', 1);
    metrics.record('ItemsNew', 4);
    metrics.record('DeliveriesSent', 1, 'webhook');
    metrics.record('PublicationToDelivery', 12.5, 'webhook');
    metrics.record('DeliveriesSent', 1, 'email');
    metrics.record('AlertsQueued', 1, 'talks');

    metrics.publishStoredMetrics();

    const documents = emf.documents();
    expect(documents).toHaveLength(4);
    expect(new Set(documents.map((d) => d.namespace))).toEqual(new Set([metricNamespace]));
    expect(documents.map((d) => d.dimensions)).toEqual(
      expect.arrayContaining([
        { service: 'svc' },
        { service: 'svc', channel: 'webhook' },
        { service: 'svc', channel: 'email' },
        { service: 'svc', topic: 'talks' },
      ]),
    );
    const webhook = documents.find((d) => d.dimensions.channel === 'webhook');
    expect(webhook?.units).toEqual({ DeliveriesSent: 'Count', PublicationToDelivery: 'Seconds' });
    expect(webhook?.values).toEqual({ DeliveriesSent: [1], PublicationToDelivery: [12.5] });
    expect(sumOf(documents, 'ItemsNew', { service: 'svc' })).toBe(4);
  });

  it('writes nothing, and warns of nothing, when nothing was recorded', () => {
    const log = capturingLog();
    const metrics = new PipelineMetrics({ serviceName: 'svc', log });
    metrics.record('DeliveriesSent', 1, 'webhook');
    metrics.publishStoredMetrics();
    emf.clear();

    metrics.publishStoredMetrics();

    expect(emf.documents()).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('refuses a split metric without its dimension value', () => {
    const metrics = new PipelineMetrics({ serviceName: 'svc', log: capturingLog() });
    expect(() => metrics.record('DeliveriesSent', 1)).toThrow(/DeliveriesSent needs a channel value/);
  });

  it('is published once per invocation by the logMetrics middleware, also when the handler fails', async () => {
    const metrics = new PipelineMetrics({ serviceName: 'svc', log: capturingLog() });
    const handler = withMetricsFlush(
      middy(async (event: { fail: boolean }) => {
        metrics.record('FeedsPolled', 1);
        metrics.record('DeliveriesRetried', 1, 'email');
        if (event.fail) throw new Error('boom');
        return 'ok';
      }),
      metrics,
    );

    await handler({ fail: false }, {} as Context);
    const afterSuccess = emf.documents();
    emf.clear();
    await expect(handler({ fail: true }, {} as Context)).rejects.toThrow('boom');
    const afterFailure = emf.documents();

    for (const documents of [afterSuccess, afterFailure]) {
      expect(documents).toHaveLength(2);
      expect(sumOf(documents, 'FeedsPolled')).toBe(1);
      expect(sumOf(documents, 'DeliveriesRetried', { channel: 'email' })).toBe(1);
    }
  });
});
