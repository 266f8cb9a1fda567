import type { AlertMessage, NewsItem, StoryMember } from '../messages/schemas.ts';
import type {
  ChannelStatus,
  DigestCadence,
  FeedRecord,
  PollIntervalReason,
  StoryFingerprint,
  Subscriber,
  SubscriberState,
  WebSubSubscription,
} from './records.ts';

/**
 * Storage ports. Domain code receives these as arguments and never imports `@aws-sdk/*`; the
 * DynamoDB adapters in `shared/store/dynamodb/` implement them (against AWS, LocalStack,
 * dynalite or DynamoDB Local alike).
 */

/** One page of one due-index shard. */
export interface DueFeedPage {
  /** Enabled feeds due at or before the horizon, earliest first. */
  feeds: FeedRecord[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface FeedStore {
  /** Partitions of the due index (shards `0..dueShards-1`): planners may read them in parallel. */
  readonly dueShards: number;
  /**
   * One page of a due-index shard: enabled feeds whose `nextPollAt` is at or before `before`,
   * earliest first, by Query (no scan). The index lags writes a moment, so a listed feed may
   * already be claimed: `claimPoll` is the authority.
   */
  pageDueFeeds(shard: number, before: Date, page: { cursor?: string; limit: number }): Promise<DueFeedPage>;
  /**
   * Puts every enabled feed that has no due-index shard (a row written before the index existed)
   * into the index, by one Scan; returns how many. `applyConfig` runs it, so `apply-config` (and
   * `run`) migrate an older table.
   */
  indexUnindexedFeeds(): Promise<number>;
  listFeeds(): Promise<FeedRecord[]>;
  getFeed(feedId: string): Promise<FeedRecord | undefined>;
  /**
   * Inserts or replaces the feed's definition (url, title, interval, longest interval, id policy, tags), keeping its
   * poll state; a changed URL drops the old URL's validators (ETag / Last-Modified). With
   * `options.reset` (an operator adding the feed again) health is reset too: re-enabled,
   * errors cleared, due at once.
   */
  upsertFeed(
    feed: Pick<FeedRecord, 'feedId' | 'url' | 'title' | 'intervalMinutes'> &
      Partial<Pick<FeedRecord, 'idPolicy' | 'maxIntervalMinutes' | 'tags'>>,
    now: Date,
    options?: { reset?: boolean },
  ): Promise<void>;
  removeFeed(feedId: string): Promise<void>;
  /**
   * Moves `nextPollAt` forward only if it still equals `expectedNextPollAt`, so two planners
   * running at once enqueue a feed once. Returns false when another planner won.
   */
  claimPoll(feedId: string, expectedNextPollAt: string, nextPollAt: string): Promise<boolean>;
  /**
   * A successful poll: errors reset (and any backoff), validators stored; optionally the next
   * poll time and the adaptive interval chosen with its reason, and how many new items it found
   * (added to `itemsSeen`).
   */
  recordPollSuccess(
    feedId: string,
    outcome: {
      at: string;
      etag?: string;
      lastModified?: string;
      title?: string;
      nextPollAt?: string;
      pollIntervalMinutes?: number;
      pollIntervalReason?: PollIntervalReason;
      newItems?: number;
    },
  ): Promise<void>;
  /**
   * A failed poll: error and time recorded, errors counted, the backoff before the next try and
   * its reason kept (the healthy interval stays for after recovery); `disable` (HTTP 410) stops
   * polling it.
   */
  recordPollFailure(
    feedId: string,
    outcome: {
      at: string;
      error: string;
      nextPollAt: string;
      backoffMinutes?: number;
      pollIntervalReason?: Extract<PollIntervalReason, 'backoff' | 'retry-after'>;
      disable?: boolean;
    },
  ): Promise<void>;
  /** Replaces the feed's WebSub subscription (a new hub or topic); false when the feed is gone. */
  putWebSub(feedId: string, subscription: WebSubSubscription): Promise<boolean>;
  /**
   * Changes fields of the feed's WebSub subscription, only while it is still the one to `topic`
   * at `hub` (a concurrent change of hub is never overwritten); `countRefusedPush` adds one to
   * `refusedPushes`. False when there is no such subscription (any more).
   */
  updateWebSub(feedId: string, change: WebSubChange): Promise<boolean>;
}

/** A change of a feed's WebSub subscription (see `FeedStore.updateWebSub`). */
export interface WebSubChange {
  /** The subscription the change is for. */
  hub: string;
  topic: string;
  set?: Partial<Omit<WebSubSubscription, 'hub' | 'topic' | 'secret'>>;
  remove?: (keyof Omit<WebSubSubscription, 'hub' | 'topic' | 'secret' | 'state' | 'requestedAt'>)[];
  countRefusedPush?: boolean;
}

/**
 * Outcome of claiming an item key: new (ours), already fully handled, another poller's right now
 * (it sends the alert), or left pending by a poller whose lease ran out (ours to finish).
 */
export type ItemClaim = 'new' | 'done' | 'busy' | 'pending';

/** The items already seen, so each is alerted once however many pollers read its feed. */
export interface SeenItemStore {
  /** Which of these keys are already recorded (and whether done); batched reads, no writes. */
  findSeen(itemKeys: string[]): Promise<Map<string, 'done' | 'pending'>>;
  /**
   * Records the key as pending with a lease of `leaseSeconds` (conditional write, so of pollers
   * racing for a new key exactly one gets 'new'). A key another poller claimed less than
   * `leaseSeconds` ago is 'busy'; a pending key whose lease ran out or was released is taken over
   * as 'pending'; a done key is 'done'.
   */
  claim(itemKey: string, expiresAt: number, leaseSeconds: number): Promise<ItemClaim>;
  /** Gives up this poller's lease on a pending key (its send failed), so a retry may take it at once. */
  release(itemKey: string): Promise<void>;
  /**
   * Marks the keys done once their alerts are durably queued: one batched write (a done marker
   * is final, written whole with its `expiresAt`). With `release`, ends that feed lease in the
   * same write (only while it certainly still holds).
   */
  markDone(itemKeys: string[], expiresAt: number, release?: FeedLease): Promise<void>;
  /**
   * Takes the lease on a feed's items for `leaseSeconds` (one conditional write): while a poller
   * holds it, no other handles the feed's items (item keys are per feed), so it claims them
   * without a write each. With `renew`, extends that lease if it still holds. Undefined while
   * another poller holds the feed.
   */
  leaseFeed(feedId: string, leaseSeconds: number, renew?: FeedLease): Promise<FeedLease | undefined>;
  /** Ends the lease, if it is still this one. */
  releaseFeed(lease: FeedLease): Promise<void>;
  /**
   * The live markers of these keys by a consistent read (batched): done, or pending with the
   * start of its claim's lease (absent once released).
   */
  readMarkers(itemKeys: string[]): Promise<Map<string, { status: 'done' | 'pending'; claimedAt?: number }>>;
  /**
   * Records these keys pending with no lease (one batched write): their holder's send failed,
   * so the next poller takes them over with `claim`, as after `release`.
   */
  markReleased(itemKeys: string[], expiresAt: number): Promise<void>;
}

/** A poller's lease on one feed's items (see `SeenItemStore.leaseFeed`). */
export interface FeedLease {
  feedId: string;
  /** Tells this lease from any other on the feed. */
  token: string;
  /** When it was taken or last renewed (epoch seconds). */
  takenAt: number;
}

export interface SubscriberPage {
  subscribers: Subscriber[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface SubscriptionStore {
  /** Writes the subscriber's rows (one per topic) and removes rows for topics it left. */
  putSubscriber(subscriber: Subscriber): Promise<void>;
  removeSubscriber(subscriberId: string): Promise<boolean>;
  getSubscriber(subscriberId: string): Promise<Subscriber | undefined>;
  listSubscribers(): Promise<Subscriber[]>;
  /**
   * Shards of each topic's subscribers (`0..topicShards-1`): a subscriber is in the same shard
   * on every topic, so each shard can be fanned out on its own, in parallel.
   */
  readonly topicShards: number;
  /**
   * One page of a topic's subscribers, by Query: of one shard when `shard` is given (fan-out's
   * slices), else of every shard in turn (the cursor carries where it stopped).
   */
  pageByTopic(topicId: string, options: { shard?: number; cursor?: string; limit: number }): Promise<SubscriberPage>;
  /**
   * Changes a subscriber's state and channel statuses in place, on every row, leaving the rest
   * of the subscriber as it is (a pause or an unsubscribe must not race a config re-apply into
   * losing either). A `channelStatus` entry of `null` clears that channel's status. Returns
   * false when there is no such subscriber.
   */
  updateStatus(subscriberId: string, change: SubscriberStatusChange): Promise<boolean>;
  /** The subscriber's access record (its manage-token version and pending request), if any. */
  getAccess(subscriberId: string): Promise<SubscriberAccess | undefined>;
  /**
   * Changes the access record in one write (creating it if need be). With `ifNonce`, only when
   * its pending request has that nonce: false otherwise, so one confirmation link takes its
   * request at most once, however many times it is posted at once.
   */
  updateAccess(subscriberId: string, change: SubscriberAccessChange, options?: { ifNonce?: string }): Promise<boolean>;
}

/** A subscribe request waiting for its confirmation: the subscriber it would make active, and its nonce. */
export interface SubscribeRequest {
  subscriber: Subscriber;
  /** Carried by the request's confirmation link and by no other: only that link confirms it. */
  nonce: string;
  /** Epoch seconds after which it can no longer be confirmed. */
  expiresAt: number;
}

/**
 * What guards a subscriber's links, kept apart from the subscriber's rows so that a subscribe
 * request never touches a subscription until it is confirmed: the version manage tokens must
 * carry (a new one revokes every token issued before), and the pending subscribe request.
 */
export interface SubscriberAccess {
  tokenVersion?: string;
  request?: SubscribeRequest;
}

export interface SubscriberAccessChange {
  tokenVersion?: string;
  /** The new pending request (replacing any earlier one), or null to remove it. */
  request?: SubscribeRequest | null;
  /** Epoch seconds at which the whole record expires (a request for no subscriber), or null for never. */
  expiresAt?: number | null;
}

export interface SubscriberStatusChange {
  state?: SubscriberState;
  /** Why; stored as `stateReason`. */
  reason?: string;
  channelStatus?: Record<string, ChannelStatus | null>;
}

/**
 * A claim on a delivery's marker: who holds it (a token unique to one attempt) and for how long.
 * A live holder may be sending right now; nobody else sends until the lease has run out.
 */
export interface DeliveryLease {
  /** Unique to one attempt (one handler call), never reused: a duplicate message gets its own. */
  owner: string;
  /** How long the claim holds, from now. */
  leaseMs: number;
}

/**
 * Outcome of starting a delivery: `new` (claimed, first time); `taken-over` (started earlier and
 * never confirmed, its lease run out: claimed now, send again); `sent` (sent or failed for good:
 * do not send); `busy` (another attempt holds a live lease and may be sending: do not send now,
 * look again after `leaseEndsAt`).
 */
export type DeliveryClaim = { status: 'new' } | { status: 'taken-over' } | { status: 'sent' } | { status: 'busy'; leaseEndsAt: Date };

export interface DeliveryStore {
  /**
   * Conditional write of the delivery's idempotency key with a lease for `lease.owner`; a marker
   * left `in-progress` whose lease ran out is taken over by a write conditional on that lease,
   * so of two takers only one wins.
   */
  begin(deliveryKey: string, expiresAt: number, lease: DeliveryLease): Promise<DeliveryClaim>;
  /**
   * Extends the lease `lease.owner` holds to `lease.leaseMs` from now (right before a send, to
   * cover it); false when the owner no longer holds it (another attempt took over, or it ended).
   */
  renewLease(deliveryKey: string, lease: DeliveryLease): Promise<boolean>;
  /**
   * Ends the lease `owner` holds on a marker still `in-progress` (its attempt failed and will be
   * retried), so the retry need not wait it out; a no-op when someone else holds it.
   */
  releaseLease(deliveryKey: string, owner: string): Promise<void>;
  /**
   * Records the delivery as sent; with the item's publication (or first-seen) and fetch times,
   * so each delivery keeps its time-to-alert.
   */
  markSent(deliveryKey: string, detail: { at: string; status?: number; publishedAt?: string; fetchedAt?: string }): Promise<void>;
  /** Records a permanent failure (no retry will help), so nothing is dropped silently. */
  markFailed(deliveryKey: string, detail: { at: string; error: string }): Promise<void>;
  /** Records a failed attempt that will be retried: what `dlq list` shows as the reason. */
  recordAttempt(deliveryKey: string, detail: { at: string; error: string; attempt: number }): Promise<void>;
  /** What is recorded about a delivery, if anything. */
  getDelivery(deliveryKey: string): Promise<DeliveryRecord | undefined>;
  /**
   * Pacing: takes the next send slot of a lane (e.g. one Slack webhook URL) if at least
   * `intervalMs` passed since the last one, by conditional write so every sender shares it;
   * otherwise says how long to wait.
   */
  claimSendSlot(laneKey: string, intervalMs: number): Promise<{ granted: true } | { granted: false; waitMs: number }>;
  /**
   * Counts a permanent failure of a channel (`<subscriberId>#<channelId>`) within a rolling
   * window; returns the count so far in the window, this one included.
   */
  countChannelFailure(channelKey: string, detail: { at: string; windowSeconds: number }): Promise<number>;
}

export interface DeliveryRecord {
  deliveryKey: string;
  status: 'in-progress' | 'sent' | 'failed';
  attempts?: number;
  lastError?: string;
  lastAttemptAt?: string;
  sentAt?: string;
  /** When the item was published (or first seen, when its feed gave no date). */
  publishedAt?: string;
  /** When the document that brought it was fetched (or pushed to us). */
  fetchedAt?: string;
  failedAt?: string;
  error?: string;
}

/** One story waiting in a subscriber channel's digest. */
export interface DigestEntry {
  subscriberId: string;
  channelId: string;
  storyId: string;
  /** When fan-out added it: a digest takes the entries added before its due time. */
  addedAt: string;
  item: NewsItem;
  /** The topics of the story that reach this subscriber: the "why". */
  topics: AlertMessage['topics'];
  /** Other items of the story known at fan-out ("also reported by"). */
  storyMembers?: StoryMember[];
}

/** A channel's pending digest: due at `dueAt`; `touchedAt` changes with every entry added. */
export interface DigestHead {
  subscriberId: string;
  channelId: string;
  cadence: DigestCadence;
  dueAt: string;
  touchedAt: string;
}

export interface DigestStore {
  /**
   * Adds a story to a channel's digest once (conditional write; a repeat is `'exists'`), and
   * makes sure the channel's digest is scheduled: `dueAt` is kept if one is pending.
   */
  addEntry(entry: DigestEntry, schedule: { cadence: DigestCadence; dueAt: string }): Promise<'added' | 'exists'>;
  /** Partitions of the due index (shards `0..dueShards-1`): they can be read in parallel. */
  readonly dueShards: number;
  /** One page of a due-index shard: heads due at or before `now`, earliest first (the index lags a moment). */
  pageDue(shard: number, now: Date, page: { cursor?: string; limit: number }): Promise<{ heads: DigestHead[]; nextCursor?: string }>;
  /**
   * Takes the head's digest for sending until `until` (conditional write: its due time unchanged
   * and no other lease running at `now`), so a digest waiting in the queue is not queued again by
   * the next run. False when it is taken or no longer due as read.
   */
  claimDue(head: DigestHead, until: string, now: string): Promise<boolean>;
  /** The channel's current head (consistent read), if a digest is pending. */
  getHead(subscriberId: string, channelId: string): Promise<DigestHead | undefined>;
  /** The channel's unsent entries, oldest first, at most `limit` (consistent read). */
  listEntries(subscriberId: string, channelId: string, limit: number): Promise<DigestEntry[]>;
  /**
   * Marks entries as sent in a digest. They stay behind, stripped to a small tombstone, until
   * they expire, so a redelivered alert cannot add the same story to a later digest.
   */
  markEntriesSent(subscriberId: string, channelId: string, storyIds: string[], at: string): Promise<void>;
  /**
   * Ends the window of `head` after its digest was queued: with entries left it moves `dueAt`
   * to `nextDueAt`; without, it removes the head unless an entry was added since `head` was read
   * (then it reschedules too). Returns what it did.
   */
  closeWindow(head: DigestHead, next: { remaining: boolean; nextDueAt: string }): Promise<'removed' | 'rescheduled'>;
}

export interface TopicStore {
  /** User-defined topics (raw topic-file objects, validated by the classifier's schema). */
  listUserTopics(): Promise<unknown[]>;
  putUserTopic(topic: { id: string } & Record<string, unknown>): Promise<void>;
}

/** A counter in a fixed time window: how many hits `key` had in it so far. */
export interface RateLimitCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends (and the count starts again from zero). */
  windowEndsAt: Date;
}

export interface RateLimitStore {
  /**
   * Counts one hit against `key` in the fixed window of `windowSeconds` that contains `now`, by
   * an atomic increment (no read-then-write race), and returns the window's count. Rows expire
   * by TTL once their window is over.
   */
  hit(key: string, windowSeconds: number, now: Date): Promise<RateLimitCount>;
}

export type { StoryMember } from '../messages/schemas.ts';

/** A story: items from one or several feeds reporting the same occurrence. */
export interface StoryRecord {
  /** The founding item's key (stable, so a retried creation finds its story). */
  storyId: string;
  createdAt: string;
  /** Time of the latest member (epoch seconds). */
  lastAt: number;
  /** Listed members, oldest first, founder included (at most the store's listing cap). */
  members: StoryMember[];
  /** Members that joined beyond the listing cap (counted, not listed). */
  unlistedMembers: number;
  /** Fingerprints of the first members, which later items are compared with. */
  fingerprints: { itemKey: string; fingerprint: StoryFingerprint }[];
  /** Topics an alert of this story was already queued for. */
  alertedTopics: string[];
  /** When the story expires (epoch seconds): the retention after its latest member. */
  expiresAt: number;
}

/** The order a `StoryRecord` lists its members in: oldest first, ties by item key. */
export function compareStoryMembers(a: StoryMember, b: StoryMember): number {
  return a.addedAt.localeCompare(b.addedAt) || a.itemKey.localeCompare(b.itemKey);
}

/** The order a `StoryRecord` lists its fingerprints in: earliest first, ties by item key. */
export function compareStoryFingerprints(a: StoryRecord['fingerprints'][number], b: StoryRecord['fingerprints'][number]): number {
  return a.fingerprint.at - b.fingerprint.at || a.itemKey.localeCompare(b.itemKey);
}

/** One story listed under a lookup key, with the time it was listed (epoch seconds). */
export interface StoryPosting {
  storyId: string;
  at: number;
}

/** Stories to list under one lookup key, and the expiry of its row. */
export interface KeyListing {
  key: string;
  expiresAt: number;
  stories: StoryPosting[];
}

/** Members joining one story together: each listed when `list`, else counted; its fingerprint kept when given. */
export interface StoryJoin {
  members: { member: StoryMember; fingerprint?: StoryFingerprint; list: boolean }[];
  /** The story's time of its latest member, after these joined. */
  lastAt: number;
  expiresAt: number;
}

/**
 * Story storage for near-duplicate clustering. Every method is bounded: a lookup is one batched
 * read of key rows and one of story rows; every write touches one row (`index` one per key).
 */
export interface StoryStore {
  /** The stories listed under each key (keys without a row are absent): one batched read. */
  readIndex(keys: string[]): Promise<Map<string, StoryPosting[]>>;
  /** Stories by id (missing or expired ones are left out): one batched read. */
  getStories(storyIds: string[]): Promise<StoryRecord[]>;
  getStory(storyId: string): Promise<StoryRecord | undefined>;
  /** The story's listed members, oldest first (empty when there is no such story). */
  listMembers(storyId: string): Promise<StoryMember[]>;
  /**
   * Creates the story with its founding member, by conditional write on the founder's place
   * (so founding is also the founder's placement). When the place is taken already (a retry
   * after a crash), returns the stored story with `created: false`, or, when an earlier run
   * placed the item in another story, that story's id (`memberOf`). `replacePointer`: the
   * founder's own pointer to a story that expired before it could join may be replaced.
   */
  createStory(input: {
    storyId: string;
    member: StoryMember;
    fingerprint: StoryFingerprint;
    at: number;
    expiresAt: number;
    replacePointer?: boolean;
  }): Promise<{ created: boolean; story: StoryRecord } | { created: false; memberOf: string }>;
  /**
   * Adds members to a story in one atomic write (idempotent per itemKey, but for the count of
   * unlisted ones). Returns false, adding none, when the story no longer exists (expired).
   */
  addMembers(storyId: string, join: StoryJoin): Promise<boolean>;
  /** Lists stories under keys: one atomic write per key row, each story its own attribute (none lost to a concurrent listing). */
  index(listings: KeyListing[]): Promise<void>;
  /**
   * Records the topics each story's alerts were queued for: the whole set (what was read plus
   * what was just alerted), one batched write for a poll's stories.
   */
  markAlerted(entries: { storyId: string; topics: string[] }[], expiresAt: number): Promise<void>;
  /**
   * Records that an item joined `storyId`, once (conditional write on the item's place): the
   * first placement wins and is returned to every later or concurrent caller (`first: false`),
   * so two runs placing the same item (a redelivery overlapping the first) agree on its story.
   * An item that founded a story already comes back as its founder, with the story.
   */
  placeItem(itemKey: string, storyId: string, expiresAt: number): Promise<StoryPlacement & { first: boolean; story?: StoryRecord }>;
  /**
   * Which of these items have a live place already (a story they founded or a pointer to the
   * one they joined): one batched, consistent read.
   */
  placedItems(itemKeys: string[]): Promise<Set<string>>;
  /**
   * Writes places in batched, unconditional writes: new stories (members and kept fingerprints
   * as given) and members' pointers. Only for items whose places the caller holds (their feed's
   * lease) and read absent: it is how a poll records its items' places without one conditional
   * write each.
   */
  writePlaces(places: NewPlace[]): Promise<void>;
}

/** A place `writePlaces` records: a story its founder starts (members included), or a member's pointer. */
export type NewPlace = { story: StoryRecord } | { itemKey: string; memberOf: string; expiresAt: number };

/** Where an item went: founded the story, or joined it. */
export interface StoryPlacement {
  storyId: string;
  role: 'founder' | 'member';
}

/** A story as the status page lists it under one of its topics. */
export interface Headline {
  topicId: string;
  storyId: string;
  title: string;
  link: string | null;
  source: string;
  score: number;
  /** When it was alerted (ISO 8601). */
  seenAt: string;
}

export interface HeadlineStore {
  /** Records alerted stories (one entry per topic); kept about a week. */
  record(headlines: Headline[]): Promise<void>;
  /** A topic's most recent headlines, newest first, each story once. */
  listRecent(topicId: string, limit: number): Promise<Headline[]>;
}
