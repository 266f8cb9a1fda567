import type { KeyListing, StoryMember, StoryRecord, StoryStore } from '../store/ports.ts';
import type { PrefetchedStoryStore } from './prefetched-story-store.ts';
import type { StoryFingerprint } from '../store/records.ts';
import { fingerprintItem } from './fingerprint.ts';
import { indexKeys, keyExpiry, lookupKeys, sketchOf } from './lookup-keys.ts';
import { defaultStorySettings, type StorySettings } from './settings.ts';
import { compareFingerprints } from './similarity.ts';

/** What the matcher needs of an item (a `NewsItem` has all of it). */
export interface StoryItem {
  itemKey: string;
  feedId: string;
  source: string;
  title: string;
  summary?: string | null;
  link: string | null;
  published: string | null;
}

export interface AssignStoryDeps {
  stories: StoryStore;
  /** How long a story is kept after its latest member (seconds): as long as the item markers. */
  retentionSeconds: number;
  settings?: StorySettings;
}

export interface StoryAssignment {
  storyId: string;
  /** 'founder': the item started the story; 'member': it joined an existing one. */
  role: 'founder' | 'member';
  /** The story as read before this item joined (for a founder: as created). */
  story: StoryRecord;
  /** True when a previous attempt (a crash, a redelivery) had already placed the item. */
  resumed: boolean;
  /** How well the item matched the story it joined (members only). */
  score?: number;
}

/**
 * Places an item in a story: the one clustering decision, used by the pipeline (DynamoDB store)
 * and the `stories` command (in-memory store) alike.
 *
 * Bounded: one batched read of the item's lookup keys (its MinHash sketch, in the day buckets of
 * the story window up to the poll's day), one batched read of at most `maxCandidates` stories (those sharing the most
 * keys), then one conditional write founding the story in the item's place (or a pointer to
 * the story it joins and one write to that story), and one per listed lookup key (`indexSize`). The item joins the best-scoring
 * candidate at or above the threshold against which none of the kept member fingerprints has a
 * conflict (time, count, stage …: see `compareFingerprints`); otherwise it founds a story whose id
 * is its own key.
 *
 * Idempotent and race-free per item: the decision is recorded with a conditional write on the
 * item's place (`createStory` or `placeItem`), so a redelivery after a crash, or one overlapping the first run, adopts the
 * first decision (and reports `resumed`); members and creation are idempotent too. Two pollers
 * placing *different* near-duplicates at the same instant may each found a story: a repeat,
 * never a loss.
 */
export async function assignStory(item: StoryItem, seenAt: Date, deps: AssignStoryDeps): Promise<StoryAssignment> {
  const settings = deps.settings ?? defaultStorySettings;
  const { stories } = deps;
  const { fingerprint, sketch, keys } = takeLookup(item, seenAt, settings);

  const postings = await stories.readIndex(keys);
  const saturated = new Set([...postings].filter(([, list]) => list.length >= settings.maxPostingsPerKey).map(([key]) => key));
  const candidates = await stories.getStories(rankCandidates(postings, fingerprint.at, settings));

  const member: StoryMember = {
    itemKey: item.itemKey,
    feedId: item.feedId,
    source: item.source,
    title: item.title,
    link: item.link,
    published: item.published,
    addedAt: seenAt.toISOString(),
  };
  const ownKeys = indexKeys(sketch.slice(0, settings.indexSize), bucketTime(fingerprint, seenAt)).filter((key) => !saturated.has(key));
  /** The listings of the item's keys, for the story it founded or joined. */
  const listings = (storyId: string): KeyListing[] =>
    ownKeys.map((key) => ({
      key,
      expiresAt: keyExpiry(key, Math.max(settings.windowSeconds, settings.followUpWindowSeconds), seenAt),
      stories: [{ storyId, at: fingerprint.at }],
    }));
  const expiresAt = Math.floor(seenAt.getTime() / 1000) + deps.retentionSeconds;

  const best = bestMatch(candidates, fingerprint, settings);
  // The decision is recorded once per item, on the item's place: founding the story is its own
  // placement, joining writes a pointer. A concurrent or repeated run adopts the first one.
  let placement: { storyId: string; role: 'founder' | 'member'; first: boolean; story?: StoryRecord };
  if (best) {
    placement = await stories.placeItem(item.itemKey, best.story.storyId, expiresAt);
  } else {
    const founded = await stories.createStory({ storyId: item.itemKey, member, fingerprint, at: fingerprint.at, expiresAt });
    placement =
      'memberOf' in founded
        ? { storyId: founded.memberOf, role: 'member', first: false }
        : { storyId: item.itemKey, role: 'founder', first: founded.created, story: founded.story };
  }
  const resumed = !placement.first;

  if (placement.role === 'member') {
    const story = placement.storyId === best?.story.storyId ? best.story : await stories.getStory(placement.storyId);
    const joined =
      story !== undefined &&
      (await stories.addMembers(story.storyId, {
        members: [
          {
            member,
            fingerprint: story.fingerprints.length < settings.maxMatchMembers ? fingerprint : undefined,
            list: story.members.length < settings.maxListedMembers,
          },
        ],
        lastAt: Math.max(story.lastAt, fingerprint.at),
        expiresAt,
      }));
    if (joined) {
      // Listed under this member's keys too, so later copies of its wording find the story.
      await stories.index(listings(story.storyId));
      return { storyId: story.storyId, role: 'member', story, resumed, ...(best ? { score: best.score } : {}) };
    }
    // The story expired since: the item founds its own in its place (as a retry of this run would).
    const founded = await stories.createStory({
      storyId: item.itemKey,
      member,
      fingerprint,
      at: fingerprint.at,
      expiresAt,
      replacePointer: true,
    });
    if ('memberOf' in founded) {
      throw new Error(`story placement failed: the item's place keeps pointing at an expired story (${item.itemKey})`);
    }
    placement = { storyId: item.itemKey, role: 'founder', first: placement.first, story: founded.story };
  }

  const story = placement.story as StoryRecord;
  await stories.index(listings(story.storyId));
  return { storyId: story.storyId, role: 'founder', story, resumed };
}

/**
 * Reads what placing these items will read, for all of them at once: their lookup rows in one
 * batched read, then the candidate stories those rows name, in another. `assignStory` over the
 * same prefetched store then reads from memory (what it writes is applied there too).
 */
export async function prefetchStoryReads(
  items: StoryItem[],
  seenAt: Date,
  stories: PrefetchedStoryStore,
  settings: StorySettings = defaultStorySettings,
): Promise<void> {
  // The very keys assignStory reads (follow-up buckets included), so it reads none itself.
  const lookups = items.map((item) => {
    const lookup = lookupOf(item, seenAt, settings);
    lookupsByItem.set(item, lookup);
    return lookup;
  });
  await stories.prefetch(lookups.flatMap((lookup) => lookup.keys));
  const candidates: string[] = [];
  for (const lookup of lookups) candidates.push(...rankCandidates(await stories.readIndex(lookup.keys), lookup.fingerprint.at, settings));
  await stories.prefetchStories(candidates);
}

/** An item's fingerprint, its sketch and the lookup keys they give (see `itemLookupKeys`). */
interface ItemLookup {
  seenAt: number;
  settings: StorySettings;
  fingerprint: StoryFingerprint;
  sketch: string[];
  keys: string[];
}

/** The lookups of the items prefetched, for `assignStory` on the same item next (one per item object). */
const lookupsByItem = new WeakMap<StoryItem, ItemLookup>();

/**
 * The lookup `prefetchStoryReads` worked out for this item (the same object, at the same time,
 * with the same settings), taken out of the cache (the item is placed once; a retry works it out
 * anew), or worked out now for an item not prefetched. The prefetched one also hands back the
 * same key strings, whose hashes the store's maps then already know.
 */
function takeLookup(item: StoryItem, seenAt: Date, settings: StorySettings): ItemLookup {
  const known = lookupsByItem.get(item);
  if (known === undefined) return lookupOf(item, seenAt, settings);
  lookupsByItem.delete(item);
  return known.seenAt === seenAt.getTime() && known.settings === settings ? known : lookupOf(item, seenAt, settings);
}

/** `fingerprintItem`, its sketch and the lookup keys they give. */
function lookupOf(item: StoryItem, seenAt: Date, settings: StorySettings): ItemLookup {
  const fingerprint = fingerprintItem(item, seenAt);
  const sketch = sketchOf(fingerprint, settings.sketchSize);
  return { seenAt: seenAt.getTime(), settings, fingerprint, sketch, keys: itemLookupKeys(sketch, fingerprint, seenAt, settings) };
}

/**
 * The day an item's lookup rows are bucketed by: its publication time, or the poll's when the
 * feed dates it later (a wrong clock or time zone). No row is then ever written in a day after
 * the poll's, so a lookup reads no bucket after the poll's day: about half of its keys for an
 * item of today. Only an item dated ahead of its poll is bucketed elsewhere than by its date,
 * which changes which rows it meets (others dated ahead are in today's bucket with it; the
 * candidates' own times are still held to the windows by `rankCandidates` and the matcher).
 */
function bucketTime(fingerprint: StoryFingerprint, seenAt: Date): number {
  return Math.min(fingerprint.at, Math.floor(seenAt.getTime() / 1000));
}

/**
 * How far past the poll's time a lookup still reads (seconds): a poll that began just before
 * midnight still reads the next day, where a poll that began just after it (or a poller whose
 * clock runs ahead) lists its items. Ten more keys an item for the polls of the day's last hour.
 */
const LOOKUP_SLACK_SECONDS = 60 * 60;

/** The keys an item looks up: its sketch within the story window, its rarest keys up to the follow-up window, none after the poll's day. */
function itemLookupKeys(sketch: string[], fingerprint: StoryFingerprint, seenAt: Date, settings: StorySettings): string[] {
  return lookupKeys(
    sketch,
    bucketTime(fingerprint, seenAt),
    settings.windowSeconds,
    { seconds: settings.followUpWindowSeconds, keys: settings.followUpKeys },
    Math.floor(seenAt.getTime() / 1000) + LOOKUP_SLACK_SECONDS,
  );
}

/** Stories sharing the most lookup keys with the item (ties: the most recent), within the window. */
function rankCandidates(postings: Map<string, { storyId: string; at: number }[]>, at: number, settings: StorySettings): string[] {
  const votes = new Map<string, { votes: number; latest: number }>();
  for (const list of postings.values()) {
    for (const posting of list) {
      if (Math.abs(posting.at - at) > Math.max(settings.windowSeconds, settings.followUpWindowSeconds)) continue;
      const entry = votes.get(posting.storyId) ?? { votes: 0, latest: posting.at };
      entry.votes += 1;
      entry.latest = Math.max(entry.latest, posting.at);
      votes.set(posting.storyId, entry);
    }
  }
  return [...votes]
    .sort(([, a], [, b]) => b.votes - a.votes || b.latest - a.latest)
    .slice(0, settings.maxCandidates)
    .map(([storyId]) => storyId);
}

/** The matcher drops a conflicting pair whatever its scores: they are not worked out. */
const UNSCORED_CONFLICTS = { scoreConflicts: false } as const;

/**
 * The candidate the item fits best: its score is the best against any kept member, and no kept
 * member may conflict with it (one conflicting member is enough to keep it out).
 */
function bestMatch(
  candidates: StoryRecord[],
  fingerprint: StoryFingerprint,
  settings: StorySettings,
): { story: StoryRecord; score: number; margin: number } | undefined {
  let best: { story: StoryRecord; score: number; margin: number } | undefined;
  for (const story of candidates) {
    // How far the best-matching kept member is above the threshold that applies to it.
    let margin = Number.NEGATIVE_INFINITY;
    let score = 0;
    let conflict = false;
    for (const kept of story.fingerprints) {
      const comparison = compareFingerprints(
        fingerprint,
        kept.fingerprint,
        settings.windowSeconds,
        settings.followUpWindowSeconds,
        UNSCORED_CONFLICTS,
      );
      if (comparison.conflict) {
        conflict = true;
        break;
      }
      // An undated pair joins on either score: a near-copy, or a paraphrase held to a higher bar.
      const bar = comparison.followUp ? settings.followUpThreshold : comparison.dated ? settings.datedThreshold : settings.undatedThreshold;
      const paraphrase = comparison.score - bar;
      const copy = comparison.dated ? Number.NEGATIVE_INFINITY : comparison.copy - settings.threshold;
      const above = Math.max(paraphrase, copy);
      if (above > margin) {
        margin = above;
        score = paraphrase >= copy ? comparison.score : comparison.copy;
      }
    }
    if (conflict || margin < 0) continue;
    if (!best || margin > best.margin || (margin === best.margin && story.lastAt > best.story.lastAt)) best = { story, score, margin };
  }
  return best;
}
