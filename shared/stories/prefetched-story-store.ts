import {
  compareStoryFingerprints,
  compareStoryMembers,
  type NewPlace,
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
   * its lookup listings. Call it before anything is alerted: the decisions are recorded first.
   */
  flush(): Promise<void>;
}

/**
 * Wraps a story store for one poll's items: their lookup rows are read once, together, instead of
 * once per item, and this poll's own listings are applied to the rows in memory, so a
 * near-duplicate later in the poll still finds the story an earlier one founded (as if each read
 * went to the table). Rows other pollers change meanwhile are seen by the next poll, which is the
 * staleness an eventually consistent read allows anyway. The candidate stories are read the same
 * way, and read again once this poll adds to one.
 *
 * Writes: an item the poll holds (its feed's lease) whose place read absent is placed in memory
 * (the story it founds, with any member of this poll that joins it, or its pointer), and `flush`
 * writes all such places in one batched write, then the listings: no other run writes those
 * places while the lease is held, so the conditional write per item is not needed. Everything
 * else goes to the store as it comes.
 */
export function prefetchedStoryStore(store: StoryStore): PrefetchedStoryStore {
  /** Key → its postings by story id; an empty map for a key without a row. */
  const rows = new Map<string, Map<string, number>>();
  /** Story id → the story as read (null: absent or expired); dropped when this poll adds to it. */
  const stories = new Map<string, StoryRecord | null>();
  /** Items held by the poll whose places are still free. */
  const held = new Set<string>();
  /** Stories this poll founded, not written yet, with their row expiry. */
  const founded = new Map<string, { story: StoryRecord; expiresAt: number }>();
  /** Pointers of this poll's members, not written yet. */
  const pointers = new Map<string, { memberOf: string; expiresAt: number }>();
  /** Listings not written yet, in the order they were made. */
  const listings: { storyId: string; entries: { key: string; expiresAt: number }[]; at: number }[] = [];

  async function load(keys: string[]): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !rows.has(key));
    if (missing.length === 0) return;
    const found = await store.readIndex(missing);
    for (const key of missing) rows.set(key, new Map((found.get(key) ?? []).map((posting) => [posting.storyId, posting.at])));
  }

  async function loadStories(storyIds: string[]): Promise<void> {
    const missing = [...new Set(storyIds)].filter((id) => !stories.has(id));
    if (missing.length === 0) return;
    const found = new Map((await store.getStories(missing)).map((story) => [story.storyId, story]));
    for (const id of missing) stories.set(id, found.get(id) ?? null);
  }

  /** A founded story as the table would return it once written (members and fingerprints in the adapter's order). */
  function snapshot(story: StoryRecord): StoryRecord {
    return {
      ...story,
      members: [...story.members].sort(compareStoryMembers),
      fingerprints: [...story.fingerprints].sort(compareStoryFingerprints),
      alertedTopics: [...story.alertedTopics],
    };
  }

  function addToFounded(entry: { story: StoryRecord; expiresAt: number }, input: Parameters<StoryStore['addMember']>[1]): void {
    const { story } = entry;
    const has = (list: { itemKey: string }[]) => list.some((m) => m.itemKey === input.member.itemKey);
    if (!input.list) story.unlistedMembers += 1;
    else if (!has(story.members)) story.members.push({ ...input.member });
    if (input.fingerprint && !has(story.fingerprints))
      story.fingerprints.push({ itemKey: input.member.itemKey, fingerprint: input.fingerprint });
    story.lastAt = input.lastAt;
    entry.expiresAt = Math.max(entry.expiresAt, input.expiresAt);
    stories.set(story.storyId, snapshot(story));
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
      const places: NewPlace[] = [...founded.values(), ...[...pointers].map(([itemKey, pointer]) => ({ itemKey, ...pointer }))];
      founded.clear();
      pointers.clear();
      await store.writePlaces(places);
      // Listed only once the stories exist, as a conditional write per item would have it.
      const pending = listings.splice(0);
      await Promise.all(pending.map(({ storyId, entries, at }) => store.index(storyId, entries, at)));
    },

    async getStories(storyIds) {
      await loadStories(storyIds);
      return [...new Set(storyIds)].flatMap((id) => stories.get(id) ?? []);
    },

    async getStory(storyId) {
      const story = founded.get(storyId);
      return story ? snapshot(story.story) : store.getStory(storyId);
    },

    async addMember(storyId, input) {
      const entry = founded.get(storyId);
      if (entry) {
        addToFounded(entry, input);
        return true;
      }
      stories.delete(storyId);
      return store.addMember(storyId, input);
    },

    async createStory(input) {
      const free = held.has(input.storyId) || (input.replacePointer === true && pointers.has(input.storyId));
      if (!free) {
        stories.delete(input.storyId);
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
      };
      founded.set(input.storyId, { story, expiresAt: input.expiresAt });
      stories.set(input.storyId, snapshot(story));
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
      for (const key of new Set(keys)) {
        const postings = rows.get(key);
        if (postings && postings.size > 0)
          found.set(
            key,
            [...postings].map(([storyId, at]) => ({ storyId, at })),
          );
      }
      return found;
    },

    async index(storyId, entries, at) {
      listings.push({ storyId, entries, at });
      // As the row will read (a row not read yet is read whole when asked for).
      for (const { key } of entries) rows.get(key)?.set(storyId, at);
    },
  };
}
