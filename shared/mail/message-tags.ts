/**
 * Which subscriber channel an email went to, carried as message tags so that what the transport
 * reports later (SES bounces and complaints, with `mail.tags`) finds the channel again. SES
 * allows only `[A-Za-z0-9_-]`, at most 256 characters, in a tag value, so an id made of those
 * characters goes as `i-<id>` and any other as `b-<base64url of its UTF-8>`; an id too long for
 * either form is left out (the feedback is then reported as unmatched).
 */

/** The channel an email is for. */
export interface SubscriberChannelRef {
  subscriberId: string;
  channelId: string;
}

/** Tag names on every email sent to a subscriber channel. */
export const messageTagNames = { subscriber: 'subscriber', channel: 'channel' } as const;

const MAX_TAG_VALUE = 256;
const SAFE = /^[A-Za-z0-9_-]+$/;

/** `sub-1` → `i-sub-1`; `a.b@x` → `b-YS5iQHg`; undefined when neither fits in 256 characters. */
export function encodeTagValue(id: string): string | undefined {
  const value = SAFE.test(id) ? `i-${id}` : `b-${Buffer.from(id, 'utf8').toString('base64url')}`;
  return id.length > 0 && value.length <= MAX_TAG_VALUE ? value : undefined;
}

/** The id a tag value carries, or undefined when it is not one of ours. */
export function decodeTagValue(value: string): string | undefined {
  if (value.startsWith('i-') && value.length > 2 && SAFE.test(value)) return value.slice(2);
  if (value.startsWith('b-') && /^b-[A-Za-z0-9_-]+$/.test(value)) {
    const decoded = Buffer.from(value.slice(2), 'base64url').toString('utf8');
    // A value that is not the canonical encoding of its decoding was not written by us.
    return decoded.length > 0 && Buffer.from(decoded, 'utf8').toString('base64url') === value.slice(2) ? decoded : undefined;
  }
  return undefined;
}

/** The tags of an email to `ref`: both, or none when either id cannot be carried. */
export function channelTags(ref: SubscriberChannelRef): { name: string; value: string }[] {
  const subscriber = encodeTagValue(ref.subscriberId);
  const channel = encodeTagValue(ref.channelId);
  if (subscriber === undefined || channel === undefined) return [];
  return [
    { name: messageTagNames.subscriber, value: subscriber },
    { name: messageTagNames.channel, value: channel },
  ];
}

/** The channel named by an email's tags (SES `mail.tags`: name → values), if both are there. */
export function channelFromTags(tags: Record<string, readonly string[]> | undefined): SubscriberChannelRef | undefined {
  const subscriber = tags?.[messageTagNames.subscriber]?.[0];
  const channel = tags?.[messageTagNames.channel]?.[0];
  const subscriberId = subscriber === undefined ? undefined : decodeTagValue(subscriber);
  const channelId = channel === undefined ? undefined : decodeTagValue(channel);
  return subscriberId !== undefined && channelId !== undefined ? { subscriberId, channelId } : undefined;
}
