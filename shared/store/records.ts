import * as z from '../core/zod.ts';
import { channelSchema, isoDateTime } from '../messages/schemas.ts';

// Each schema is marked pure (see `pure` in shared/core/zod.ts): a bundle keeps only those it uses.

/** How a feed's item identities are chosen: guid/Atom id, link, or content (title + summary). */
export const feedIdPolicySchema = /* @__PURE__ */ z.enum(['auto', 'guid', 'link', 'content']);

/**
 * Why a feed is polled at the interval in use: the operator's interval, a busy feed polled more
 * often, a quiet one stretched (up to `maxIntervalMinutes`), the feed's `<ttl>`, the server's
 * `Cache-Control: max-age`, or, while failing, backoff or the server's `Retry-After`; `websub`: its
 * hub pushes its items, and polls come at the slow safety interval.
 */
export const pollIntervalReasonSchema = /* @__PURE__ */ z.enum([
  'configured',
  'busy-feed',
  'quiet-feed',
  'feed-ttl',
  'server-max-age',
  'backoff',
  'retry-after',
  'websub',
]);
export type PollIntervalReason = z.infer<typeof pollIntervalReasonSchema>;

/**
 * A feed's subscription at its WebSub hub. `secret` keys the hub's signatures of every push: it
 * is never logged nor shown (status views use shared/websub's `describeFeedDelivery`).
 */
export const webSubSubscriptionSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    hub: z.url(),
    /** The topic URL we subscribed to: the feed's `rel="self"` (else its URL). */
    topic: z.url(),
    /** HMAC key of `X-Hub-Signature`, ours alone (random, per subscription). */
    secret: z.string().check(z.minLength(16), z.maxLength(200)),
    /**
     * `pending`: asked, the hub has not verified yet; `subscribed`: verified, pushes expected until
     * `leaseExpiresAt`; `refused`: the hub answered the request with an error or denied it.
     */
    state: z.enum(['pending', 'subscribed', 'refused']),
    /** When we last asked the hub to (re)subscribe: a verification is accepted only after one. */
    requestedAt: isoDateTime,
    verifiedAt: z.optional(isoDateTime),
    leaseExpiresAt: z.optional(isoDateTime),
    /** The last verified push. */
    lastPushAt: z.optional(isoDateTime),
    /** Pushes refused (unsigned, badly signed) since the subscription began. */
    refusedPushes: z.optional(z.number().check(z.int(), z.minimum(0))),
    /** Why the hub refused, or why push is not trusted now (a safety poll found what no push brought). */
    reason: z.optional(z.string().check(z.maxLength(1000))),
    /** When a safety poll found items the hub never pushed: polling resumes until the next push. */
    silentSince: z.optional(isoDateTime),
    /** A subscription given up (a new hub or topic), whose unsubscribe the hub may verify. */
    unsubscribing: z.optional(z.object({ hub: z.url(), topic: z.url(), requestedAt: isoDateTime })),
  }),
);
export type WebSubSubscription = z.infer<typeof webSubSubscriptionSchema>;

/** A feed row: what to poll and how polling went. */
export const feedRecordSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    feedId: z.string().check(z.minLength(1)),
    url: z.url(),
    title: z.optional(z.string()),
    intervalMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(1440)),
    /** How long the operator lets a quiet feed (or a server's ttl / max-age) stretch the interval. */
    maxIntervalMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
    nextPollAt: isoDateTime,
    etag: z.optional(z.string()),
    lastModified: z.optional(z.string()),
    consecutiveErrors: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    lastError: z.optional(z.string()),
    lastSuccessAt: z.optional(isoDateTime),
    lastPolledAt: z.optional(isoDateTime),
    /** When `lastError` happened. */
    lastErrorAt: z.optional(isoDateTime),
    /** New items found since the feed was added. */
    itemsSeen: z.optional(z.number().check(z.int(), z.minimum(0))),
    /** When the last new item was found. */
    lastNewItemAt: z.optional(isoDateTime),
    /** The adaptive interval in use (publish rate, ttl, Cache-Control), minutes. */
    pollIntervalMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
    /** Why the interval in use is what it is (absent: configured). */
    pollIntervalReason: z.optional(pollIntervalReasonSchema),
    /** While failing: the backoff before the next try, minutes (removed by a success). */
    backoffMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
    /** Set when the server answered 410 Gone: never polled until an operator adds it again. */
    disabled: z.optional(z.boolean()),
    disabledReason: z.optional(z.string()),
    /** How item identities are chosen (see shared/feeds normalize-item `ItemIdPolicy`). */
    idPolicy: z.optional(feedIdPolicySchema),
    /** The feed's WebSub subscription, when its feed advertises a hub (see shared/websub). */
    websub: z.optional(webSubSubscriptionSchema),
    /** Labels for grouping (OPML categories), sorted. */
    tags: z.optional(z.array(z.string())),
  }),
);
export type FeedRecord = z.infer<typeof feedRecordSchema>;

export const subscriberStateSchema = /* @__PURE__ */ z.enum(['pending', 'active', 'paused', 'unsubscribed']);
export type SubscriberState = z.infer<typeof subscriberStateSchema>;

/** How often a channel gets news: each story at once, or a digest per hour, day or week. */
export const cadenceSchema = /* @__PURE__ */ z.enum(['instant', 'hourly', 'daily', 'weekly']);
export type Cadence = z.infer<typeof cadenceSchema>;
export type DigestCadence = Exclude<Cadence, 'instant'>;

export const weekdaySchema = /* @__PURE__ */ z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekdaySchema>;

/** An IANA time zone the runtime knows (`Europe/Kyiv`, `America/New_York`, `UTC`). */
export const timeZoneSchema = /* @__PURE__ */ z.pure(() =>
  z
    .string()
    .check(z.minLength(1), z.maxLength(64), z.refine(isKnownTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' })),
);

/**
 * A channel taken out of delivery and why: `paused` by the system (the receiver said the target
 * is gone, or kept refusing) or an operator; `unsubscribed` by its owner (one-click link).
 */
export const channelStatusSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    state: z.enum(['paused', 'unsubscribed']),
    reason: z.string().check(z.maxLength(1000)),
    at: isoDateTime,
  }),
);
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

/** A subscriber, as the config file and the CLI describe it. */
export const subscriberSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    subscriberId: z.string().check(z.minLength(1), z.maxLength(128)),
    name: z.optional(z.string()),
    topics: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    channels: z.array(channelSchema).check(z.minLength(1)),
    /** Signing secret for webhooks (`whsec_` + base64), per Standard Webhooks. */
    webhookSecret: z.optional(z.string()),
    /** The secret being rotated out: payloads carry a signature for it too until it is removed. */
    previousWebhookSecret: z.optional(z.string()),
    minScore: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
    state: z._default(subscriberStateSchema, 'active'),
    /** Why the state last changed (e.g. the receiver's answer that paused it). */
    stateReason: z.optional(z.string().check(z.maxLength(1000))),
    /** Keyword filter (classifier filter-query syntax) a story must also satisfy. */
    filter: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
    // The fields below are optional so rows and literals written before they existed stay valid;
    // shared/subscriptions reads them with their defaults.
    /** Cadence per channelId; a channel not listed is `instant`. */
    cadence: z.optional(z.record(z.string(), cadenceSchema)),
    /** Hour (0–23, in `timeZone`) at which daily and weekly digests go out; default 8. */
    deliveryHour: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(23))),
    /** Time zone of `deliveryHour`; default UTC. */
    timeZone: z.optional(timeZoneSchema),
    /** Day of the weekly digest; default Monday. */
    weeklyDay: z.optional(weekdaySchema),
    /** Channels taken out of delivery, by channelId; a channel not listed is active. */
    channelStatus: z.optional(z.record(z.string(), channelStatusSchema)),
    /**
     * Epoch seconds after which a subscriber still `pending` confirmation is deleted (the
     * subscriptions table's TTL); set by the subscribe page/API, removed on confirmation.
     */
    expiresAt: z.optional(z.number().check(z.int(), z.positive())),
  }),
);
export type Subscriber = z.infer<typeof subscriberSchema>;
export type SubscriberInput = z.input<typeof subscriberSchema>;

/** Zones found valid: building a formatter to check one costs more than the rest of a subscriber's parse. */
const knownTimeZones = new Set<string>();

function isKnownTimeZone(timeZone: string): boolean {
  // Every Intl implementation knows UTC (ECMA-402), the default zone: no formatter, so a process
  // whose subscribers all use it never loads the time zone data (18–47 ms for the first one).
  if (timeZone === 'UTC' || knownTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  // Bounded: a zone name is at most 64 characters and IANA has a few hundred.
  if (knownTimeZones.size < 1024) knownTimeZones.add(timeZone);
  return true;
}

/**
 * What the story matcher (`shared/stories/fingerprint.ts`) keeps of an item: its content words
 * and the signals that set look-alikes apart. Small (a few hundred bytes), so a story row can
 * carry those of its first members and any poller can compare against them after one read.
 * The `…Of` functions named below are in `shared/stories/signals.ts`.
 */
export const storyFingerprintSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    /** Comparison keys (stems, `#n` numbers) of title and summary, unique, title first. */
    tokens: z.array(z.string()),
    /** Keys of the title alone. */
    title: z.array(z.string()),
    /** Weekdays the event is placed on (0 = Sunday). */
    weekdays: z.array(z.number().check(z.int(), z.minimum(0), z.maximum(6))),
    /** Months named (0 = January). */
    months: z.array(z.number().check(z.int(), z.minimum(0), z.maximum(11))),
    /** Which one of a series: `time:5`, `quarter:3`. */
    ordinals: z.array(z.string()),
    /** Counted things: `vote:2`, `peopl:37`. */
    counts: z.array(z.string()),
    /** 'talks', 'tentative', 'decided', 'final', 'repeat', 'halted', 'resumed', 'endorsed': how far along (see `stagesOf`). */
    stages: z.array(z.string()),
    /** Sizes of changes in percent: "by 40 percent", "by a third" (see `changeSizesOf`). */
    changeSizes: z._default(z.array(z.number()), []),
    /** Qualified kinds: `rang:medium` (see `qualifiersOf`). Absent in rows written before it existed. */
    qualifiers: z._default(z.array(z.string()), []),
    /** Paraphrase keys of title and summary: stems read through the newsroom synonyms, `@anchor` for states and bodies. Absent in older rows. */
    terms: z._default(z.array(z.string()), []),
    /** Paraphrase keys of the title alone. */
    titleTerms: z._default(z.array(z.string()), []),
    /** Keys that name someone: states, bodies (`@russia`), capitalised words inside a sentence. Absent in older rows. */
    names: z._default(z.array(z.string()), []),
    /** States, places and bodies the headline names (see `shared/stories/vocabulary.ts`). */
    titleAnchors: z._default(z.array(z.string()), []),
    /** States, places and bodies named anywhere in headline or summary. */
    anchors: z._default(z.array(z.string()), []),
    /** Event frames of headline and lead sentence: `quake`, `council`, `coup` (see `shared/stories/event-frames.ts`). Absent in older rows. */
    frames: z._default(z.array(z.string()), []),
    /** The frames the headline itself names (its event clause): what the story is about, not its background. Absent in older rows. */
    titleFrames: z._default(z.array(z.string()), []),
    /** Headline cues: 'followup' (a toll, a confirmation, an aftermath), 'new' (another, fresh, a second one): see `cuesOf`. Absent in older rows. */
    cues: z._default(z.array(z.string()), []),
    /** When it happened, as best known: publication time, else when first seen (epoch seconds). */
    at: z.number().check(z.int()),
    /** False when `at` is when the item was seen (no publication date): a guess, not a conflict. */
    dated: z._default(z.boolean(), true),
  }),
);
export type StoryFingerprint = z.infer<typeof storyFingerprintSchema>;
