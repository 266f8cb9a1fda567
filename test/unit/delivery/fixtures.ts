import type { Channel, DeliveryMessage } from '../../../shared/messages/schemas.ts';
import type { Subscriber } from '../../../shared/store/records.ts';

/** A hostile item text: markup, an entity, a Slack broadcast and a link-breaking character. */
export const HOSTILE_TITLE = 'Council <script>alert(1)</script> & <!channel> vote | "quoted"';

export function deliveryMessage(overrides: Partial<DeliveryMessage> & { channel?: Channel } = {}): DeliveryMessage {
  const channel: Channel = overrides.channel ?? {
    kind: 'webhook',
    channelId: 'hook-1',
    url: 'https://hooks.example.org/news',
    format: 'json',
  };
  const subscriberId = overrides.subscriberId ?? 'sub-1';
  const storyId = overrides.storyId ?? 'story-1';
  return {
    version: 1,
    deliveryKey: `${subscriberId}#${storyId}#${channel.channelId}`,
    subscriberId,
    channel,
    storyId,
    item: {
      itemKey: 'feed-1#abc',
      feedId: 'feed-1',
      source: 'UN News',
      guid: 'urn:item:1',
      link: 'https://news.example.org/story/1?a=1&b=2',
      title: 'Security Council holds emergency meeting on Ukraine',
      summary: 'The Security Council met in an emergency session on Monday.',
      published: '2025-02-24T15:04:00Z',
      author: null,
      categories: [],
    },
    topics: [
      {
        topic: 'un-meeting',
        label: 'UN meeting',
        score: 0.92,
        matched: [
          { phrase: 'Security Council', text: 'Security Council', field: 'title', position: 0, rule: 'body' },
          { phrase: 'emergency meeting', text: 'emergency meeting', field: 'title', position: 23, rule: 'meeting' },
          { phrase: 'Security Council', text: 'security council', field: 'summary', position: 4, rule: 'body' },
        ],
      },
    ],
    ...overrides,
  };
}

export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    subscriberId: 'sub-1',
    topics: ['un-meeting'],
    channels: [{ kind: 'webhook', channelId: 'hook-1', url: 'https://hooks.example.org/news', format: 'json' }],
    minScore: 0,
    state: 'active',
    ...overrides,
  };
}

/** A Standard Webhooks secret: `whsec_` + base64 of 24 bytes derived from a seed. */
export function webhookSecret(seed: number): string {
  return `whsec_${Buffer.alloc(24, seed).toString('base64')}`;
}
