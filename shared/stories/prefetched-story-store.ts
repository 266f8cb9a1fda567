import { NewsAlertsError } from '../core/errors.ts';
import {
  compareStoryFingerprints,
  compareStoryMembers,
  type KeyListing,
  type NewPlace,
  type StoryJoin,
  type StoryPosting,
  type StoryRecord,
  type StoryStore,
} from '../store/ports.ts';

/**
 * A `StoryStore` for one poll's items: their reads done together (see `prefetch`), and the
 * places of the items the poll holds written together (see `holdPlaces` and `flush`).
 */
export interface PrefetchedStoryStore extends StoryStore {
  /** Reads these lookup rows now (batched, 100 keys a request) and serves them from memory after. */
  prefetch(keys: string[]): Promise<void>;
  /** Reads these stories now (batched) and serves them from memory until this poll writes to one. */
  prefetchStories(storyIds: string[]): Promise<void>;
  /**
   * Reads whether these items (which the caller holds: its feed's lease) have a place yet, in one batched
   * read. Those without one are placed in memory, and `flush` writes their places together.
   */
  holdPlaces(itemKeys: string[]): Promise<void>;
  /**
   * Writes what this poll placed in memory: its new stories and pointers in batched writes, then
   * its members of stored stories (one write per story) and its lookup listings (one write per
   * key row). Call it before anything is alerted: the decisions are recorded first.
   */
  flush(): Promise<void>;
}

/**
 * How long a stored story must still live, read by this poll, for the poll to add its members
 * at `flush` rather than at once (seconds): far more than a group's placements and flush take
 * (the feed's lease is 120 seconds), so the story is still there when they are written.
 */
const DEFERRED_JOIN_MARGIN_SECONDS = 10 * 60;

/**
 * Wraps a story store for one poll's items: their lookup rows are read once, together, instead of
 * once per item, and this poll's own listings are applied to the rows in memory, so a
 * near-duplicate later in the poll still finds the story an earlier one founded (as if each read
 * went to the table). Rows other pollers change meanwhile are seen by the next poll, which is the
 * staleness an eventually consistent read allows anyway. The candidate stories are read the same
 * way, and what this poll adds to one is applied to it in memory too.
 *
 * Writes: an item the poll holds (its feed's lease) whose place read absent is placed in memory
 * (the story it founds, with any member of this poll that joins it, or its pointer), and `flush`
 * writes all such places in one batched write: no other run writes those places while the lease
 * is held, so the conditional write per item is not needed. Members joining a stored story this
 * poll read, live for a while yet, are written at `flush` too, after the places: one write per
 * story for all of them, beside the listings, one write per key row for all the poll's stories
 * listed under it. Everything else goes to the store as it comes.
 *
 * Why a member may wait for `flush`: the item's place (written first) is what records the
 * decision; its membership only follows it, and both are written before any alert of the poll
 * is queued and before its items are marked done. A crash before the members are written leaves
 * the items without done markers: the redelivery finds their places (a conditional write that
 * adopts the first decision) and adds them to the story again (idempotent per listed member;
 * one beyond the listing cap may be counted twice, as with a member added at once). The
 * story read live with `DEFERRED_JOIN_MARGIN_SECONDS` ahead cannot expire in between, as it
 * could for a member added at once, whose failed write makes the item found its own story; if
 * the write finds it gone all the same (a clock jump, a row deleted by hand), `flush` fails with
 * a retryable error and the redelivery places those items one by one, where the founding
 * fallback applies. `now` is when the poll reads its stories.
 */
export function prefetchedStoryStore(store: StoryStore, now: Date): PrefetchedStoryStore {
  /**
   * Key → its postings as `readIndex` answers them (each story once, as the store lists it);
   * empty for a key without a row. Each item's keys are asked for twice (prefetch, then placing
   * it) and many are shared by the poll's items, so the arrays are handed out as they are:
   * callers only read them, and a listing of this poll replaces a row's array with a new one.
   */
  const rows = new Map<string, readonly StoryPosting[]>();
  /** Story id → the story as read (null: absent or expired), with what this poll added to it. */
  const stories = new Map<string, StoryRecord | null>();
  /** Items held by the poll whose places are still free. */
  const held = new Set<string>();
  /** Stories this poll founded, not written yet (with the members that joined them). */
  const founded = new Map<string, StoryRecord>();
  /** Pointers of this poll's members, not written yet. */
  const pointers = new Map<string, { memberOf: string; expiresAt: number }>();
  /** Members of stored stories, not written yet, by story. */
  const joins = new Map<string, StoryJoin>();
  /** Listings not written yet, by key (a story listed twice under a key: the last time wins). */
  const listings = new Map<string, { expiresAt: number; stories: Map<string, number> }>();
  const deferUntil = Math.floor(now.getTime() / 1000) + DEFERRED_JOIN_MARGIN_SECONDS;

  async function load(keys: string[]): Promise<void> {
    // Placing an item finds all its keys read by `prefetch`: no set, no copy, no request.
    let missing: Set<string> | undefined;
    for (let i = 0; i < keys.length; i++) if (!rows.has(keys[i]!)) (missing ??= new Set()).add(keys[i]!);
    if (missing === undefined) return;
    const found = await store.readIndex([...missing]);
    for (const key of missing) rows.set(key, found.get(key) ?? []);
  }

  async function loadStories(storyIds: string[]): Promise<void> {
    // As `load`: placing an item finds its candidates read by `prefetchStories`.
    let missing: Set<string> | undefined;
    for (let i = 0; i < storyIds.length; i++) if (!stories.has(storyIds[i]!)) (missing ??= new Set()).add(storyIds[i]!);
    if (missing === undefined) return;
    const found = new Map((await store.getStories([...missing])).map((story) => [story.storyId, story]));
    for (const id of missing) stories.set(id, found.get(id) ?? null);
  }

  return {
    ...store,
    prefetch: load,
    prefetchStories: loadStories,

    async holdPlaces(itemKeys) {
      const placed = await store.placedItems(itemKeys);
      for (const itemKey of itemKeys) if (!placed.has(itemKey)) held.add(itemKey);
    },

    async flush() {
      const places: NewPlace[] = [
        ...[...founded.values()].map((story) => ({ story })),
        ...[...pointers].map(([itemKey, pointer]) => ({ itemKey, ...pointer })),
      ];
      founded.clear();
      pointers.clear();
      await store.writePlaces(places);
      // Members and listings only once the places (the decisions) are recorded.
      const pendingJoins = [...joins];
      joins.clear();
      const pendingListings: KeyListing[] = [...listings].map(([key, row]) => ({
        key,
        expiresAt: row.expiresAt,
        stories: [...row.stories].map(([storyId, at]) => ({ storyId, at })),
      }));
      listings.clear();
      await Promise.all([
        ...pendingJoins.map(async ([storyId, join]) => {
          if (await store.addMembers(storyId, join)) return;
          throw new NewsAlertsError(
            `placing a poll's items failed: the story they joined expired before they were added; the items are placed again one by one (${storyId})`,
            { retryable: true },
          );
        }),
        ...(pendingListings.length > 0 ? [store.index(pendingListings)] : []),
      ]);
    },

    async getStories(storyIds) {
      await loadStories(storyIds);
      const found: StoryRecord[] = [];
      for (const id of new Set(storyIds)) {
        const story = stories.get(id);
        if (story) found.push(story);
      }
      return found;
    },

    async getStory(storyId) {
      const story = founded.get(storyId) ?? (joins.has(storyId) ? stories.get(storyId) : undefined);
      return story ? snapshot(story) : store.getStory(storyId);
    },

    async addMembers(storyId, join) {
      const own = founded.get(storyId);
      if (own) {
        const story = withMembers(own, join);
        founded.set(storyId, story);
        stories.set(storyId, story);
        return true;
      }
      const read = stories.get(storyId);
      if (!read || read.expiresAt < deferUntil) {
        stories.delete(storyId);
        return store.addMembers(storyId, join);
      }
      stories.set(storyId, withMembers(read, join));
      const pending = joins.get(storyId);
      joins.set(
        storyId,
        pending
          ? {
              members: [...pending.members, ...join.members],
              lastAt: Math.max(pending.lastAt, join.lastAt),
              expiresAt: Math.max(pending.expiresAt, join.expiresAt),
            }
          : join,
      );
      return true;
    },

    async createStory(input) {
      const free = held.has(input.storyId) || (input.replacePointer === true && pointers.has(input.storyId));
      if (!free) {
        // A story it may create is read again; one this poll adds members to stays as it has it.
        if (!joins.has(input.storyId)) stories.delete(input.storyId);
        return store.createStory(input);
      }
      held.delete(input.storyId);
      pointers.delete(input.storyId);
      const story: StoryRecord = {
        storyId: input.storyId,
        createdAt: input.member.addedAt,
        lastAt: input.at,
        members: [{ ...input.member }],
        unlistedMembers: 0,
        fingerprints: [{ itemKey: input.member.itemKey, fingerprint: input.fingerprint }],
        alertedTopics: [],
        expiresAt: input.expiresAt,
      };
      founded.set(input.storyId, story);
      stories.set(input.storyId, story);
      return { created: true, story: snapshot(story) };
    },

    async placeItem(itemKey, storyId, expiresAt) {
      if (!held.has(itemKey)) return store.placeItem(itemKey, storyId, expiresAt);
      held.delete(itemKey);
      pointers.set(itemKey, { memberOf: storyId, expiresAt });
      return { storyId, role: 'member', first: true };
    },

    async readIndex(keys) {
      await load(keys);
      const found = new Map<string, StoryPosting[]>();
      for (let i = 0; i < keys.length; i++) {
        const postings = rows.get(keys[i]!);
        if (postings !== undefined && postings.length > 0) found.set(keys[i]!, postings as StoryPosting[]);
      }
      return found;
    },

    async index(keyListings) {
      for (const { key, expiresAt, stories: listed } of keyListings) {
        const row = listings.get(key) ?? { expiresAt, stories: new Map<string, number>() };
        row.expiresAt = Math.max(row.expiresAt, expiresAt);
        for (const { storyId, at } of listed) row.stories.set(storyId, at);
        // As the row will read (a row not read yet is read whole when asked for): a story listed
        // again keeps its place with its new time, a new one comes last.
        const postings = rows.get(key);
        if (postings !== undefined) rows.set(key, withPostings(postings, listed));
        listings.set(key, row);
      }
    },
  };
}

/** `postings` with `listed` applied (see `index`): a new array, so one handed out before is left as it was. */
function withPostings(postings: readonly StoryPosting[], listed: readonly StoryPosting[]): StoryPosting[] {
  const next = [...postings];
  for (const { storyId, at } of listed) {
    const index = next.findIndex((posting) => posting.storyId === storyId);
    if (index >= 0) next[index] = { storyId, at };
    else next.push({ storyId, at });
  }
  return next;
}

/**
 * A story with members added as the store adds them (listed ones once, unlisted ones counted,
 * fingerprints once), in the order the store reads them back: a new record, so a story handed
 * out before is left as it was.
 */
function withMembers(story: StoryRecord, join: StoryJoin): StoryRecord {
  const members = [...story.members];
  const fingerprints = [...story.fingerprints];
  let unlistedMembers = story.unlistedMembers;
  for (const { member, fingerprint, list } of join.members) {
    if (!list) unlistedMembers += 1;
    else if (!members.some((m) => m.itemKey === member.itemKey)) members.push({ ...member });
    if (fingerprint && !fingerprints.some((f) => f.itemKey === member.itemKey)) fingerprints.push({ itemKey: member.itemKey, fingerprint });
  }
  return snapshot({
    ...story,
    members,
    fingerprints,
    unlistedMembers,
    lastAt: join.lastAt,
    expiresAt: Math.max(story.expiresAt, join.expiresAt),
  });
}

/** A story as the table would return it once written: members and fingerprints in the adapter's order, arrays of its own. */
function snapshot(story: StoryRecord): StoryRecord {
  return {
    ...story,
    members: [...story.members].sort(compareStoryMembers),
    fingerprints: [...story.fingerprints].sort(compareStoryFingerprints),
    alertedTopics: [...story.alertedTopics],
  };
}
