import { describe, expect, it } from 'vitest';
import { deliveryId } from '../../../shared/delivery/delivery-id.ts';
import { buildWebhookPayload, exampleWebhookPayload } from '../../../shared/delivery/webhook-payload.ts';
import { deliveryMessage } from './fixtures.ts';

describe('buildWebhookPayload', () => {
  it('carries the time-to-alert marks of the delivery: published (or first seen), fetched, and how', () => {
    const message = {
      ...deliveryMessage(),
      publishedAt: '2025-02-24T15:03:00Z',
      fetchedAt: '2025-02-24T15:04:10Z',
      fetchedBy: 'push' as const,
    };
    const payload = buildWebhookPayload(message, new Date('2025-02-24T15:04:12Z'));
    expect(payload).toMatchObject({
      publishedAt: '2025-02-24T15:03:00Z',
      fetchedAt: '2025-02-24T15:04:10Z',
      fetchedBy: 'push',
      sentAt: '2025-02-24T15:04:12.000Z',
    });
  });

  it('builds the version 1 payload of a delivery', () => {
    // Prepare
    const message = deliveryMessage();
    const sentAt = new Date('2025-02-24T15:05:00Z');

    // Act
    const payload = buildWebhookPayload(message, sentAt);

    // Assess
    expect(payload).toEqual({
      version: 1,
      type: 'story.alert',
      id: deliveryId('sub-1#story-1#hook-1'),
      test: false,
      story: {
        id: 'story-1',
        title: 'Security Council holds emergency meeting on Ukraine',
        link: 'https://news.example.org/story/1?a=1&b=2',
        published: '2025-02-24T15:04:00Z',
        source: 'UN News',
        summary: 'The Security Council met in an emergency session on Monday.',
      },
      items: [
        {
          source: 'UN News',
          link: 'https://news.example.org/story/1?a=1&b=2',
          title: 'Security Council holds emergency meeting on Ukraine',
          published: '2025-02-24T15:04:00Z',
        },
      ],
      // The same phrase matched twice (different case) is listed once.
      topics: [{ topic: 'un-meeting', label: 'UN meeting', score: 0.92, matched: ['Security Council', 'emergency meeting'] }],
      subscriber: 'sub-1',
      sentAt: '2025-02-24T15:05:00.000Z',
      // No publishedAt on the message: the item's own date; fetch time unknown.
      publishedAt: '2025-02-24T15:04:00Z',
      fetchedAt: null,
      fetchedBy: null,
    });
  });

  it('keeps the id stable across attempts and distinct across deliveries', () => {
    const first = buildWebhookPayload(deliveryMessage(), new Date('2025-01-01T00:00:00Z'));
    const retry = buildWebhookPayload(deliveryMessage(), new Date('2025-01-01T00:05:00Z'));
    const other = buildWebhookPayload(deliveryMessage({ storyId: 'story-2' }), new Date('2025-01-01T00:00:00Z'));

    expect(retry.id).toBe(first.id);
    expect(retry.sentAt).not.toBe(first.sentAt);
    expect(other.id).not.toBe(first.id);
    expect(first.id).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
  });

  it('marks an operator\'s test alert "test": true', () => {
    expect(buildWebhookPayload(deliveryMessage(), new Date('2025-01-01T00:00:00Z'), { test: true }).test).toBe(true);
  });

  it('has an example payload that serializes as documented', () => {
    const example = exampleWebhookPayload();

    expect(example.version).toBe(1);
    expect(example.topics[0]?.matched).toEqual(['Security Council', 'emergency meeting']);
    expect(JSON.parse(JSON.stringify(example))).toEqual(example);
  });
});
