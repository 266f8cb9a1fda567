import { stripSpoofingCharacters } from '../core/display-text.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import { deliveryId } from './delivery-id.ts';

/**
 * The JSON body of a generic (`format: "json"`) webhook, version 1. Receivers should check
 * `version` and `type`, verify the Standard Webhooks signature headers, and use `id` (equal to the
 * `webhook-id` header) to drop resends of a delivery they already handled.
 *
 * Every text field (titles, summary, source, labels, matched words) is untrusted plain text from
 * a news feed: markup removed and entities decoded exactly once, so `<script>` in it is the text
 * a feed wrote, not markup we vouch for. Receivers must escape it for wherever they show it
 * (HTML, Markdown, chat); links are absolute http(s) URLs or null.
 */
export interface WebhookPayloadV1 {
  /** Payload format version; fields are only added within a version, never renamed or removed. */
  version: 1;
  /** Event type; `story.alert` is a new story matching one or more of the subscriber's topics. */
  type: 'story.alert';
  /** Delivery id, stable across retries (same as the `webhook-id` header): use it to dedup. */
  id: string;
  /**
   * `true` on a test alert an operator sent (`news-alerts subscribers test`): its story is made
   * up, nothing was recorded as delivered, and it never repeats a real one. `false` otherwise.
   */
  test: boolean;
  /** The story: the first item seen of this news. */
  story: {
    /** Story id; the same story never reaches the same channel twice. */
    id: string;
    title: string;
    /** Link to the article, or null when the feed gave none. */
    link: string | null;
    /** When the outlet published it (ISO 8601), or null when the feed did not say. */
    published: string | null;
    /** Name of the feed (outlet) it came from. */
    source: string;
    /** Plain-text summary from the feed (untrusted: escape it where you show it); may be empty. */
    summary: string;
  };
  /** The reports of this story: the first item, then others as they join the story. */
  items: { source: string; link: string | null; title: string; published: string | null }[];
  /** Why the subscriber gets it: each of their topics the story matched. */
  topics: {
    /** Topic id, e.g. `un-meeting`. */
    topic: string;
    /** Human label, e.g. `UN meeting`. */
    label: string;
    /** Classifier score in [0, 1]; at least the subscriber's minimum score. */
    score: number;
    /** The words of the story that matched the topic's phrases, as they appear in the text. */
    matched: string[];
  }[];
  /** The subscriber this delivery is for. */
  subscriber: string;
  /** When this attempt was sent (ISO 8601); differs between retries, unlike `id`. */
  sentAt: string;
  /**
   * When the item came out: its feed's date, or when we first saw it if the feed gives none
   * (ISO 8601); null on deliveries queued before this field existed. `sentAt - publishedAt` is
   * the alert's time-to-alert.
   */
  publishedAt: string | null;
  /** When we fetched the document that brought the item, or received it by WebSub push; null when unknown. */
  fetchedAt: string | null;
  /** How that document reached us: `poll` or `push` (WebSub); null when unknown. */
  fetchedBy: 'poll' | 'push' | null;
}

/** Builds the version 1 payload of one delivery (`test`: an operator's test alert). */
export function buildWebhookPayload(message: DeliveryMessage, sentAt: Date, options: { test?: boolean } = {}): WebhookPayloadV1 {
  const { item } = message;
  return {
    version: 1,
    type: 'story.alert',
    id: deliveryId(message.deliveryKey),
    test: options.test ?? false,
    story: {
      id: message.storyId,
      title: plain(item.title),
      link: item.link,
      published: item.published,
      source: plain(item.source),
      summary: plain(item.summary),
    },
    items: [
      { source: plain(item.source), link: item.link, title: plain(item.title), published: item.published },
      ...(message.storyMembers ?? [])
        .filter((member) => member.itemKey !== item.itemKey)
        .map((member) => ({ source: plain(member.source), link: member.link, title: plain(member.title), published: member.published })),
    ],
    topics: message.topics.map((match) => ({
      topic: match.topic,
      label: match.label,
      score: match.score,
      matched: matchedTexts(match.matched),
    })),
    subscriber: message.subscriberId,
    sentAt: sentAt.toISOString(),
    publishedAt: message.publishedAt ?? item.published,
    fetchedAt: message.fetchedAt ?? null,
    fetchedBy: message.fetchedBy ?? null,
  };
}

/** Feed text as the payload carries it: without characters that spoof what a reader sees (bidi overrides, zero-width). */
function plain(text: string): string {
  return stripSpoofingCharacters(text);
}

/** The distinct matched texts in order of appearance (case-insensitive), for explanations. */
export function matchedTexts(matched: DeliveryMessage['topics'][number]['matched']): string[] {
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const phrase of matched) {
    const key = phrase.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    texts.push(phrase.text);
  }
  return texts;
}

/** A realistic delivery message, for the README, docs and tests. */
export function exampleDeliveryMessage(): DeliveryMessage {
  return {
    version: 1,
    deliveryKey: 'team-desk#story-7f3a9c#desk-webhook',
    subscriberId: 'team-desk',
    channel: { kind: 'webhook', channelId: 'desk-webhook', url: 'https://hooks.example.org/news', format: 'json' },
    storyId: 'story-7f3a9c',
    item: {
      itemKey: 'un-press#4b1d0c',
      feedId: 'un-press',
      source: 'UN News',
      guid: 'https://news.un.org/en/story/2025/02/1160000',
      link: 'https://news.un.org/en/story/2025/02/1160000',
      title: 'Security Council holds emergency meeting on Ukraine',
      summary: 'The Security Council met in an emergency session on Monday at the request of several members.',
      published: '2025-02-24T15:04:00Z',
      author: null,
      categories: ['Peace and Security'],
    },
    publishedAt: '2025-02-24T15:04:00Z',
    fetchedAt: '2025-02-24T15:04:41Z',
    fetchedBy: 'poll',
    topics: [
      {
        topic: 'un-meeting',
        label: 'UN meeting',
        score: 0.92,
        matched: [
          { phrase: 'Security Council', text: 'Security Council', field: 'title', position: 0, rule: 'un-body' },
          { phrase: 'emergency meeting', text: 'emergency meeting', field: 'title', position: 23, rule: 'meeting' },
        ],
      },
    ],
  };
}

/** The payload of {@link exampleDeliveryMessage}, as a receiver would get it. */
export function exampleWebhookPayload(sentAt: Date = new Date('2025-02-24T15:05:12Z')): WebhookPayloadV1 {
  return buildWebhookPayload(exampleDeliveryMessage(), sentAt);
}
