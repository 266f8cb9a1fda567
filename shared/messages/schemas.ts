import * as z from '../core/zod.ts';

/**
 * Schemas of every queue message and stored row shared between stages. A message that fails
 * its schema is a permanent failure (it goes to the DLQ, never loops). Each is marked pure (see
 * `pure` in shared/core/zod.ts): a bundle keeps only the schemas it uses.
 */

export const isoDateTime = /* @__PURE__ */ z.isoDateTime({ offset: true });

/** A normalized feed item, as poll-feed emits it. */
export const newsItemSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    /** Stable key: `<feedId>#<hash of the feed's id policy>`. */
    itemKey: z.string().check(z.minLength(1), z.maxLength(512)),
    feedId: z.string().check(z.minLength(1)),
    /** Title of the feed the item came from (the outlet), for "reported by". */
    source: z.string(),
    guid: z.nullable(z.string()),
    link: z.nullable(z.url()),
    title: z.string(),
    summary: z.string(),
    published: z.nullable(isoDateTime),
    author: z.nullable(z.string()),
    categories: z.array(z.string()),
  }),
);
export type NewsItem = z.infer<typeof newsItemSchema>;

export const matchedPhraseSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    phrase: z.string(),
    text: z.string(),
    field: z.enum(['title', 'summary']),
    position: z.number().check(z.int(), z.minimum(0)),
    rule: z.string(),
  }),
);

export const topicMatchSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    topic: z.string().check(z.minLength(1)),
    label: z.string(),
    score: z.number().check(z.minimum(0), z.maximum(1)),
    matched: z.array(matchedPhraseSchema),
  }),
);

export const pollMessageSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    feedId: z.string().check(z.minLength(1)),
    /** When plan-polls enqueued it; used for lag figures. */
    plannedAt: isoDateTime,
    /**
     * A verified WebSub push: the document the hub sent, handled as a poll that brought it (no
     * fetch). Base64 of the bytes as received; absent on scheduled polls.
     */
    push: z.optional(
      z.object({
        body: z.base64().check(z.minLength(1)),
        contentType: z.optional(z.string().check(z.maxLength(200))),
        /** When our callback received it: the item's fetch time. */
        receivedAt: isoDateTime,
      }),
    ),
  }),
);
export type PollMessage = z.infer<typeof pollMessageSchema>;

/** Items handled per poll, all of which one items message may carry; a feed with more (a dump of its archive) gets the rest next time. */
export const MAX_ITEMS_PER_POLL = 500;

/**
 * New items of one feed, read by poll-feed and handed to classify-items: dedup against stories,
 * classify, alert. The items are the message's whole content (nothing else keeps them until
 * they are marked done), so a message is only ever retried, never dropped.
 */
export const itemsMessageSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    version: z.literal(1),
    feedId: z.string().check(z.minLength(1)),
    items: z.array(newsItemSchema).check(z.minLength(1), z.maxLength(MAX_ITEMS_PER_POLL)),
    /** When poll-feed fetched the document (or our callback received the push) that brought them. */
    fetchedAt: isoDateTime,
    /** How that document came: a scheduled poll or a WebSub push. */
    fetchedBy: z.enum(['poll', 'push']),
  }),
);
export type ItemsMessage = z.infer<typeof itemsMessageSchema>;

/** One item of a story: who else reported it, for "also reported by". */
export const storyMemberSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    itemKey: z.string().check(z.minLength(1)),
    feedId: z.string().check(z.minLength(1)),
    /** The outlet (feed title). */
    source: z.string(),
    title: z.string(),
    link: z.nullable(z.url()),
    published: z.nullable(isoDateTime),
    /** When the item joined the story. */
    addedAt: isoDateTime,
  }),
);
export type StoryMember = z.infer<typeof storyMemberSchema>;

/**
 * What an alert says of its story, and what each of its deliveries carries on: one shape for both
 * messages. A function, so that each schema below builds it inside its own pure thunk (a bundle
 * that uses neither keeps none of it).
 */
function storyAlertFields() {
  return {
    /** Story id: the idempotency key of every delivery of this alert. */
    storyId: z.string().check(z.minLength(1)),
    item: newsItemSchema,
    topics: z.array(topicMatchSchema).check(z.minLength(1)),
    /**
     * Other items of the story known when the alert was queued (absent when none): "also reported
     * by". Later members are read with `StoryStore.listMembers`.
     */
    storyMembers: z.optional(z.array(storyMemberSchema).check(z.maxLength(50))),
    /**
     * When the item was published: its feed's date, or when poll-feed first saw it if the feed gave
     * none. The start of the publication-to-delivery metric; absent on messages queued before it.
     */
    publishedAt: z.optional(isoDateTime),
    /** When poll-feed fetched the document (or our callback received the push) that brought the item. */
    fetchedAt: z.optional(isoDateTime),
    /** How that document came: a scheduled poll or a WebSub push. */
    fetchedBy: z.optional(z.enum(['poll', 'push'])),
  };
}

/** One new story, classified, on its way to fan-out. */
export const alertMessageSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    version: z.literal(1),
    ...storyAlertFields(),
    /**
     * Fan-out slice: the subscriber shard this message covers (set on the follow-up messages of a
     * large audience, one per shard, which run in parallel); absent: every shard, from the first.
     */
    slice: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1000))),
    /** Fan-out continuation: which topic and page of the slice (shard 0 when absent) to resume from. */
    cursor: z.optional(z.object({ topicIndex: z.number().check(z.int(), z.minimum(0)), exclusiveStartKey: z.optional(z.string()) })),
  }),
);
export type AlertMessage = z.infer<typeof alertMessageSchema>;

export const webhookChannelSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    kind: z.literal('webhook'),
    channelId: z.string().check(z.minLength(1)),
    url: z.url(),
    format: z._default(z.enum(['json', 'slack']), 'json'),
  }),
);
/** RFC 5321 §4.5.3.1: a local part of at most 64 octets, a domain of at most 255 (labels of 63). */
const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 5321's path limit of 256 octets less the angle brackets: the longest address that can be sent to. */
const MAX_EMAIL_LENGTH = 254;

/**
 * An email address mail servers accept: zod's address syntax within the RFC 5321 limits, so an
 * address SES would refuse at send time is refused when it is given instead.
 */
export const emailAddressSchema = /* @__PURE__ */ z.pure(() =>
  z.email().check(
    z.maxLength(MAX_EMAIL_LENGTH, `an email address has at most ${MAX_EMAIL_LENGTH} characters (RFC 5321)`),
    z.superRefine((address, context) => {
      const at = address.lastIndexOf('@');
      const local = address.slice(0, at);
      const domain = address.slice(at + 1);
      if (local.length > MAX_LOCAL_PART_LENGTH) {
        context.addIssue({
          code: 'custom',
          message: `the part before @ has ${local.length} characters; at most ${MAX_LOCAL_PART_LENGTH} (RFC 5321)`,
        });
      }
      if (domain.split('.').some((label) => label.length > 63)) {
        context.addIssue({ code: 'custom', message: 'a part of the domain is longer than 63 characters (RFC 1035)' });
      }
    }),
  ),
);

export const emailChannelSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    kind: z.literal('email'),
    channelId: z.string().check(z.minLength(1)),
    address: emailAddressSchema,
  }),
);
export const channelSchema = /* @__PURE__ */ z.discriminatedUnion('kind', [webhookChannelSchema, emailChannelSchema]);
export type Channel = z.infer<typeof channelSchema>;
export type WebhookChannel = z.infer<typeof webhookChannelSchema>;
export type EmailChannel = z.infer<typeof emailChannelSchema>;

/** One delivery of one story to one channel of one subscriber. */
export const deliveryMessageSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    version: z.literal(1),
    /** `<subscriberId>#<storyId>#<channelId>`: the delivery's idempotency key and webhook-id. */
    deliveryKey: z.string().check(z.minLength(1)),
    subscriberId: z.string().check(z.minLength(1)),
    channel: channelSchema,
    /** The story, its item and topics, and the rest as on the alert. */
    ...storyAlertFields(),
  }),
);
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;
