import type { TopicEngine, TopicMatch } from '../classify/index.ts';
import type { Env } from '../config/env.ts';
import type { Clock } from '../core/clock.ts';
import { MessageDeferredError, NewsAlertsError } from '../core/errors.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import type { AlertMessage, ItemsMessage, NewsItem, StoryMember } from '../messages/schemas.ts';
import type { MessageQueue } from '../queue/ports.ts';
import type { FeedLease, ItemClaim, SeenItemStore, StoryStore } from '../store/ports.ts';
import type { assignStory, prefetchedStoryStore, prefetchStoryReads, StorySettings } from '../stories/index.ts';

export interface HandleItemsDeps {
  items: SeenItemStore;
  queue: Pick<MessageQueue, 'send'>;
  /**
   * The topic engine (only `classify` is used: any implementation of the port will do), asked
   * for at the first message: the classifier's code and the user topics load then.
   */
  engine: () => Promise<Pick<TopicEngine, 'classify'>>;
  /** Stories: a classified item that joins a story already alerted for its topics sends no alert. */
  stories: StoryStore;
  /** Overrides of the story matcher's settings (tests); the measured defaults otherwise. */
  storySettings?: StorySettings;
  clock: Clock;
  log: Log;
  events: EventSink;
  env: Pick<Env, 'ITEM_RETENTION_DAYS'>;
}

export interface HandleItemsResult {
  /** Items handled: new ones, and ones a crash had left pending. */
  new: number;
  /** Items another run had already done, or is doing right now. */
  duplicates: number;
  /** Alert messages queued. */
  alerts: number;
  /** Classified items that joined a story another item founded. */
  joined: number;
}

/** Items per claim → classify → send → markDone round. */
const SEND_BATCH = 10;
/**
 * How long a feed's items (its lease) or a claimed item belong to the run that took them:
 * longer than one claim → send → mark-done round takes (a long run renews the feed's lease at
 * half-time), shorter than the items queue's visibility timeout, so a crashed run's items are
 * taken over by the redelivery of its message and a live run's are never doubled.
 */
const CLAIM_LEASE_SECONDS = 120;

/**
 * Handles the new items of one feed that poll-feed handed on: dedup against stories, classify,
 * queue alerts, mark done.
 *
 * Nothing lost: an item is claimed ('pending') before its alert is queued and marked done only
 * after `queue.send` resolved. A crash in between leaves it pending; the redelivery of this
 * message (or a later poll's, which hands the item on again) handles it again, and deliveries
 * downstream are idempotent. Store and queue errors throw, so the message is retried.
 */
export async function handleItems(message: ItemsMessage, deps: HandleItemsDeps): Promise<HandleItemsResult> {
  const { feedId, items: candidates } = message;
  // Where the document that brought the items came from, recorded on their alerts (time-to-alert).
  const arrival = { fetchedAt: message.fetchedAt, fetchedBy: message.fetchedBy };
  const at = deps.clock.now();
  const { items: seenStore, queue, events } = deps;
  let duplicates = 0;
  let handled = 0;
  let alertCount = 0;
  let joined = 0;
  const expiresAt = Math.floor(at.getTime() / 1000) + deps.env.ITEM_RETENTION_DAYS * 24 * 60 * 60;
  const engine = await deps.engine();
  // The story matcher, like the classifier, loads at the first message (a chunk of its own in
  // classify-items' bundle).
  const matcher: StoryMatcher = await import('../stories/index.ts');

  // One lease on the feed's items instead of a claim per item: item keys are per feed, so while
  // this run holds it no other handles them. Another run holding it is handling the same feed's
  // items now: this message waits a little, then comes back later (its items are nowhere else).
  let lease = await takeFeedLease(feedId, deps);

  try {
    for (let start = 0; start < candidates.length; start += SEND_BATCH) {
      const group = candidates.slice(start, start + SEND_BATCH);
      const isLast = start + SEND_BATCH >= candidates.length;
      lease = await keepFeedLease(lease, deps);
      const claims = await claimUnderLease(group, expiresAt, deps);
      // 'done': another run finished it since poll-feed read it; 'busy': a run that claimed it
      // alone is on it now (it sends the alert); 'pending': a crashed run's, whose lease ran out,
      // ours to finish; 'new': not seen yet, ours under the feed lease.
      const claimed = group.filter((_, index) => claims[index] === 'new' || claims[index] === 'pending');
      duplicates += group.length - claimed.length;
      handled += claimed.length;

      const fresh = new Set(group.filter((_, index) => claims[index] === 'new').map((item) => item.itemKey));
      const classified = claimed.flatMap((item) => {
        const topics = engine.classify({ title: item.title, summary: item.summary });
        return topics.length > 0 ? [{ item, topics }] : [];
      });
      // The lookup rows and candidate stories of the group's classified items in batched reads,
      // not two reads per item; and the places of the items claimed new, which are then written
      // in one batch (a taken-over item may have been placed by the run that died: it is placed
      // by a conditional write, which finds that run's decision).
      const stories = matcher.prefetchedStoryStore(deps.stories, deps.clock.now());
      await Promise.all([
        matcher.prefetchStoryReads(
          classified.map(({ item }) => item),
          at,
          stories,
          deps.storySettings,
        ),
        stories.holdPlaces(classified.filter(({ item }) => fresh.has(item.itemKey)).map(({ item }) => item.itemKey)),
      ]);

      const alerts: AlertMessage[] = [];
      const alerted = new Map<string, Set<string>>();
      // One at a time: a near-duplicate later in this poll must find the story an earlier one founded.
      for (const { item, topics } of classified) {
        const placed = await placeInStory(item, topics, at, { ...deps, stories }, matcher.assignStory);
        if (placed.joined) joined += 1;
        if (placed.topics.length === 0) continue;
        alerts.push({
          version: 1,
          storyId: placed.storyId,
          item,
          topics: placed.topics,
          ...(placed.members.length > 0 ? { storyMembers: placed.members } : {}),
          publishedAt: publicationTime(item, at),
          ...arrival,
        });
        const set = alerted.get(placed.storyId) ?? new Set(placed.alertedTopics);
        for (const topic of placed.topics) set.add(topic.topic);
        alerted.set(placed.storyId, set);
      }
      try {
        // The group's decisions recorded before any of its alerts is queued, as placing one by one did.
        await stories.flush();
        if (alerts.length > 0) await queue.send('alert', alerts);
      } catch (error) {
        // Give the items and the feed back so the retry of this message takes them at once: the
        // items as released claims, which it takes over (and finds their places) one by one.
        await Promise.allSettled([
          seenStore.markReleased(
            claimed.filter((item) => fresh.has(item.itemKey)).map((item) => item.itemKey),
            expiresAt,
          ),
          ...claimed.filter((item) => !fresh.has(item.itemKey)).map((item) => seenStore.release(item.itemKey)),
        ]);
        throw error;
      }
      // Only now, with the alerts durably queued, may the stories record them and the items be
      // marked done (one batched write each); a crash before this is redone by the retry
      // (deliveries dedup per story).
      await deps.stories.markAlerted(
        [...alerted].map(([storyId, topicSet]) => ({ storyId, topics: [...topicSet].sort() })),
        expiresAt,
      );
      // The last group's done markers end the feed lease in the same write, while it surely holds.
      const releaseNow = isLast && heldFor(lease, deps) < CLAIM_LEASE_SECONDS / 2;
      await seenStore.markDone(
        claimed.map((item) => item.itemKey),
        expiresAt,
        releaseNow ? lease : undefined,
      );
      if (isLast && !releaseNow) await seenStore.releaseFeed(lease);

      alertCount += alerts.length;
      for (const alert of alerts) {
        events.emit({
          type: 'alert',
          storyId: alert.storyId,
          feedId,
          title: alert.item.title,
          link: alert.item.link,
          topics: alert.topics.map((t) => ({ topic: t.topic, score: t.score, matched: t.matched.map((m) => m.phrase) })),
        });
      }
    }
  } catch (error) {
    // The feed back at once for the retry (store and queue errors), rather than when the lease runs out.
    await Promise.allSettled([seenStore.releaseFeed(lease)]);
    throw error;
  }
  return { new: handled, duplicates, alerts: alertCount, joined };
}

/** What handling takes of the story matcher (shared/stories), imported at the first message. */
interface StoryMatcher {
  assignStory: typeof assignStory;
  prefetchedStoryStore: typeof prefetchedStoryStore;
  prefetchStoryReads: typeof prefetchStoryReads;
}

/** Attempts at a feed lease another run holds, and the pause between them. */
const LEASE_ATTEMPTS = 10;
const LEASE_PAUSE_MS = 200;
/**
 * When a message whose feed stayed busy comes back. A few returns outlast a crashed holder's
 * lease (the items queue's `maxReceiveCount` allows for that before dead-lettering).
 */
const BUSY_RETRY_SECONDS = 30;

/**
 * The feed's item lease. If another run keeps it for a couple of seconds (the same items handed
 * on twice, or another message of the same poll), the message is handed back: a
 * MessageDeferredError, nothing lost, since the items are in the message.
 */
async function takeFeedLease(feedId: string, deps: HandleItemsDeps): Promise<FeedLease> {
  for (let attempt = 1; attempt <= LEASE_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, LEASE_PAUSE_MS));
    const lease = await deps.items.leaseFeed(feedId, CLAIM_LEASE_SECONDS);
    if (lease) return lease;
  }
  throw new MessageDeferredError(`items handed back: another run holds the feed's items right now (${feedId})`, BUSY_RETRY_SECONDS);
}

/** Seconds since the lease was taken or renewed. */
function heldFor(lease: FeedLease, deps: HandleItemsDeps): number {
  return Math.floor(deps.clock.now().getTime() / 1000) - lease.takenAt;
}

/** Renews the lease once half of it has run (a poll of hundreds of items); fails if it was lost. */
async function keepFeedLease(lease: FeedLease, deps: HandleItemsDeps): Promise<FeedLease> {
  if (heldFor(lease, deps) < CLAIM_LEASE_SECONDS / 2) return lease;
  const renewed = await deps.items.leaseFeed(lease.feedId, CLAIM_LEASE_SECONDS, lease);
  if (renewed) return renewed;
  throw new NewsAlertsError(
    `handling a feed's items failed: its item lease ran out and another run took it; the message is retried (${lease.feedId})`,
    {
      retryable: true,
    },
  );
}

/**
 * The claims of a group under the feed lease, from one consistent read of its markers: a key
 * with no marker is ours ('new') with no write; a pending one (a run that claimed it alone,
 * or released it) goes through `claim`, which honours that claim's own lease.
 */
async function claimUnderLease(group: NewsItem[], expiresAt: number, deps: HandleItemsDeps): Promise<ItemClaim[]> {
  const markers = await deps.items.readMarkers(group.map((item) => item.itemKey));
  return Promise.all(
    group.map(async (item): Promise<ItemClaim> => {
      const marker = markers.get(item.itemKey);
      if (!marker) return 'new';
      if (marker.status === 'done') return 'done';
      return deps.items.claim(item.itemKey, expiresAt, CLAIM_LEASE_SECONDS);
    }),
  );
}

/**
 * When the item came out, as far as we can tell: its feed's date, or when this poll saw it if the
 * feed gives none. A date after that is the feed's clock being wrong, so it is capped there.
 */
function publicationTime(item: NewsItem, seenAt: Date): string {
  const published = item.published === null ? Number.NaN : Date.parse(item.published);
  return Number.isFinite(published) && published < seenAt.getTime() ? new Date(published).toISOString() : seenAt.toISOString();
}

/**
 * The story of a classified item and the topics it still has to alert: all of them when it
 * founds the story, those the story was not alerted for yet when it joins one. Only classified
 * items are clustered: an item no topic wants alerts nobody, so it is not worth the writes.
 */
async function placeInStory(
  item: NewsItem,
  topics: TopicMatch[],
  at: Date,
  deps: HandleItemsDeps,
  assign: StoryMatcher['assignStory'],
): Promise<{ storyId: string; topics: TopicMatch[]; members: StoryMember[]; joined: boolean; alertedTopics: string[] }> {
  const placed = await assign(item, at, {
    stories: deps.stories,
    retentionSeconds: deps.env.ITEM_RETENTION_DAYS * 24 * 60 * 60,
    ...(deps.storySettings ? { settings: deps.storySettings } : {}),
  });
  const members = placed.story.members.filter((member) => member.itemKey !== item.itemKey).slice(0, 50);
  const alertedTopics = placed.story.alertedTopics;
  if (placed.role === 'founder') return { storyId: placed.storyId, topics, members, joined: false, alertedTopics };
  const alerted = new Set(placed.story.alertedTopics);
  if (!placed.resumed) {
    deps.log.info('item joined a story', { itemKey: item.itemKey, storyId: placed.storyId, score: placed.score });
  }
  return {
    storyId: placed.storyId,
    topics: topics.filter((t) => !alerted.has(t.topic)),
    members,
    joined: !placed.resumed,
    alertedTopics,
  };
}
